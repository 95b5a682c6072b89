"""Workshops in the browser: a member registers for the upcoming Transferwerkstatt, a coach
exports the participant list. Screenshots in test-artifacts/."""

from tests.helpers.browser import sign_in

WORKSHOPS = "/verbuende/stadtlabor-kleinstadt/werkstaetten/"


def test_member_registers_and_coach_exports_the_list(demo_server, browser, screenshot_dir):
    context, page = sign_in(browser, demo_server.url, "anna.berger@kleinstadtakademie.example")
    page.goto(demo_server.url + WORKSHOPS)
    assert page.locator("h1").inner_text() == "Transferwerkstätten"
    assert page.get_by_role("heading", name="Reihum durch die Kleinstädte").is_visible()
    page.screenshot(path=screenshot_dir / "workshops-list.png", full_page=True)

    upcoming = page.locator("section", has=page.get_by_role("heading", name="Kommende"))
    upcoming.locator(".workshop-card a").first.click()
    assert "Oestrich-Winkel" in page.locator("h1").inner_text() + page.locator(".lead").inner_text()
    page.get_by_label("Ja, ich komme").check()
    page.get_by_label("Ich brauche eine Übernachtung").check()
    page.get_by_role("combobox", name="Anreise").select_option(label="mit der Bahn")
    page.get_by_label("Ernährung").fill("vegetarisch")
    page.get_by_role("button", name="Antwort senden").click()
    assert page.get_by_text("Sie sind angemeldet.").first.is_visible()
    assert page.locator(".participants", has_text="Anna Berger").is_visible()
    page.screenshot(path=screenshot_dir / "workshops-registered.png", full_page=True)
    workshop_url = page.url.split("#")[0]
    context.close()

    context, page = sign_in(browser, demo_server.url, "katrin.vogel@kleinstadtakademie.example")
    page.goto(workshop_url)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Teilnehmendenliste (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as handle:
        text = handle.read()
    header, *rows = text.strip().splitlines()
    assert header.startswith("Name;Kleinstadt;E-Mail;Stand")
    anna = [row for row in rows if row.startswith("Anna Berger;")]
    assert len(anna) == 1 and ";angemeldet;ja;mit der Bahn;vegetarisch;" in anna[0]
    page.screenshot(path=screenshot_dir / "workshops-coach-view.png", full_page=True)
    context.close()
