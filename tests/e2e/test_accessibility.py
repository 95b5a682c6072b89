"""axe-core (WCAG 2.1 A/AA rules) on the main pages, signed out and signed in as a coach, in
German and in English (where German content carries lang="de")."""

import pytest

from tests.helpers.browser import axe_violations, sign_in

# What this checks is the pages' markup and headers, the same on every database and channel
# layer: CI's PostgreSQL pass leaves it out (.ci/run).
pytestmark = pytest.mark.same_on_every_database

PUBLIC_PAGES = [
    "/",
    "/konto/login/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/barriere-melden/",
    "/uebertragungen/",
    "/gibt-es-nicht/",
    "/fallstudien/",
    "/fallstudien/?land=HE&format=pop-up-space",
    "/fallstudien/?handlungsfeld=co-working&format=befragung&ergebnis=failed",
    "/stadtlabor-kleinstadt/",
    "/stadtlabor-kleinstadt/oestrich-winkel-pop-up-coworking/",
    # With a full Steckbrief: three formats, partners, contact person, town facts.
    "/stadtlabor-kleinstadt/wittenberge-schnupper-coworking/",
    "/stadtlabor-kleinstadt/wittenberge/",
    "/handlungsbausteine/",
    "/handlungsbausteine/langen-atem-einplanen/",
    "/suche/?q=Co-Working",
    "/werkstaetten/",
]
MEMBER_PAGES = [
    "/forum/",
    "/forum/bereiche/stadtlabor-kleinstadt/",
    "/forum/bereiche/stadtlabor-kleinstadt/neu/",
    "/forum/suche/?q=Co-Working",
    "/verbuende/stadtlabor-kleinstadt/",
    "/verbuende/stadtlabor-kleinstadt/mitglieder/",
    "/konto/profil/",
    "/stadtlabor-kleinstadt/dippoldiswalde-befragung/",
    # Signed in: with "Fallstudie anlegen" and "Diese Seite bearbeiten".
    "/fallstudien/",
    "/stadtlabor-kleinstadt/",
    "/suche/?q=Co-Working",
    "/verbuende/stadtlabor-kleinstadt/werkstaetten/",
    "/konto/kalender/",
    "/werkstaetten/",
    "/nachrichten/",
    "/kontaktanfragen/",
    "/konto/blockiert/",
]


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_pass_axe(demo_server, browser, path, locale):
    page = browser.new_page(locale=locale)
    page.goto(demo_server.url + path)
    assert axe_violations(page) == []
    page.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_member_pages_in_english_pass_axe(demo_server, browser, width):
    context, page = sign_in(browser, demo_server.url, "claudia.weber@kleinstadtakademie.example")
    # The cookie alone: the member's stored language preference stays German for other tests.
    context.add_cookies([{"name": "django_language", "value": "en", "url": demo_server.url}])
    page.set_viewport_size({"width": width, "height": 800})
    found = {}
    for path in [*MEMBER_PAGES, "/benachrichtigungen/", "/konto/password/change/"]:
        page.goto(demo_server.url + path)
        found[path] = axe_violations(page)
    page.goto(demo_server.url + "/forum/bereiche/stadtlabor-kleinstadt/")
    page.locator("a.topic-title").first.click()
    found["topic"] = axe_violations(page)
    context.close()
    assert {path: problems for path, problems in found.items() if problems} == {}


def test_a_form_with_its_error_summary_passes_axe(demo_server, browser):
    page = browser.new_page(locale="de-DE")
    page.goto(demo_server.url + "/konto/password/reset/")
    page.locator("main form button[type=submit]").click()
    assert page.locator("[data-error-summary]").count() == 1
    assert axe_violations(page) == []
    page.close()


def test_member_pages_pass_axe(demo_server, browser, screenshot_dir):
    context, page = sign_in(browser, demo_server.url, "claudia.weber@kleinstadtakademie.example")
    found = {}
    for path in MEMBER_PAGES:
        page.goto(demo_server.url + path)
        found[path] = axe_violations(page)
    page.goto(demo_server.url + "/forum/bereiche/stadtlabor-kleinstadt/")
    page.locator("a.topic-title").first.click()
    found["topic"] = axe_violations(page)
    workshops = demo_server.url + "/verbuende/stadtlabor-kleinstadt/werkstaetten/"
    page.goto(workshops)
    page.locator(".workshop-card a").first.click()
    found["upcoming workshop"] = axe_violations(page)
    page.get_by_role("link", name="Teilnahme absagen …").click()
    found["cancel confirmation"] = axe_violations(page)
    page.get_by_role("link", name="Nein, angemeldet bleiben").click()
    # Claudia Weber works for the host town: she prepares agenda and venue.
    page.get_by_role("link", name="Programm und Ort bearbeiten").click()
    found["agenda form"] = axe_violations(page)
    page.goto(workshops)
    page.locator(".workshop-card a").last.click()
    found["held workshop with documentation"] = axe_violations(page)
    page.goto(workshops)
    page.get_by_role("link", name="Mölln – zu Gast bei der Themenwoche").click()
    page.locator("#ideen").scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "workshop-documentation-ideas.png")
    page.get_by_role("link", name="Ideenwand").click()
    found["idea board"] = axe_violations(page)
    context.close()
    assert {path: problems for path, problems in found.items() if problems} == {}
