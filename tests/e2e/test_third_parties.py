"""No page makes the browser talk to a host other than ours (issue 17): every role crawls its
site pages (and the same-site links on them, depth 1) and the Wagtail admin pages it can open,
and every request and websocket is recorded.

The contexts ignore the Content-Security-Policy (``bypass_csp``): the policy would block most
foreign requests before they are made, and the question here is whether a page tries at all. So a
canary (a foreign image inserted into a page) must be recorded, which proves the recording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from tests.helpers.browser import sign_in

ROLES = {
    "anonymous": None,
    "member": "sabine.richter@kleinstadtakademie.example",
    "coach": "katrin.vogel@kleinstadtakademie.example",
    "core_team": "julia.schmidt@kleinstadtakademie.example",
    "editor": "miriam.hoffmann@kleinstadtakademie.example",
    "admin": "peter.neumann@kleinstadtakademie.example",
}
CASE_TITLE = "Oestrich-Winkel: Ein Co-Working-Space auf Zeit"
CONSORTIUM_TITLE = "StadtLabor Kleinstadt"

SITE_PAGES = ["/", "/fallstudien/", "/werkstaetten/", "/suche/?q=Co-Working", "/gibt-es-nicht/"]
ANONYMOUS_PAGES = ["/konto/login/", "/konto/password/reset/", "/konto/signup/"]
MEMBER_PAGES = ["/forum/", "/benachrichtigungen/", "/konto/profil/", "/konto/2fa/"]
# Admin pages beyond the dashboard, explorer, case page editor and choosers, which every role
# with admin access opens (town staff get 404 for the rest, cms.admin_access).
EDITOR_ADMIN_PAGES = [
    "/admin/reports/workflow/",
    "/admin/reports/workflow_tasks/",
    "/admin/reports/locked/",
    "/admin/pages/search/?q=Co-Working",
]
ADMIN_PAGES = [
    "/admin/workflows/list/",
    "/admin/workflows/tasks/index/",
    "/admin/reports/site-history/",
    "/admin/reports/aging-pages/",
    "/admin/snippets/forum/town/",
    "/admin/snippets/forum/consortium/",
    "/admin/snippets/forum/membership/",
    "/admin/snippets/forum/profile/",
    "/admin/snippets/forum/space/",
    "/admin/snippets/forum/tag/",
    "/admin/users/",
    "/admin/groups/",
    "/admin/sites/",
    "/admin/collections/",
]
# Not followed: leaving the session, files (downloads, not pages), the admin (listed above).
NOT_FOLLOWED = re.compile(r"^/(konto/logout|admin/|forum/dateien/|documents/|media/|i18n/)")
# Pages of a crawl a role may follow links from, at most this many links each.
FOLLOWED_PER_PAGE = 12


@dataclass
class Recorder:
    base_url: str
    at: str = ""
    requests: int = 0
    foreign: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)

    def record(self, url: str) -> None:
        self.requests += 1
        if url.startswith(("data:", "blob:")):
            return
        parts = urlsplit(url)
        if f"{parts.hostname}:{parts.port}" != urlsplit(self.base_url).netloc:
            self.foreign.append(f"{self.at}: {url}")

    def watch(self, context) -> None:
        context.on("request", lambda request: self.record(request.url))
        context.on("page", self.watch_page)

    def watch_page(self, page) -> None:
        page.on("websocket", lambda socket: self.record(socket.url))

    def visit(self, page, path: str) -> None:
        """Site pages are done when loaded; the admin's scripts go on fetching after that."""
        self.at = path
        page.goto(self.base_url + path)
        if path.startswith("/admin/"):
            page.wait_for_load_state("networkidle")
        self.visited.append(path)


def same_site_links(page, base_url: str, visited: list[str]) -> list[str]:
    """Same-site links of the page not visited yet, the page's own content (main) first."""
    hrefs = page.eval_on_selector_all(
        "main a[href], a[href]", "links => links.map(link => link.href)"
    )
    paths = []
    for href in hrefs:
        path = href.removeprefix(base_url).split("#")[0]
        if (
            href.startswith(base_url)
            and path
            and not NOT_FOLLOWED.match(path)
            and path not in paths
            and path not in visited
        ):
            paths.append(path)
    return paths[:FOLLOWED_PER_PAGE]


