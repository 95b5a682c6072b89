"""The idea board live in two browsers: a card pinned by one member appears on the other's
board without a reload, a card grouped there moves on the first board too, and a card taken
back disappears.

A (anna.berger) and B (michael.huber) are members of the demo consortium; the upcoming
Transferwerkstatt in Oestrich-Winkel has its registration open, so its board is up.
"""

from playwright.sync_api import expect

from tests.helpers.browser import axe_violations, sign_in

WORKSHOPS = "/verbuende/stadtlabor-kleinstadt/werkstaetten/"
CARD = "Leerstehende Läden als Schaufenster der Labore nutzen"


def _open_board(page, base: str) -> list:
    """Go to the upcoming workshop's board; returns the websocket frames seen from then on."""
    frames: list = []
    page.on(
        "websocket",
        lambda socket: socket.on("framereceived", lambda payload: frames.append(str(payload))),
    )
    page.goto(base + WORKSHOPS)
    upcoming = page.locator("section", has=page.get_by_role("heading", name="Kommende"))
    upcoming.locator(".workshop-card a").first.click()
    page.get_by_role("link", name="Ideenwand").click()
    expect(page.locator("h1")).to_have_text("Ideenwand")
    return frames


def _subscriptions(frames: list) -> int:
    return sum('"subscribed"' in frame and "workshop:" in frame for frame in frames)


def _wait_until(page, condition, timeout_ms: int = 10_000) -> None:
    for _ in range(timeout_ms // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("timed out")


def test_cards_and_groups_appear_live_on_the_other_board(demo_server, browser, screenshot_dir):
    base = demo_server.url
    writer_context, writer = sign_in(browser, base, "anna.berger@kleinstadtakademie.example")
    reader_context, reader = sign_in(browser, base, "michael.huber@kleinstadtakademie.example")
    reader_frames = _open_board(reader, base)
    _wait_until(
        reader, lambda: any('"subscribed"' in f and "workshop:" in f for f in reader_frames)
    )
    reader_url = reader.url

    # A failed card keeps what was typed.
    _open_board(writer, base)
    writer.get_by_label("Gruppe (optional)").fill("Innenstadt")
    writer.get_by_role("button", name="Karte anheften").click()
    expect(
        writer.get_by_text("Bitte schreiben Sie Ihre Idee auf die Karte.", exact=True)
    ).to_be_visible()
    expect(writer.get_by_label("Gruppe (optional)")).to_have_value("Innenstadt")

    writer.get_by_label("Ihre Idee").fill(CARD)
    writer.get_by_role("button", name="Karte anheften").click()
    expect(writer.locator(".idea-card", has_text=CARD)).to_be_visible()

    # B's board shows the card in its group without a reload.
    card = reader.locator(".idea-card", has_text=CARD)
    expect(card).to_be_visible(timeout=10_000)
    assert reader.url == reader_url
    group = reader.locator(".idea-group", has=reader.get_by_role("heading", name="Innenstadt"))
    expect(group.locator(".idea-card", has_text=CARD)).to_be_visible()
    expect(reader.locator("[data-live-notice]")).to_have_text("Die Ideenwand wurde aktualisiert.")
    reader.screenshot(path=screenshot_dir / "idea-board-live.png", full_page=True)

    # B files it under another group; A's board follows.
    writer_frames: list = []
    writer.on(
        "websocket",
        lambda socket: socket.on("framereceived", lambda p: writer_frames.append(str(p))),
    )
    writer.reload()
    _wait_until(
        writer, lambda: any('"subscribed"' in f and "workshop:" in f for f in writer_frames)
    )
    subscriptions = _subscriptions(reader_frames)
    card.get_by_label("Gruppe").fill("Leerstand")
    card.get_by_role("button", name="Einordnen").click()
    moved = writer.locator(".idea-group", has=writer.get_by_role("heading", name="Leerstand"))
    expect(moved.locator(".idea-card", has_text=CARD)).to_be_visible(timeout=10_000)
    # The emptied group is gone, the count of the new one is right.
    expect(writer.get_by_role("heading", name="Innenstadt")).to_have_count(0)
    expect(moved.locator("[data-count]")).to_have_text("(1)")
    writer.screenshot(path=screenshot_dir / "idea-board-regrouped.png", full_page=True)

    # A takes the card back: it leaves B's board, which says again that it is empty.
    _wait_until(reader, lambda: _subscriptions(reader_frames) > subscriptions)
    writer.locator(".idea-card", has_text=CARD).get_by_role("link", name="Karte entfernen").click()
    expect(writer.locator("h1")).to_have_text("Karte entfernen?")  # asks first
    assert axe_violations(writer) == []
    writer.get_by_role("button", name="Karte entfernen").click()
    expect(reader.locator(".idea-card", has_text=CARD)).to_have_count(0, timeout=10_000)
    expect(reader.get_by_text("Noch keine Karten an der Ideenwand.")).to_be_visible()

    writer_context.close()
    reader_context.close()
