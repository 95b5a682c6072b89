"""A member opens a topic, a colleague replies with a picture, the core team hides the reply.

The moderator is julia.schmidt (core team of StadtLabor Kleinstadt): the server is shared by all
browser tests and no other test touches her account, so she starts without a second factor and
sets one up here. (katrin.vogel sets up TOTP in the invitation test; after that a login of hers
would ask for a code whose secret this test cannot know.)
"""

import re

from PIL import Image
from playwright.sync_api import expect

from tests.helpers.browser import DEMO_PASSWORD, current_totp, remember_totp, sign_in

AUTHOR = "anna.berger@kleinstadtakademie.example"
REPLIER = "jan.petersen@kleinstadtakademie.example"
MODERATOR = "julia.schmidt@kleinstadtakademie.example"

TITLE = "Schnupper-Co-Working: Wie nennt ihr das Format?"
BODY = (
    "Unser Schnupper-Co-Working wurde eher als **Vernetzungstreffen** angenommen. "
    "Wir überlegen, es umzubenennen:\n\n"
    "- Co-Working-Frühstück\n"
    "- Offener Arbeitstag\n\n"
    "> Ideen willkommen!"
)
REPLY = "In Mölln hieß es „Offener Arbeitstag“ – hier ein Foto vom Aushang."
REASON = "Foto zeigt Personen ohne Einwilligung – bitte ohne Gesichter erneut hochladen."
HIDDEN_NOTICE = "Von der Moderation ausgeblendet"
# Django renders the label as "Text:"; "Text" alone would also match other labels.
TEXT_LABEL = re.compile(r"^Text:?$")


def _set_up_totp(page, base_url: str, target: str, email: str) -> None:
    """Follow the redirect from a moderation page through reauthentication to TOTP setup."""
    page.goto(base_url + target)
    if "/konto/reauthenticate/" in page.url:
        page.get_by_label("Passwort").fill(DEMO_PASSWORD)
        page.locator("main form").get_by_role("button").first.click()
    page.wait_for_url(re.compile(r".*/konto/2fa/totp/activate/.*"))
    secret = page.locator("#authenticator_secret").input_value()
    remember_totp(email, secret)
    page.get_by_label("Authentifizierungscode").fill(current_totp(secret))
    page.locator("main form").get_by_role("button").last.click()
    page.wait_for_url(lambda url: "/2fa/totp/activate/" not in url)


def _png(path) -> None:
    image = Image.new("RGB", (120, 80), (30, 110, 160))
    for x in range(40, 80):
        for y in range(20, 60):
            image.putpixel((x, y), (240, 190, 40))
    image.save(path, format="PNG")