def admin_pages(page, recorder: Recorder, role: str) -> None:
    """The dashboard, explorer, the case page's editor, history and a new case page, the
    listings and choosers of images and documents, and what editors and admins have besides."""
    for path in ("/admin/", "/admin/pages/", "/admin/images/", "/admin/documents/"):
        recorder.visit(page, path)
    recorder.visit(page, "/admin/pages/search/?q=Oestrich-Winkel")
    edit = page.locator("a[href$='/edit/']", has_text=CASE_TITLE).first.get_attribute("href")
    case_id = re.search(r"/pages/(\d+)/", edit).group(1)
    # The result names its parent, the consortium page, with a link to it in the explorer.
    parent = page.locator("main a", has_text=CONSORTIUM_TITLE).first.get_attribute("href")
    parent_id = re.fullmatch(r"/admin/pages/(\d+)/", parent).group(1)
    recorder.visit(page, edit)
    recorder.visit(page, f"/admin/pages/{case_id}/history/")
    # A new case page (never saved: invalid, so not autosaved either) with the image chooser.
    recorder.visit(page, f"/admin/pages/add/cms/labcasepage/{parent_id}/")
    page.locator("[data-contentpath='body'] button.c-sf-add-button").last.click()
    page.get_by_role("option", name="Bild", exact=True).click()
    page.get_by_role("button", name="Bild auswählen").last.click()
    page.locator(".modal-dialog").wait_for()
    page.wait_for_load_state("networkidle")
    recorder.visit(page, f"/admin/pages/{parent_id}/")
    for path in ("/admin/images/chooser/", "/admin/documents/chooser/", "/admin/account/"):
        recorder.visit(page, path)
    if role in ("editor", "admin"):
        for path in EDITOR_ADMIN_PAGES:
            recorder.visit(page, path)
    if role == "admin":
        for path in ADMIN_PAGES:
            recorder.visit(page, path)
        for listing in ("/admin/snippets/forum/consortium/", "/admin/users/"):
            recorder.visit(page, listing)
            recorder.visit(page, page.locator("main a[href*='/edit/']").first.get_attribute("href"))


def crawl(browser, base_url: str, role: str) -> Recorder:
    email = ROLES[role]
    if email is None:
        context = browser.new_context(locale="de-DE", bypass_csp=True)
        page = context.new_page()
    else:
        context, page = sign_in(browser, base_url, email, bypass_csp=True)
    recorder = Recorder(base_url)
    recorder.watch(context)
    recorder.watch_page(page)
    start = SITE_PAGES + (ANONYMOUS_PAGES if email is None else MEMBER_PAGES)
    for path in start:
        recorder.visit(page, path)
    for path in ("/", "/forum/" if email else "/fallstudien/"):
        recorder.visit(page, path)
        for link in same_site_links(page, base_url, recorder.visited):
            recorder.visit(page, link)
    if email is not None:
        admin_pages(page, recorder, role)
    context.close()
    return recorder


# Which hosts the templates and scripts name does not depend on the database: one pass is enough.
@pytest.mark.same_on_every_database
@pytest.mark.parametrize("role", ROLES)
def test_no_page_asks_another_host(demo_server, browser, role):
    recorder = crawl(browser, demo_server.url, role)
    assert recorder.foreign == []
    # Every visit was recorded (its document at least), and the crawl went past the start pages.
    assert recorder.requests >= len(recorder.visited) >= 25


def test_the_recording_notices_a_foreign_request(demo_server, browser):
    context = browser.new_context(bypass_csp=True)
    recorder = Recorder(demo_server.url)
    recorder.watch(context)
    page = context.new_page()
    recorder.visit(page, "/")
    page.evaluate(
        "() => { const image = document.createElement('img');"
        " image.src = 'http://third-party.invalid/pixel.png'; document.body.append(image); }"
    )
    page.wait_for_timeout(300)
    context.close()
    assert recorder.foreign == ["/: http://third-party.invalid/pixel.png"]
