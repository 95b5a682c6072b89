"""axe-core (WCAG 2.1 A/AA) on the Wagtail admin pages town staff and editors work in: the
dashboard, the explorer, a case page's editor with every block of cms.blocks added once, its
history, the image chooser, the workflow listings and our snippets' listings and forms.

What our code causes must be clean (block labels, panels, templates/wagtailadmin/,
static/js/wagtail-admin.js). What Wagtail 8.0.1 (the newest release) itself causes and no
setting changes is listed in WAGTAIL_CAUSED, by rule and element, with the reason; anything
else fails. The accessibility statement lists the same gaps (see ``WAGTAIL_CAUSED``).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import axe_violations, sign_in

# What this checks is the pages' markup and headers, the same on every database and channel
# layer: CI's PostgreSQL pass leaves it out (.ci/run).
pytestmark = pytest.mark.same_on_every_database

COACH = "katrin.vogel@kleinstadtakademie.example"
EDITOR = "miriam.hoffmann@kleinstadtakademie.example"
ADMIN = "peter.neumann@kleinstadtakademie.example"
CASE_TITLE = "Oestrich-Winkel: Ein Co-Working-Space auf Zeit"
CONSORTIUM_TITLE = "StadtLabor Kleinstadt"
# The block types of cms.blocks.CaseBodyBlock, by their labels in the editor's block menu.
CASE_BLOCKS = [
    "Text",
    "Bild",
    "Zitat",
    "Kennzahlen",
    "Zeitleiste",
    "Erkenntnisse",
    "Hürden",
    "Nächste Schritte",
    "Downloads",
    "Ansprechperson",
    "Ergebnisse einer Bürgerbefragung",
]
SNIPPETS = ["town", "consortium", "membership", "profile", "space", "tag"]

# (axe rule, pattern found in the element's selector, why it stays): Wagtail 8.0.1's own markup.
WAGTAIL_CAUSED = [
    (
        "scrollable-region-focusable",
        re.compile(r"\.w-minimap__list\b"),
        "the collapsed minimap scrolls, but its links leave the tab order until it is opened",
    ),
    (
        "button-name",
        re.compile(r"\.w-editing-sessions__session\b"),
        "the avatar of someone else viewing the page names itself only in a hidden tooltip",
    ),
]


def unexplained(violations: list[str]) -> list[str]:
    return [
        violation
        for violation in violations
        if not any(
            violation.startswith(f"{rule}: ") and pattern.search(violation.split(": ", 1)[1])
            for rule, pattern, _reason in WAGTAIL_CAUSED
        )
    ]


def check(page, found: dict[str, list[str]], label: str, path: str | None = None) -> None:
    if path is not None:
        page.goto(path)
    page.wait_for_load_state("networkidle")
    found[label] = unexplained(axe_violations(page))


def case_page_ids(page, base_url: str) -> tuple[str, str]:
    """The ids of the demo case page and of its consortium page, from the admin's search."""
    page.goto(base_url + "/admin/pages/search/?q=Oestrich-Winkel")
    edit = page.locator("a[href$='/edit/']", has_text=CASE_TITLE).first.get_attribute("href")
    parent = page.locator("main a", has_text=CONSORTIUM_TITLE).first.get_attribute("href")
    return (
        re.search(r"/pages/(\d+)/", edit).group(1),
        re.fullmatch(r"/admin/pages/(\d+)/", parent).group(1),
    )


def test_the_allow_list_admits_only_its_own_elements():
    assert unexplained(["scrollable-region-focusable: ['.w-minimap__list']"]) == []
    assert unexplained(["scrollable-region-focusable: ['main']"]) != []
    assert unexplained(["label: ['.w-minimap__list']"]) != []


