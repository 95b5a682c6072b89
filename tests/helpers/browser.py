"""Playwright against the demo server: Debian's Chromium, signing in (with the second factor
where a test set one up) and the accessibility rules checked with axe-core."""

import time

from axe_playwright_python.sync_playwright import Axe

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

DEMO_PASSWORD = "Demo-Passwort-2026"


def axe_violations(page) -> list[str]:
    """Every WCAG 2.1 A/AA violation on the page as "rule: element", so a failure names both."""
    results = Axe().run(page, options=WCAG)
    return [
        f"{violation['id']}: {node['target']}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


# TOTP secrets that tests set up on the shared server, so later sign-ins can pass the second
# factor (tests share one server and run in any order).
TOTP_SECRETS: dict[str, str] = {}


def remember_totp(email: str, secret: str) -> None:
    TOTP_SECRETS[email] = secret


def pass_guards(page, email: str, destination: str, screenshot=None) -> None:
    """Where a moderating page asks first: confirm the password again and set up two-factor
    login (remembered for later sign-ins), then wait to arrive at ``destination``."""
    if "/konto/reauthenticate/" in page.url:
        page.get_by_label("Passwort").fill(DEMO_PASSWORD)
        page.locator("main form").get_by_role("button").first.click()
    if "/2fa/totp/activate/" in page.url:
        secret = page.locator("#authenticator_secret").input_value()
        remember_totp(email, secret)
        page.get_by_label("Authentifizierungscode").fill(current_totp(secret))
        page.locator("main form").get_by_role("button").last.click()
        page.wait_for_url(lambda url: "/konto/2fa/recovery-codes/" in url)
        if screenshot is not None:
            page.screenshot(path=screenshot, full_page=True)
        page.get_by_role("link", name="Codes gesichert – weiter").click()
    page.wait_for_url(destination)


def sign_in(browser, base_url: str, email: str, **context_options):
    """A new German-speaking browser context signed in as ``email``; returns (context, page)."""
    context = browser.new_context(locale="de-DE", **context_options)
    page = context.new_page()
    page.goto(base_url + "/konto/login/")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda url: url == base_url + "/" or "/2fa/authenticate/" in url)
    if "/2fa/authenticate/" in page.url:
        # allauth refuses a code twice: wait for the next 30-second step if needed.
        time.sleep(30 - time.time() % 30 + 1)
        page.locator("input[name=code]").fill(current_totp(TOTP_SECRETS[email]))
        page.locator("main form").get_by_role("button").first.click()
        page.wait_for_url(base_url + "/")
    return context, page


def current_totp(secret: str) -> str:
    """The code an authenticator app would show now for ``secret``."""
    from allauth.mfa.totp.internal.auth import hotp_value

    return f"{hotp_value(secret, int(time.time()) // 30):06d}"
