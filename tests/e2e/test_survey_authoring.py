"""A coach builds a citizen survey in the browser (issue 19): from the list, a new draft, questions
from the template library, a skip rule in the question editor, opening it, one-time codes to
print. Every page on the way is checked with axe; screenshots in test-artifacts/."""

import re

from playwright.sync_api import expect

from tests.helpers.browser import axe_violations, sign_in

COACH = "katrin.vogel@kleinstadtakademie.example"
TITLE = "Arbeiten und Pendeln – Befragung 2027"


def _no_violations(page, name: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{name}: {violations}"


def test_coach_builds_a_survey_from_templates_and_opens_it(demo_server, browser, screenshot_dir):
    context, page = sign_in(browser, demo_server.url, COACH)
    page.goto(demo_server.url + "/")
    page.get_by_role("navigation", name="Konto").get_by_role("link", name="Befragungen").click()
    assert page.url.endswith("/befragungen/")
    rows = page.locator("tbody tr")
    assert rows.filter(has_text="Pendeln ab Wittenberge").count() == 1
    assert "320" in rows.filter(has_text="Pendeln ab Wittenberge").inner_text()
    _no_violations(page, "survey list")
    page.screenshot(path=screenshot_dir / "survey-authoring-1-list.png", full_page=True)

    page.get_by_role("link", name="Neue Befragung").click()
    assert "keine IP-Adresse" in page.locator("#id_privacy_note").input_value()
    page.get_by_label("Offen ab").fill("2027-05-10")
    page.get_by_label("Offen bis einschließlich").fill("2027-05-01")
    page.get_by_role("button", name="Entwurf anlegen").click()
    # Nothing saved: the summary names the missing title and the dates, the dates stay.
    summary = page.get_by_role("alert")
    assert "Titel" in summary.inner_text() and "Ende liegt vor dem Beginn" in summary.inner_text()
    assert page.get_by_label("Offen ab").input_value() == "2027-05-10"
    _no_violations(page, "survey form with errors")
    page.screenshot(path=screenshot_dir / "survey-authoring-2-form-errors.png", full_page=True)
    page.locator("#id_title").fill(TITLE)
    page.get_by_label("Offen bis einschließlich").fill("2027-06-14")
    page.get_by_label("Nur mit Einmal-Code (geschlossene Gruppe)").check()
    page.get_by_role("button", name="Entwurf anlegen").click()
    page.wait_for_url(re.compile(r"/befragungen/\d+/$"))
    detail_url = page.url
    assert TITLE in page.locator("h1").inner_text()
    _no_violations(page, "survey detail, empty draft")

    page.get_by_role("link", name="Fragen aus Vorlagen hinzufügen").click()
    _no_violations(page, "template picker")
    page.get_by_label(re.compile("^Pendeln Sie zur Arbeit")).check()
    page.get_by_label(re.compile("^Womit pendeln Sie")).check()
    page.get_by_label(re.compile("^Wie groß ist Ihr Interesse")).check()
    page.screenshot(path=screenshot_dir / "survey-authoring-3-templates.png", full_page=True)
    page.get_by_role("button", name="Ausgewählte hinzufügen").click()
    questions = page.locator(".survey-questions > li")
    expect(questions).to_have_count(3)

    questions.nth(1).get_by_role("link", name=re.compile("^Bearbeiten")).click()
    _no_violations(page, "question editor")
    page.get_by_label("Nur fragen, wenn die Antwort auf Frage …").select_option(
        label="1. Pendeln Sie zur Arbeit oder Ausbildung in einen anderen Ort?"
    )
    page.get_by_label("1. Ja").check()
    page.screenshot(path=screenshot_dir / "survey-authoring-4-question.png", full_page=True)
    page.get_by_role("button", name="Frage speichern").click()
    expect(questions.nth(1)).to_contain_text("Nur gefragt, wenn die Antwort auf Frage 1")

    # Moving works without JavaScript: a small form per button.
    questions.nth(2).get_by_role("button", name=re.compile("^Nach oben")).click()
    expect(questions.nth(1)).to_contain_text("Interesse")
    questions.nth(1).get_by_role("button", name=re.compile("^Nach unten")).click()
    expect(questions.nth(2)).to_contain_text("Interesse")

    page.get_by_role("link", name="Befragung öffnen").click()
    page.get_by_role("button", name="Befragung öffnen").click()
    page.wait_for_url(detail_url)
    expect(page.locator(".facts")).to_contain_text("Offen")
    _no_violations(page, "survey detail, open")
    page.screenshot(path=screenshot_dir / "survey-authoring-5-detail.png", full_page=True)

    page.get_by_role("link", name="Einmal-Codes").click()
    page.get_by_label("Anzahl neuer Codes").fill("30")
    page.get_by_role("button", name="Codes erzeugen").click()
    expect(page.locator(".code-value")).to_have_count(30)
    _no_violations(page, "codes")
    page.screenshot(path=screenshot_dir / "survey-authoring-6-codes.png", full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=screenshot_dir / "survey-authoring-7-codes-print.png", full_page=True)
    context.close()