def test_member_topic_reply_with_attachment_and_moderation(
    demo_server, browser, screenshot_dir, tmp_path
):
    base = demo_server.url

    # anna opens a topic; the first submit without text keeps the title and the tag.
    anna_context, anna = sign_in(browser, base, AUTHOR)
    anna.goto(base + "/forum/bereiche/stadtlabor-kleinstadt/neu/")
    assert anna.get_by_role("heading", name="Neue Diskussion").is_visible()
    anna.get_by_label("Titel").fill(TITLE)
    anna.get_by_label("Co-Working").check()
    anna.get_by_role("button", name="Diskussion eröffnen").click()
    expect(anna.get_by_text("Bitte schreiben Sie einen Text.", exact=True)).to_be_visible()
    assert anna.get_by_label("Titel").input_value() == TITLE
    assert anna.get_by_label("Co-Working").is_checked()
    anna.screenshot(path=screenshot_dir / "forum-new-topic-error.png", full_page=True)

    anna.get_by_label(TEXT_LABEL).fill(BODY)
    anna.get_by_role("button", name="Diskussion eröffnen").click()
    anna.wait_for_url(re.compile(r".*/forum/diskussionen/\d+/$"))
    topic_url = anna.url
    assert anna.locator("h1").inner_text() == TITLE
    assert anna.locator("p.topic-flags").get_by_role("link", name="Co-Working").is_visible()
    first_post = anna.locator("li.post").first
    assert first_post.locator("strong", has_text="Vernetzungstreffen").is_visible()
    assert first_post.locator("li", has_text="Offener Arbeitstag").is_visible()
    assert first_post.locator("blockquote", has_text="Ideen willkommen!").is_visible()

    # jan replies with a picture: the reply shows a link to the file and a thumbnail.
    picture = tmp_path / "aushang.png"
    _png(picture)
    jan_context, jan = sign_in(browser, base, REPLIER)
    jan.goto(topic_url)
    assert jan.locator("h1").inner_text() == TITLE
    jan.get_by_label(TEXT_LABEL).fill(REPLY)
    jan.get_by_label("Anhänge").set_input_files(picture)
    jan.get_by_role("button", name="Antwort senden").click()
    jan.wait_for_url(re.compile(r".*/forum/diskussionen/\d+/#beitrag-\d+$"))
    post_id = int(jan.url.rsplit("-", 1)[1])
    reply = jan.locator(f"#beitrag-{post_id}")
    assert reply.get_by_text(REPLY).is_visible()
    link = reply.get_by_role("link", name="aushang.png")
    assert link.is_visible()
    assert re.fullmatch(r"/forum/dateien/\d+/", link.get_attribute("href"))
    thumbnail = reply.locator("ul.attachments img")
    thumbnail.scroll_into_view_if_needed()
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")
    assert thumbnail.get_attribute("src").endswith("/vorschau/")

    anna.reload()
    assert anna.locator(f"#beitrag-{post_id}").get_by_text(REPLY).is_visible()
    anna.screenshot(path=screenshot_dir / "forum-topic-before-hide.png", full_page=True)

    # julia (core team) must set up a second factor before she can hide the reply.
    julia_context, julia = sign_in(browser, base, MODERATOR)
    hide_path = f"/forum/beitraege/{post_id}/ausblenden/"
    _set_up_totp(julia, base, hide_path, MODERATOR)
    julia.goto(base + hide_path)
    assert julia.get_by_role("heading", name="Beitrag ausblenden").is_visible()
    julia.get_by_role("button", name="Ausblenden").click()
    expect(julia.get_by_text("Bitte prüfen Sie die markierten Angaben.")).to_be_visible()
    julia.get_by_label("Grund").fill(REASON)
    julia.get_by_role("button", name="Ausblenden").click()
    julia.wait_for_url(re.compile(rf".*#beitrag-{post_id}$"))
    assert julia.get_by_text("Der Beitrag ist ausgeblendet.").is_visible()
    moderated = julia.locator(f"#beitrag-{post_id}")
    assert moderated.get_by_text(f"{HIDDEN_NOTICE}: {REASON}").is_visible()
    assert moderated.get_by_role("button", name="Wieder einblenden").is_visible()

    # anna sees only the notice: no text, no reason, no attachment.
    anna.reload()
    hidden = anna.locator(f"#beitrag-{post_id}")
    assert hidden.locator(".post-notice").inner_text() == HIDDEN_NOTICE
    assert hidden.get_by_text(REPLY).count() == 0
    assert hidden.get_by_text(REASON).count() == 0
    assert hidden.get_by_role("link", name="aushang.png").count() == 0
    anna.screenshot(path=screenshot_dir / "forum-topic-after-hide.png", full_page=True)

    # jan still sees his own text, his picture and why it was hidden.
    jan.goto(topic_url)
    own = jan.locator(f"#beitrag-{post_id}")
    assert own.get_by_text(f"{HIDDEN_NOTICE}: {REASON}").is_visible()
    assert own.get_by_text(REPLY).is_visible()
    assert own.get_by_role("link", name="aushang.png").is_visible()
    jan.screenshot(path=screenshot_dir / "forum-topic-after-hide-author.png", full_page=True)

    for context in (anna_context, jan_context, julia_context):
        context.close()
