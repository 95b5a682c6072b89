"""A town employee asks for "Meine Daten", sees the export ready and downloads the ZIP."""

import json
import zipfile

from tests.helpers.browser import axe_violations, sign_in

# Not lars.meyer: the deletion test erases him on the demo server all browser tests share.
PERSON = "thomas.krueger@kleinstadtakademie.example"


def test_request_and_download_my_data(demo_server, browser, screenshot_dir):
    context, page = sign_in(browser, demo_server.url, PERSON)
    page.goto(demo_server.url + "/konto/profil/")
    page.get_by_role("navigation", name="Kontoeinstellungen").get_by_role(
        "link", name="Meine Daten"
    ).click()
    assert page.get_by_role("heading", name="Meine Daten", level=1).is_visible()
    assert page.get_by_text("Sie haben noch keinen Export angefordert.").is_visible()
    assert axe_violations(page) == []
    page.screenshot(path=screenshot_dir / "data-export-empty.png", full_page=True)

    page.get_by_role("button", name="Export anfordern").click()
    # The embedded default runs the task right after the request's commit.
    assert page.get_by_text("Ihr Export ist angefordert.").is_visible()
    page.reload()
    assert page.get_by_text("Ihr Export ist bereit.").is_visible()
    assert axe_violations(page) == []
    page.screenshot(path=screenshot_dir / "data-export-ready.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export herunterladen").click()
    download = download_info.value
    assert download.suggested_filename.startswith("kleinstadtakademie-meine-daten-")
    with zipfile.ZipFile(download.path()) as archive:
        assert "README.txt" in archive.namelist()
        [account] = json.loads(archive.read("konto.json"))
        assert account["email"] == PERSON
        assert json.loads(archive.read("beitraege.json"))

    page.goto(demo_server.url + "/benachrichtigungen/")
    assert page.get_by_text("Ihre Daten stehen bis").first.is_visible()
    context.close()
