"""A member deletes their account under Mein Konto: the page says what happens, a wrong
password changes nothing and keeps the choice, the right one logs out onto the confirmation;
afterwards the account cannot sign in, and the farewell email left. Every page passes axe.

The person is lars.meyer, whom no other browser test uses (they share one demo server)."""

from playwright.sync_api import expect

from tests.helpers.browser import DEMO_PASSWORD, axe_violations, sign_in

PERSON = "lars.meyer@kleinstadtakademie.example"


def test_a_member_deletes_their_account(demo_server, browser, screenshot_dir):
    base = demo_server.url
    context, page = sign_in(browser, base, PERSON)
    page.goto(base + "/konto/profil/")
    page.get_by_role("link", name="Konto löschen").click()
    expect(page.get_by_role("heading", name="Konto löschen")).to_be_visible()
    expect(page.get_by_text("ehemaliges Mitglied").first).to_be_visible()
    expect(page.get_by_label("Stehen lassen, ohne Namen")).to_be_checked()
    page.screenshot(path=screenshot_dir / "account-delete.png", full_page=True)
    assert axe_violations(page) == []

    page.get_by_label("Ebenfalls löschen").check()
    page.get_by_label("Ihr Passwort").fill("nicht-das-passwort")
    page.get_by_role("button", name="Konto endgültig löschen").click()
    expect(page.locator(".error-summary")).to_contain_text("Das Passwort stimmt nicht.")
    expect(page.get_by_label("Ebenfalls löschen")).to_be_checked()
    page.screenshot(path=screenshot_dir / "account-delete-wrong-password.png", full_page=True)
    assert axe_violations(page) == []

    page.get_by_label("Stehen lassen, ohne Namen").check()
    page.get_by_label("Ihr Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Konto endgültig löschen").click()
    page.wait_for_url(base + "/konto/geloescht/")
    expect(page.get_by_role("heading", name="Ihr Konto ist gelöscht")).to_be_visible()
    page.screenshot(path=screenshot_dir / "account-deleted.png", full_page=True)
    assert axe_violations(page) == []
    context.close()

    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.goto(base + "/konto/login/")
    page.get_by_label("E-Mail").fill(PERSON)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button", name="Anmelden").click()
    expect(page.locator(".error-summary, .errorlist").first).to_be_visible()
    assert page.url == base + "/konto/login/"
    context.close()
    # The console backend prints the farewell email, its subject MIME-encoded.
    output = demo_server.output()
    assert "Ihr_Konto_wurde_gel=C3=B6scht" in output and f"To: {PERSON}" in output
