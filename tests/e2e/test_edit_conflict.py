"""Two windows edit the same post: the second save is refused with both texts on the page and
what was typed kept; saving again then replaces the first on purpose."""

import re

from playwright.sync_api import expect

from tests.helpers.browser import axe_violations, sign_in

AUTHOR = "michael.huber@kleinstadtakademie.example"
SPACE = "/forum/bereiche/stadtlabor-kleinstadt/"


def test_second_window_sees_the_conflict_and_keeps_its_text(demo_server, browser, screenshot_dir):
    base = demo_server.url
    context, first = sign_in(browser, base, AUTHOR)
    first.goto(base + SPACE + "neu/")
    first.get_by_label("Titel").fill("Zwei Fenster, ein Beitrag")
    first.get_by_label(re.compile(r"^Text:?$")).fill("Ursprünglicher Text")
    first.get_by_role("button", name="Diskussion eröffnen").click()
    first.wait_for_url(re.compile(r".*/forum/diskussionen/\d+/$"))
    post_id = first.locator("li.post").first.get_attribute("id").removeprefix("beitrag-")
    edit_url = f"{base}/forum/beitraege/{post_id}/bearbeiten/"

    second = context.new_page()
    first.goto(edit_url)
    second.goto(edit_url)
    first.get_by_label(re.compile(r"^Text")).fill("Fassung aus dem ersten Fenster")
    first.get_by_role("button", name="Speichern").click()
    expect(first.locator("li.post").first).to_contain_text("Fassung aus dem ersten Fenster")

    second.get_by_label(re.compile(r"^Text")).fill("Fassung aus dem zweiten Fenster")
    second.get_by_role("button", name="Speichern").click()
    expect(second.get_by_text("Inzwischen hat jemand anderes hier gespeichert")).to_be_visible()
    expect(second.locator(".conflict")).to_contain_text("Fassung aus dem ersten Fenster")
    expect(second.get_by_label(re.compile(r"^Text"))).to_have_value(
        "Fassung aus dem zweiten Fenster"
    )
    second.screenshot(path=screenshot_dir / "edit-conflict.png", full_page=True)
    assert axe_violations(second) == []

    second.get_by_role("button", name="Speichern").click()
    expect(second.locator("li.post").first).to_contain_text("Fassung aus dem zweiten Fenster")
    context.close()
