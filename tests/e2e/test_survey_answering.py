"""A citizen answers a survey on a phone (375 × 740) without and with JavaScript: the
conditional question (shown with a note without JavaScript, appearing after "Ja" with it),
the error for a missing required answer with the typed text kept, then the thank-you page;
axe-clean on the form, the error state and the thank-you page."""

import json
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.helpers.browser import axe_violations

# Runs in the demo server's environment: the demo data has no open survey of its own here.
MAKE_SURVEY = """
import json, django
django.setup()
from datetime import date
from forum.models import Consortium
from tests.helpers.surveys import make_survey
consortium = Consortium.objects.order_by("pk").first()
built = make_survey(consortium, closes_on=date.fromisoformat("{closes}"))
print(json.dumps({{
    "url": built.survey.get_public_url(),
    "commute": built.commute.pk,
    "means": built.means.pk,
    "satisfaction": built.satisfaction.pk,
}}))
"""


@pytest.fixture(scope="module")
def survey(demo_server):
    closes = (timezone.localdate() + timedelta(days=30)).isoformat()
    made = subprocess.run(
        [sys.executable, "-c", MAKE_SURVEY.format(closes=closes)],
        env=demo_server.env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(made.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("javascript", [False, True], ids=["ohne-js", "mit-js"])
def test_a_citizen_answers_on_a_phone(demo_server, browser, screenshot_dir, survey, javascript):
    context = browser.new_context(
        locale="de-DE", java_script_enabled=javascript, viewport={"width": 375, "height": 740}
    )
    page = context.new_page()
    suffix = "js" if javascript else "ohne-js"

    def axe_clean() -> None:
        # axe runs as a script in the page: only where the page may run scripts.
        if javascript:
            assert axe_violations(page) == []

    page.goto(demo_server.url + survey["url"])
    expect(page.locator("h1")).to_have_text("Pendeln in der Kleinstadt")
    means = page.locator(f'[data-question="q{survey["means"]}"]')
    if javascript:
        expect(means).to_be_hidden()
    else:
        expect(means).to_contain_text("Nur beantworten, wenn Sie bei Frage 1 „Ja“ gewählt haben.")
    axe_clean()
    page.screenshot(path=screenshot_dir / f"befragung-formular-{suffix}.png", full_page=True)

    page.get_by_label("Ja", exact=True).check()
    if javascript:
        expect(means).to_be_visible()
    means.get_by_label("Bahn").check()
    wish = page.get_by_label("Ihr Wunsch an die Stadt")
    wish.fill("Ein Bus am Abend")
    # The scale (a required question) is left out.
    page.get_by_role("button", name="Antworten absenden").click()

    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Frage 3: Bitte beantworten Sie diese Frage.")
    if javascript:
        expect(summary).to_be_focused()
    expect(wish).to_have_value("Ein Bus am Abend")
    expect(means.get_by_label("Bahn")).to_be_checked()
    axe_clean()
    page.screenshot(path=screenshot_dir / f"befragung-fehler-{suffix}.png", full_page=True)

    page.locator(f'input[name="q{survey["satisfaction"]}"][value="4"]').check()
    page.get_by_role("button", name="Antworten absenden").click()
    expect(page.locator("h1")).to_have_text("Vielen Dank!")
    assert page.url == demo_server.url + survey["url"] + "danke/"
    axe_clean()
    page.screenshot(path=screenshot_dir / f"befragung-danke-{suffix}.png", full_page=True)
    context.close()
