"""A coach sets up two-factor login, invites a colleague; the colleague signs up from the email."""

import re
import time

from tests.helpers.browser import DEMO_PASSWORD, current_totp, remember_totp, sign_in

COACH = "katrin.vogel@kleinstadtakademie.example"

INVITEE = "neue.kollegin@kleinstadtakademie.example"


def test_coach_invites_and_invitee_signs_up(demo_server, browser, screenshot_dir):
    base = demo_server.url
    coach_context, page = sign_in(browser, base, COACH)

    page.goto(base + "/verbuende/stadtlabor-kleinstadt/einladungen/")
    # Without a second factor the coach is sent to set one up (after confirming the password).
    assert "/konto/reauthenticate/" in page.url
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button").first.click()
    page.wait_for_url(re.compile(r".*/konto/2fa/totp/activate/.*"))
    secret = page.locator("#authenticator_secret").input_value()
    remember_totp(COACH, secret)
    page.screenshot(path=screenshot_dir / "mfa-setup.png", full_page=True)
    page.get_by_label("Authentifizierungscode").fill(current_totp(secret))
    page.locator("main form").get_by_role("button").last.click()
    # The recovery codes first, then back to the invitations that asked for the second factor.
    page.wait_for_url(re.compile(r".*/konto/2fa/recovery-codes/\?next=.*"))
    assert page.locator("#recovery_codes").is_visible()
    page.screenshot(path=screenshot_dir / "mfa-recovery-codes-continue.png", full_page=True)
    page.get_by_role("link", name="Codes gesichert – weiter").click()
    page.wait_for_url(base + "/verbuende/stadtlabor-kleinstadt/einladungen/")
    assert page.get_by_role("heading", name="Neue Einladung").is_visible()
    page.get_by_label("E-Mail-Adresse").fill(INVITEE)
    page.get_by_label("Rolle").select_option(label="Mitglied")
    page.get_by_label("Kleinstadt").select_option(label="Mölln")
    page.get_by_role("button", name="Einladung senden").click()
    assert page.get_by_text(f"Die Einladung an {INVITEE} ist verschickt.").is_visible()
    assert page.get_by_role("cell", name=INVITEE, exact=True).is_visible()
    page.screenshot(path=screenshot_dir / "invitations.png", full_page=True)
    coach_context.close()

    deadline = time.time() + 10
    while not (links := re.findall(r"https?://\S+/einladung/[\w-]+/", demo_server.output())):
        assert time.time() < deadline, "no invitation email in the server output"
        time.sleep(0.2)
    path = re.sub(r"^https?://[^/]+", "", links[-1])

    invitee_context = browser.new_context(locale="de-DE")
    page = invitee_context.new_page()
    page.goto(base + path)
    assert page.get_by_label("E-Mail-Adresse").input_value() == INVITEE
    page.get_by_label("Anzeigename").fill("Nele Neumann")
    page.get_by_label(re.compile(r"^Passwort:?$")).fill("Moelln-Labor-2026!")
    page.get_by_label("Passwort wiederholen").fill("anders-getippt-2026")
    page.get_by_role("button", name="Konto anlegen und beitreten").click()
    assert page.get_by_text("Die beiden Passwörter stimmen nicht überein.", exact=True).is_visible()
    assert page.get_by_label("Anzeigename").input_value() == "Nele Neumann"
    page.screenshot(path=screenshot_dir / "signup-error.png", full_page=True)
    page.get_by_label(re.compile(r"^Passwort:?$")).fill("Moelln-Labor-2026!")
    page.get_by_label("Passwort wiederholen").fill("Moelln-Labor-2026!")
    page.get_by_role("button", name="Konto anlegen und beitreten").click()
    page.wait_for_url(base + "/verbuende/stadtlabor-kleinstadt/")
    assert page.get_by_text("Willkommen im Verbund „StadtLabor Kleinstadt“!").is_visible()

    page.goto(base + path)
    assert page.get_by_role("heading", name="Einladung bereits angenommen").is_visible()
    invitee_context.close()
