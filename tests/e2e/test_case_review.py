"""A case page through the consortium's review in the browser: the author goes from the case
page into the editor ("Diese Seite bearbeiten") and submits it; the coach finds it in the bell
("Fallstudie zur Prüfung") and approves; the author is told. Screenshots in test-artifacts/."""

import re

from playwright.sync_api import expect

from tests.helpers.browser import sign_in

AUTHOR = "anna.berger@kleinstadtakademie.example"
COACH = "katrin.vogel@kleinstadtakademie.example"
CASE_TITLE = "Wittenberge: Schnupper-Co-Working und Äpfel für Pendelnde"


def _open_action_menu(page) -> None:
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()


def test_coach_is_notified_of_a_submitted_case_page_and_approves_it(
    demo_server, browser, screenshot_dir
):
    base = demo_server.url

    author_context, author = sign_in(browser, base, AUTHOR)
    author.goto(base + "/stadtlabor-kleinstadt/")
    expect(author.get_by_role("link", name="Fallstudie anlegen")).to_be_visible()
    author.screenshot(path=screenshot_dir / "review-consortium-page-new-case.png")
    author.get_by_role("link", name=CASE_TITLE).first.click()
    expect(author.get_by_role("link", name="Anmelden und mitdiskutieren")).to_have_count(0)
    author.screenshot(path=screenshot_dir / "review-case-page-with-edit-link.png")
    author.get_by_role("link", name="Diese Seite bearbeiten").click()
    author.wait_for_url(re.compile(r".*/admin/pages/\d+/edit/$"))
    _open_action_menu(author)
    author.locator("button[name='action-submit']").click()
    author.wait_for_load_state()
    author.screenshot(path=screenshot_dir / "review-submitted-by-author.png", full_page=True)

    coach_context, coach = sign_in(browser, base, COACH)
    bell = coach.locator("[data-notification-bell]")
    expect(bell).to_be_visible()
    assert int(bell.locator("[data-notification-number]").inner_text()) >= 1
    bell.click()
    notice = coach.locator("li", has_text="Fallstudie zur Prüfung").filter(has_text=CASE_TITLE)
    expect(notice.first).to_be_visible()
    coach.screenshot(path=screenshot_dir / "review-coach-notifications.png", full_page=True)
    notice.first.get_by_role("link").first.click()
    coach.wait_for_url(re.compile(r".*/admin/pages/\d+/edit/$"))
    _open_action_menu(coach)
    coach.screenshot(path=screenshot_dir / "review-coach-action-menu.png", full_page=True)
    menu = coach.locator("footer")
    expect(menu.get_by_role("button", name="Veröffentlichen", exact=True)).to_have_count(0)
    menu.get_by_role("button", name="Freigeben", exact=True).click()
    coach.wait_for_load_state()
    coach.screenshot(path=screenshot_dir / "review-coach-approved.png", full_page=True)

    author.goto(base + "/benachrichtigungen/")
    expect(
        author.locator("li", has_text="Vom Verbund freigegeben").filter(has_text=CASE_TITLE)
    ).to_be_visible()
    author.screenshot(path=screenshot_dir / "review-author-told.png", full_page=True)
    author_context.close()
    coach_context.close()
