"""Staff watch the results of an open survey: the charts are there, and when someone answers,
the count rises without a reload; the comparison across towns shows both towns; axe is clean.

The public form is built on another branch, so the answer is stored the way the form stores
it, through ``store_response``, in the demo server's database by a ``manage.py shell`` next to
the server. With Redis (REDIS_URL) its event reaches the server's sockets at once; with the
in-memory channel layer of a plain run it is lost on the way, and the page still catches up:
the socket's heartbeat finds the stream's head ahead and replays the recorded event."""

import json
import os
import subprocess
import sys
from urllib.parse import urlparse, urlunparse

from tests.e2e.conftest import ROOT
from tests.helpers.browser import axe_violations, sign_in

STAFF = "michael.huber@kleinstadtakademie.example"  # member in Dießen, StadtLabor Kleinstadt
HEARTBEAT_AND_MORE = 40_000

SETUP = """
import json
from forum.models import Consortium, Membership
from cms.surveys.models import QuestionTemplate, ResultsRelease
from tests.helpers.surveys import add_responses, make_survey

membership = Membership.objects.select_related("user__profile").get(user__email=%(email)r)
template = QuestionTemplate.objects.create(
    key="e2e-pendeln", topic="commuting", kind="single", text="Pendeln Sie zur Arbeit?",
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
print(json.dumps(made))
"""

ANSWER = """
import uuid
from cms.surveys.models import Survey
from cms.surveys.services.answering import Given, store_response

survey = Survey.objects.get(pk=%(pk)d)
commute = survey.questions.get(position=1)
store_response(
    survey=survey,
    given=[Given(commute, option=commute.options.get(key="nein"))],
    submission=uuid.uuid4(),
)
"""


def server_database(demo_server) -> str:
    """The demo server's database (tests.helpers.servers.scratch_database names it so)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{demo_server.log.parent / 'e2e.sqlite3'}"
    parsed = urlparse(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = f"{parsed.path.lstrip('/')}_e2e" + (f"_{worker}" if worker else "")
    return urlunparse(parsed._replace(path=f"/{name}"))


def in_server_database(demo_server, code: str) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": server_database(demo_server),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
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

    in_server_database(demo_server, ANSWER % {"pk": made["own"]})
    page.locator("[data-survey-count]", has_text="41").wait_for(timeout=HEARTBEAT_AND_MORE)
    notice = page.locator("[data-live-notice]")
    assert "Neue Antworten" in notice.inner_text()
    page.screenshot(path=screenshot_dir / "survey-results-live.png")
    page.reload()
    assert page.locator("[data-survey-count]").inner_text() == "41"

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
