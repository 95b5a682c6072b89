"""A mention reaches the other person's bell live: no reload, over the personal stream.

B (michael.huber) sits on the home page, where no forum stream is open: base.html keeps the
personal stream open there. A (anna.berger, same consortium) replies in a topic of their
consortium's space and mentions @michael.huber. B's bell count goes up by one without a reload;
following the notification leads to the exact post and the count goes down again.
"""

import re

from playwright.sync_api import expect

from tests.helpers.browser import sign_in

WRITER = "anna.berger@kleinstadtakademie.example"
READER = "michael.huber@kleinstadtakademie.example"
READER_USERNAME = "michael.huber"  # seed_demo: the username is the email's local part
SPACE = "/forum/bereiche/stadtlabor-kleinstadt/"
TEXT_LABEL = re.compile(r"^Text:?$")
MESSAGE = "@michael.huber, wie habt ihr die Bürgerbefragung in Dießen beworben?"


def _bell(page):
    return page.locator("[data-notification-bell]")


def _count(page) -> int:
    return int(_bell(page).locator("[data-notification-number]").inner_text())


def _wait_until(page, condition, timeout_ms: int = 10_000) -> None:
    for _ in range(timeout_ms // 100):
        if condition():
            return
        page.wait_for_timeout(100)  # lets Playwright deliver events meanwhile
    raise AssertionError("timed out")


def test_mention_raises_the_bell_count_live_in_the_other_tab(demo_server, browser, screenshot_dir):
    base = demo_server.url
    writer_context, writer = sign_in(browser, base, WRITER)
    reader_context, reader = sign_in(browser, base, READER)

    # B stays on the home page (signed in, no forum stream of its own). Wait until B's socket
    # has subscribed to the personal stream, so the event cannot be sent before B listens.
    frames: list = []
    reader.on(
        "websocket",
        lambda socket: socket.on("framereceived", lambda payload: frames.append(payload)),
    )
    reader.goto(base + "/")
    _wait_until(reader, lambda: any('"caught_up"' in str(frame) for frame in frames))
    before = _count(reader)
    expect(
        reader.get_by_role("link", name=f"Benachrichtigungen, {before} ungelesen")
    ).to_be_visible()

    writer.goto(base + SPACE)
    topic_url = writer.locator("a.topic-title").first.get_attribute("href")
    topic_url = re.sub(r"ungelesen/$", "", topic_url)
    writer.goto(base + topic_url)
    writer.get_by_label(TEXT_LABEL).fill(MESSAGE)
    writer.get_by_role("button", name="Antwort senden").click()
    writer.wait_for_load_state()
    expect(
        writer.locator("li.post").filter(has_text="wie habt ihr die Bürgerbefragung")
    ).to_be_visible()

    # No reload on B's side: the number changes in place.
    number = _bell(reader).locator("[data-notification-number]")
    expect(number).to_have_text(str(before + 1), timeout=10_000)
    assert reader.url == base + "/"
    expect(
        reader.get_by_role("link", name=f"Benachrichtigungen, {before + 1} ungelesen")
    ).to_be_visible()
    expect(_bell(reader).locator("[data-notification-count]")).to_have_attribute(
        "aria-live", "polite"
    )
    reader.screenshot(path=screenshot_dir / "notification-bell-live.png")

    # The list names the mention; following it leads to the exact post and marks it read.
    _bell(reader).click()
    reader.wait_for_url(base + "/benachrichtigungen/")
    item = reader.locator("li.notification").first
    expect(item).to_contain_text("Erwähnung")
    expect(item).to_contain_text("Anna Berger")
    expect(item).to_contain_text("wie habt ihr die Bürgerbefragung")
    reader.screenshot(path=screenshot_dir / "notification-list.png")
    item.locator(".notification-title a").click()
    reader.wait_for_url(re.compile(r".*/forum/diskussionen/\d+/(\?seite=\d+)?#beitrag-\d+$"))
    post_id = reader.url.rsplit("#beitrag-", 1)[1]
    expect(reader.locator(f"#beitrag-{post_id}")).to_contain_text(
        "wie habt ihr die Bürgerbefragung"
    )
    expect(_bell(reader).locator("[data-notification-number]")).to_have_text(str(before))

    writer_context.close()
    reader_context.close()