def test_town_staff_admin_pages_pass_axe(demo_server, browser, screenshot_dir):
    context, page = sign_in(browser, demo_server.url, COACH)
    page.set_viewport_size({"width": 1400, "height": 1000})
    base = demo_server.url
    found: dict[str, list[str]] = {}
    check(page, found, "dashboard", base + "/admin/")
    check(page, found, "explorer", base + "/admin/pages/")
    case_id, parent_id = case_page_ids(page, base)
    check(page, found, "search", None)
    check(page, found, "case page editor", f"{base}/admin/pages/{case_id}/edit/")
    check(page, found, "case page history", f"{base}/admin/pages/{case_id}/history/")

    # A new case page with every block type once (never saved: it is not valid).
    page.goto(f"{base}/admin/pages/add/cms/labcasepage/{parent_id}/")
    blocks = page.locator("[data-streamfield-stream-container] > [data-streamfield-child]")
    for added, label in enumerate(CASE_BLOCKS, start=1):
        page.locator("[data-contentpath='body'] button.c-sf-add-button").last.click()
        page.get_by_role("option", name=label, exact=True).click()
        expect(blocks).to_have_count(added)  # Wagtail inserts the block after the click
    # Every rich text box has a name (static/js/wagtail-admin.js): the field's or the block's.
    names = page.eval_on_selector_all(
        ".public-DraftEditor-content",
        "boxes => boxes.map(box =>"
        " document.getElementById(box.getAttribute('aria-labelledby'))"
        "?.textContent.replace(/\\s+/g, ''))",
    )
    assert names == ["Ziele*", "Text"]
    check(page, found, "new case page with every block")
    blocks.nth(CASE_BLOCKS.index("Kennzahlen")).scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "admin-case-page-blocks.png")

    page.get_by_role("button", name="Bild auswählen").last.click()
    page.locator(".modal-dialog").wait_for()
    # axe measures contrast as drawn: let the dialog's fade-in finish first (polled from here:
    # the admin's CSP refuses wait_for_function's string evaluation).
    for _ in range(100):
        if page.evaluate("() => document.getAnimations().every(a => a.playState !== 'running')"):
            break
        page.wait_for_timeout(50)
    check(page, found, "image chooser")
    page.screenshot(path=screenshot_dir / "admin-image-chooser.png")
    context.close()
    assert {label: problems for label, problems in found.items() if problems} == {}


def test_editor_and_admin_listings_and_snippet_forms_pass_axe(demo_server, browser):
    base = demo_server.url
    found: dict[str, list[str]] = {}
    context, page = sign_in(browser, base, EDITOR)
    page.set_viewport_size({"width": 1400, "height": 1000})
    for path in ("/admin/", "/admin/reports/workflow/", "/admin/reports/workflow_tasks/"):
        check(page, found, f"editor {path}", base + path)
    context.close()

    context, page = sign_in(browser, base, ADMIN)
    page.set_viewport_size({"width": 1400, "height": 1000})
    for path in ("/admin/workflows/list/", "/admin/workflows/tasks/index/"):
        check(page, found, path, base + path)
    for snippet in SNIPPETS:
        listing = f"{base}/admin/snippets/forum/{snippet}/"
        check(page, found, listing, listing)
        edit = page.locator("main a[href*='/edit/']").first.get_attribute("href")
        check(page, found, edit, base + edit)
        check(page, found, listing + "add/", listing + "add/")
    # Deleting an account runs the erasure (forum.privacy.erasure) with its own choice of what
    # happens to the posts, single and bulk; barrier reports are handled as a snippet.
    page.goto(base + "/admin/users/?q=miriam")
    link = page.locator("main a[href*='/admin/users/']", has_text="Miriam").first
    user_id = re.search(r"/admin/users/edit/(\d+)/", link.get_attribute("href")).group(1)
    for path in (
        "/admin/users/",
        f"/admin/users/delete/{user_id}/",
        f"/admin/bulk/auth/user/delete/?id={user_id}",
        "/admin/snippets/cms/barrierreport/",
    ):
        check(page, found, path, base + path)
    for confirm in (
        f"/admin/users/delete/{user_id}/",
        f"/admin/bulk/auth/user/delete/?id={user_id}",
    ):
        page.goto(base + confirm)
        assert page.get_by_role("radio", name=re.compile("Stehen lassen")).is_checked()
    context.close()
    assert {label: problems for label, problems in found.items() if problems} == {}
