"""Phones and the English interface: at 320 px no page scrolls sideways and the header stays
compact (a native <details> menu that opens without JavaScript); in English no German word of
the site's chrome is left; a failed sign-in takes focus to the error summary."""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import DEMO_PASSWORD, sign_in

# What this checks is the pages' markup and headers, the same on every database and channel
# layer: CI's PostgreSQL pass leaves it out (.ci/run).
pytestmark = pytest.mark.same_on_every_database

PHONE = {"width": 320, "height": 640}
MEMBER = "claudia.weber@kleinstadtakademie.example"
MAIN_PAGES = [
    "/",
    "/forum/",
    "/forum/bereiche/stadtlabor-kleinstadt/",
    "/fallstudien/",
    "/stadtlabor-kleinstadt/oestrich-winkel-pop-up-coworking/",
    "/stadtlabor-kleinstadt/dippoldiswalde-befragung/",
    "/handlungsbausteine/",
    "/handlungsbausteine/unterstuetzungsnetzwerk-aufbauen/",
    "/impressum/",
    "/suche/?q=Co-Working",
    "/forum/suche/?q=Co-Working",
    "/werkstaetten/",
    "/verbuende/stadtlabor-kleinstadt/werkstaetten/",
    "/benachrichtigungen/",
    "/konto/profil/",
    "/konto/email/",
    "/konto/password/change/",
    "/konto/2fa/",
]
# Words of the header, footer, skip link and overview headings in German.
GERMAN_CHROME = [
    "Anmelden",
    "Abmelden",
    "Suche",
    "Fallstudien",
    "Handlungsbausteine",
    "Transferwerkstätten",
    "Impressum",
    "Datenschutz",
    "Barrierefreiheit",
    "Mein Konto",
    "Mein Verbund",
    "Benachrichtigungen",
    "ungelesen",
    "Menü",
    "Hauptnavigation",
    "Rechtliches",
    "Kleinstädte",
    "Zum Inhalt",
]
CHROME_TEXT = """() => {
  const parts = [...document.querySelectorAll(
    '.site-header, .site-footer, .skip-link, h1:not([lang])')];
  const labels = parts.flatMap(e => [e, ...e.querySelectorAll('[aria-label]')])
    .map(e => e.getAttribute('aria-label') || '');
  return [document.title, ...parts.map(e => e.textContent), ...labels].join(' ');
}"""


def _pages_with_a_topic(page, base_url: str) -> list[str]:
    page.goto(base_url + "/forum/bereiche/stadtlabor-kleinstadt/")
    topic = page.locator("a.topic-title").first.get_attribute("href")
    return [*MAIN_PAGES, topic]


def _layout(page) -> tuple[int, float]:
    return page.evaluate(
        "[document.documentElement.scrollWidth,"
        " document.querySelector('.site-header').getBoundingClientRect().height]"
    )


def test_mobile_header_at_320px_without_horizontal_scroll_on_every_main_page(
    demo_server, browser, screenshot_dir
):
    context, page = sign_in(browser, demo_server.url, MEMBER)
    page.set_viewport_size(PHONE)
    problems = {}
    for path in _pages_with_a_topic(page, demo_server.url):
        page.goto(demo_server.url + path)
        width, header = _layout(page)
        if width > PHONE["width"] or header > 0.2 * PHONE["height"]:
            problems[path] = (width, header)
        name = re.sub(r"\W+", "-", path).strip("-") or "home"
        page.screenshot(path=screenshot_dir / f"phone-{name}.png")
    context.close()
    signed_out = browser.new_page(viewport=PHONE, locale="de-DE")
    for path in ["/konto/login/", "/konto/password/reset/", "/impressum/"]:
        signed_out.goto(demo_server.url + path)
        width, header = _layout(signed_out)
        if width > PHONE["width"] or header > 0.2 * PHONE["height"]:
            problems["signed out " + path] = (width, header)
    signed_out.close()
    assert problems == {}


def test_phone_menu_opens_without_javascript_by_keyboard(demo_server, browser, screenshot_dir):
    context = browser.new_context(viewport=PHONE, locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    page.goto(demo_server.url + "/")
    menu = page.get_by_role("navigation", name="Hauptnavigation")
    expect(menu).to_be_hidden()
    page.locator("summary.nav-toggle").focus()
    page.keyboard.press("Enter")
    expect(menu.get_by_role("link", name="Fallstudien")).to_be_visible()
    page.screenshot(path=screenshot_dir / "phone-menu-open.png")
    menu.get_by_role("link", name="Fallstudien").click()
    expect(page.locator("h1")).to_have_text("Fallstudien")
    context.close()


def test_wide_screens_show_the_navigation_without_a_menu_button(demo_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="de-DE")
    page.goto(demo_server.url + "/")
    expect(page.locator("summary.nav-toggle")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav.get_by_role("link", name="Fallstudien")).to_be_visible()
    page.close()


def test_english_mode_crawl_as_member_shows_no_german_chrome(demo_server, browser, screenshot_dir):
    context, page = sign_in(browser, demo_server.url, MEMBER)
    # The cookie alone: the member's stored preference (and other tests' German) stays as it is.
    context.add_cookies([{"name": "django_language", "value": "en", "url": demo_server.url}])
    found = {}
    for path in _pages_with_a_topic(page, demo_server.url):
        page.goto(demo_server.url + path)
        text = page.evaluate(CHROME_TEXT)
        german = [word for word in GERMAN_CHROME if re.search(r"\b" + word, text)]
        if german:
            found[path] = german
    page.goto(demo_server.url + "/impressum/")
    expect(page.locator("h1")).to_have_text("Legal notice")
    expect(page.locator(".legal")).to_have_attribute("lang", "de")
    page.screenshot(path=screenshot_dir / "english-impressum.png", full_page=True)
    context.close()
    assert found == {}


def test_failed_login_moves_focus_to_the_announced_error_summary(demo_server, browser):
    page = browser.new_page(locale="de-DE")
    page.goto(demo_server.url + "/konto/login/")
    page.get_by_label("E-Mail").fill(MEMBER)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD + "-falsch")
    page.locator("main form").get_by_role("button", name="Anmelden").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Passwort")
    page.close()
