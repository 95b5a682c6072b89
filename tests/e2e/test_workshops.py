"""Workshops in the browser: a member registers for the upcoming Transferwerkstatt, a coach
exports the participant list; a full workshop warns of the waiting list, giving up a seat (or
the whole workshop) asks first; members find their workshops under the menu item. Screenshots
in test-artifacts/."""

from PIL import Image

from tests.helpers.browser import axe_violations, sign_in

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


def _set_capacity(page, workshop_url: str, seats: int) -> None:
    page.goto(workshop_url)
    page.get_by_role("link", name="Bearbeiten", exact=True).click()
    page.locator("#id_capacity").fill(str(seats))
    page.get_by_role("button", name="Speichern").click()
    assert page.get_by_text("Änderungen gespeichert.").is_visible()


def test_full_workshop_warns_of_the_waiting_list_and_cancelling_asks_first(
    demo_server, browser, screenshot_dir
):
    """The coach fills the workshop; Sabine (who had said no) is told before submitting that she
    goes on the waiting list at place 1; Jan cancels his seat through the confirmation page, and
    Sabine moves up. The coach's status change to "abgesagt" asks first as well."""
    coach, coach_page = sign_in(browser, demo_server.url, "katrin.vogel@kleinstadtakademie.example")
    coach_page.goto(demo_server.url + WORKSHOPS)
    coach_page.locator("section", has=coach_page.get_by_role("heading", name="Kommende")).locator(
        ".workshop-card a"
    ).first.click()
    workshop_url = coach_page.url.split("#")[0]
    taken = int(coach_page.locator("#anmeldung-bereich .meta").first.inner_text().split()[0])
    _set_capacity(coach_page, workshop_url, taken)

    context, page = sign_in(browser, demo_server.url, "sabine.richter@kleinstadtakademie.example")
    page.goto(workshop_url)
    warning = page.locator("#warteliste-hinweis")
    assert "kommen Sie auf die Warteliste, auf Platz 1." in warning.inner_text()
    warning.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "workshop-waiting-list-warning.png")
    assert axe_violations(page) == []
    page.get_by_label("Ja, ich komme").check()
    page.get_by_role("button", name="Antwort senden").click()
    assert page.get_by_text("Sie stehen auf Platz 1 der Warteliste").is_visible()

    jan, jan_page = sign_in(browser, demo_server.url, "jan.petersen@kleinstadtakademie.example")
    jan_page.goto(workshop_url)
    assert jan_page.get_by_role("heading", name="Teilnahme absagen").is_visible()
    assert jan_page.locator("main").get_by_role("button", name="Abmelden").count() == 0
    jan_page.locator("#absagen").scroll_into_view_if_needed()
    jan_page.screenshot(path=screenshot_dir / "workshop-cancel-section.png")
    jan_page.get_by_role("link", name="Teilnahme absagen …").click()
    assert jan_page.locator("h1").inner_text() == "Teilnahme absagen?"
    jan_page.screenshot(path=screenshot_dir / "workshop-cancel-confirmation.png", full_page=True)
    jan_page.get_by_role("link", name="Nein, angemeldet bleiben").click()
    assert jan_page.get_by_text("Sie sind angemeldet.").is_visible()
    jan_page.get_by_role("link", name="Teilnahme absagen …").click()
    jan_page.get_by_role("button", name="Ja, Teilnahme absagen").click()
    assert jan_page.get_by_text("Ihr Platz ist frei").is_visible()
    assert jan_page.get_by_text("Sie haben abgesagt.").is_visible()
    jan_page.screenshot(path=screenshot_dir / "workshop-cancelled.png", full_page=True)
    jan.close()

    page.goto(workshop_url)
    assert page.get_by_text("Sie sind angemeldet.").is_visible()
    context.close()

    coach_page.goto(workshop_url)
    coach_page.get_by_label("Stand ändern").select_option(label="abgesagt")
    coach_page.get_by_role("button", name="Übernehmen").click()
    assert coach_page.locator("h1").inner_text() == "Transferwerkstatt absagen?"
    coach_page.screenshot(path=screenshot_dir / "workshop-status-confirmation.png")
    assert axe_violations(coach_page) == []
    coach_page.get_by_role("link", name="Nein, zurück zur Transferwerkstatt").click()
    assert coach_page.get_by_text("Anmeldung offen").first.is_visible()
    _set_capacity(coach_page, workshop_url, 20)
    coach.close()


def test_members_find_their_workshops_under_the_menu_item(demo_server, browser, screenshot_dir):
    context, page = sign_in(browser, demo_server.url, "claudia.weber@kleinstadtakademie.example")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Transferwerkstätten"
    ).click()
    mine = page.locator(
        "section", has=page.get_by_role("heading", name="Transferwerkstätten Ihres Verbunds")
    )
    page.screenshot(path=screenshot_dir / "workshops-menu-page-member.png", full_page=True)
    assert axe_violations(page) == []
    mine.locator(".workshop-card a").first.click()
    assert page.get_by_role("heading", name="Anmeldung").is_visible()
    context.close()


def test_coach_deletes_a_documentation_photo_only_after_confirming(
    demo_server, browser, screenshot_dir, tmp_path
):
    photo = tmp_path / "flipchart.png"
    Image.new("RGB", (64, 48), (200, 120, 40)).save(photo)
    context, page = sign_in(browser, demo_server.url, "katrin.vogel@kleinstadtakademie.example")
    page.goto(demo_server.url + WORKSHOPS)
    page.get_by_role("link", name="Mölln – zu Gast bei der Themenwoche").click()
    page.get_by_role("link", name="Dokumentation bearbeiten").click()
    page.locator("input[type=file]").set_input_files(photo)
    page.get_by_role("button", name="Hochladen", exact=True).click()
    assert page.get_by_text("1 Datei hochgeladen.").is_visible()

    page.get_by_role("link", name="„flipchart.png“ löschen").click()
    assert page.locator("h1").inner_text() == "„flipchart.png“ löschen?"
    page.screenshot(path=screenshot_dir / "workshop-file-delete-confirmation.png")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Abbrechen").click()
    assert page.get_by_role("link", name="„flipchart.png“ löschen").is_visible()
    page.get_by_role("link", name="„flipchart.png“ löschen").click()
    page.get_by_role("button", name="Endgültig löschen").click()
    assert page.get_by_text("„flipchart.png“ ist gelöscht.").is_visible()
    assert page.get_by_role("link", name="„flipchart.png“ löschen").count() == 0
    context.close()
