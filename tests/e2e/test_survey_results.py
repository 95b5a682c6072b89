"""Staff watch the results of an open survey: the charts are there, and when a citizen answers
on their phone through the public form, the count rises without a reload; the comparison across
towns shows both towns; axe is clean.

The surveys are made in the demo server's database by a ``manage.py shell`` next to the
server. The public form runs in the server: its event reaches the staff page's socket at once.
"""

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers.browser import axe_violations, sign_in

ROOT = Path(__file__).resolve().parents[2]
STAFF = "michael.huber@kleinstadtakademie.example"  # member in Dießen, StadtLabor Kleinstadt
LIVE = 10_000  # ms

SETUP = """
import json
from forum.models import Consortium, Membership
from cms.surveys.models import QuestionTemplate, ResultsRelease
from tests.helpers.surveys import add_responses, make_survey

membership = Membership.objects.select_related("user__profile").get(user__email=%(email)r)
template = QuestionTemplate.objects.create(
    key="e2e-pendeln", topic="commuting", kind="single",
    text="Fahren Sie zur Arbeit in einen anderen Ort?",
    options=[{"key": "ja", "label": "Ja"}, {"key": "nein", "label": "Nein"}],
)
other = Consortium.objects.exclude(pk=membership.consortium_id).filter(towns__isnull=False)
made = {}
for name, consortium, town, count in [
    ("own", membership.consortium, membership.user.profile.town, 40),
    ("other", other.first(), None, 12),
]:
    built = make_survey(
        consortium, town or consortium.towns.first(), release=ResultsRelease.ACADEMY,
        title="Pendeln und Arbeiten" if name == "own" else "Wie wir arbeiten",
    )
    built.commute.template = template
    built.commute.save(update_fields=["template"])
    add_responses(built, count)
    made[name] = built.survey.pk
    made[name + "_url"] = built.survey.get_public_url()
    made[name + "_scale"] = built.satisfaction.pk
print(json.dumps(made))
"""


def in_server_database(demo_server, code: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=demo_server.env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def test_staff_see_charts_and_the_count_rise_live(demo_server, browser, screenshot_dir):
    base = demo_server.url
    made = json.loads(in_server_database(demo_server, SETUP % {"email": STAFF}))
    context, page = sign_in(browser, base, STAFF)

    page.goto(f"{base}/befragungen/{made['own']}/ergebnisse/")
    count = page.locator("[data-survey-count]")
    assert count.inner_text() == "40"
    assert page.locator("svg[role=img]").count() >= 5
    assert page.get_by_role("table").first.is_visible()
    assert axe_violations(page) == []
    page.screenshot(path=screenshot_dir / "survey-results.png", full_page=True)

    # Two citizens answer on their phones, without an account, one right after the other:
    # the second answer comes within the hint window, without an event of its own, and the
    # page's last look after the window counts it.
    phones = []
    for _ in range(2):
        citizen_context = browser.new_context(
            locale="de-DE", viewport={"width": 375, "height": 740}
        )
        citizen = citizen_context.new_page()
        citizen.goto(base + made["own_url"])
        citizen.get_by_label("Nein", exact=True).check()
        citizen.locator(f'input[name="q{made["own_scale"]}"][value="2"]').check()
        phones.append((citizen_context, citizen))
    for citizen_context, citizen in phones:
        citizen.get_by_role("button", name="Antworten absenden").click()
        citizen.get_by_role("heading", name="Vielen Dank!").wait_for()
        citizen_context.close()
    page.locator("[data-survey-count]", has_text="42").wait_for(timeout=LIVE)
    notice = page.locator("[data-live-notice]")
    assert "Neue Antworten" in notice.inner_text()
    page.screenshot(path=screenshot_dir / "survey-results-live.png")
    page.reload()
    assert page.locator("[data-survey-count]").inner_text() == "42"

    page.goto(f"{base}/befragungen/{made['own']}/ergebnisse/?filter=999:x")
    assert "Diesen Filter gibt es nicht" in page.locator(".error-summary").inner_text()
    assert axe_violations(page) == []

    page.goto(f"{base}/befragungen/vergleich/")
    page.get_by_label("Frage").select_option("e2e-pendeln")
    page.get_by_role("button", name="Vergleichen").click()
    page.wait_for_url(lambda url: "vorlage=e2e-pendeln" in url)
    assert page.locator(".comparison-towns section").count() == 2
    assert "wenige Antworten" in page.locator(".comparison-towns").inner_text()
    assert axe_violations(page) == []
    page.screenshot(path=screenshot_dir / "survey-comparison.png", full_page=True)

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{base}/befragungen/{made['own']}/ergebnisse/")
    assert axe_violations(page) == []
    page.screenshot(path=screenshot_dir / "survey-results-phone.png", full_page=True)
    context.close()
