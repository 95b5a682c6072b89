""" "Barriere melden" in the browser: reached from the accessibility statement and the footer,
filled in without and with JavaScript, axe-clean; and the editor's list of reports, with the
Wagtail violations on the admin page the accessibility statement lists."""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import axe_violations, sign_in

EDITOR = "miriam.hoffmann@kleinstadtakademie.example"


def _fill(page, description: str, email: str = "") -> None:
    page.get_by_label("Was hat nicht funktioniert?").fill(description)
    page.get_by_label("Welche Hilfsmittel nutzen Sie? (freiwillig)").fill("NVDA 2026.1")
    page.get_by_label("Ihr Name (freiwillig)").fill("Erika Muster")
    page.get_by_label("Ich möchte eine Antwort per E-Mail").check()
    page.get_by_label("Ihre E-Mail-Adresse").fill(email)


@pytest.mark.parametrize("javascript", [False, True], ids=["ohne-js", "mit-js"])
def test_report_a_barrier_from_the_accessibility_statement(
    demo_server, browser, screenshot_dir, javascript
):
    context = browser.new_context(locale="de-DE", java_script_enabled=javascript)
    page = context.new_page()

    def axe_clean() -> None:
        # axe runs as a script in the page: only where the page may run scripts.
        if javascript:
            assert axe_violations(page) == []

    page.goto(demo_server.url + "/barrierefreiheit/")
    axe_clean()
    page.screenshot(path=screenshot_dir / "barrierefreiheit.png", full_page=True)
    page.locator("main").get_by_role("link", name="Barriere melden").click()

    expect(page.locator("h1")).to_have_text("Barriere melden")
    expect(page.get_by_label("Seite, auf der die Barriere ist")).to_have_value("/barrierefreiheit/")
    axe_clean()

    description = f"Die Tabelle ist zu breit ({'mit' if javascript else 'ohne'} JavaScript)."
    _fill(page, description)
    page.get_by_role("button", name="Meldung senden").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Für eine Antwort brauchen wir Ihre E-Mail-Adresse.")
    if javascript:
        expect(summary).to_be_focused()
    # What was typed is still there.
    expect(page.get_by_label("Was hat nicht funktioniert?")).to_have_value(description)
    axe_clean()
    page.screenshot(
        path=screenshot_dir / f"barriere-melden-fehler-{'js' if javascript else 'ohne-js'}.png",
        full_page=True,
    )

    page.get_by_label("Ihre E-Mail-Adresse").fill("erika@example.org")
    page.get_by_role("button", name="Meldung senden").click()
    expect(page.locator("h1")).to_have_text("Vielen Dank für Ihre Meldung")
    axe_clean()
    page.screenshot(path=screenshot_dir / "barriere-melden-danke.png", full_page=True)
    # The receipt went out through the email path (the demo server prints emails).
    assert "Ihre Meldung einer Barriere ist eingegangen" in demo_server.output()
    context.close()


def test_footer_link_names_the_page_it_came_from(demo_server, browser):
    page = browser.new_page(locale="de-DE")
    page.goto(demo_server.url + "/fallstudien/")
    page.locator("footer").get_by_role("link", name="Barriere melden").click()
    expect(page.get_by_label("Seite, auf der die Barriere ist")).to_have_value("/fallstudien/")
    page.close()


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
@pytest.mark.parametrize("path", ["/impressum/", "/datenschutz/", "/barrierefreiheit/"])
def test_legal_pages_pass_axe(demo_server, browser, screenshot_dir, path, locale):
    page = browser.new_page(locale=locale)
    page.goto(demo_server.url + path)
    assert axe_violations(page) == []
    name = path.strip("/")
    page.screenshot(path=screenshot_dir / f"{name}-{locale}.png", full_page=True)
    page.close()


def test_editor_sees_the_reports_in_the_admin(demo_server, browser, screenshot_dir):
    sender = browser.new_page(locale="de-DE")
    sender.goto(demo_server.url + "/barriere-melden/")
    sender.get_by_label("Was hat nicht funktioniert?").fill("Der Kalender ist nicht bedienbar.")
    sender.get_by_role("button", name="Meldung senden").click()
    expect(sender.locator("h1")).to_have_text("Vielen Dank für Ihre Meldung")
    sender.close()

    context, page = sign_in(browser, demo_server.url, EDITOR)
    page.goto(demo_server.url + "/admin/snippets/cms/barrierreport/")
    expect(page.get_by_text("Der Kalender ist nicht bedienbar.")).to_be_visible()
    page.screenshot(path=screenshot_dir / "admin-barrier-reports.png", full_page=True)
    page.get_by_role("link", name=re.compile("Der Kalender ist nicht bedienbar")).click()
    expect(page.get_by_label("Antwort", exact=True)).to_be_visible()
    page.screenshot(path=screenshot_dir / "admin-barrier-report-edit.png", full_page=True)
    page.locator("#id_status").select_option("in_progress")
    # The sender left no address: an answer could not reach them, and the admin says so.
    page.get_by_label("Antwort", exact=True).fill("Danke, wir sehen uns den Kalender an.")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("keine E-Mail-Adresse").first).to_be_visible()
    page.get_by_label("Antwort", exact=True).fill("")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("tbody tr", has_text="Der Kalender")).to_contain_text("in Bearbeitung")
    context.close()
