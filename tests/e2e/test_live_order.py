"""Live updates end in the order a reload shows, whatever order the fragments arrive in.

The reader's websocket goes through Playwright (``route_web_socket``), so the test can drop it
and hold it silent while posts are written; the post fragments the page fetches after the
reconnect are held and answered newest first.
"""

import re

from playwright.sync_api import expect

from tests.helpers.browser import sign_in

# The administrator has no demo posts: the limit of 10 posts a minute leaves room for the test.
WRITER = "peter.neumann@kleinstadtakademie.example"
READER = "michael.huber@kleinstadtakademie.example"
SPACE = "/forum/bereiche/stadtlabor-kleinstadt/"
MISSED_POSTS = 5


class SocketSwitch:
    """The reader's sockets: passed through to the server, or (``cut``) answered by nobody."""

    def __init__(self) -> None:
        self.cut = False
        self.current: tuple = ()
        self.server_messages: list[str] = []

    def route(self, socket) -> None:
        if self.cut:
            self.current = (socket,)
            return  # open for the page, silent: what it sends goes nowhere
        server = socket.connect_to_server()
        self.current = (socket, server)

        def forward(message) -> None:
            self.server_messages.append(str(message))
            socket.send(message)

        server.on_message(forward)

    def subscribed(self) -> bool:
        return any('"subscribed"' in message for message in self.server_messages)

    def drop(self) -> None:
        for side in self.current:
            side.close()


def _wait_until(page, condition, what: str, seconds: float = 15) -> None:
    for _ in range(int(seconds * 10)):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {what}")


def _post_ids(page) -> list[int]:
    return page.locator("li.post").evaluate_all(
        "posts => posts.map(post => Number(post.id.replace('beitrag-', '')))"
    )


def _reply(page, text: str) -> None:
    page.get_by_label("Text").fill(text)
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.locator("li.post").filter(has_text=text)).to_be_visible()


def test_posts_missed_while_offline_end_in_post_order(demo_server, browser):
    base = demo_server.url
    writer_context, writer = sign_in(browser, base, WRITER)
    reader_context, reader = sign_in(browser, base, READER)
    switch = SocketSwitch()
    reader.route_web_socket(re.compile(r"/ws/$"), switch.route)

    # A new topic: one page of posts before and after.
    writer.goto(base + SPACE + "neu/")
    writer.get_by_label("Titel").fill("Reihenfolge nach einer Funkstille")
    writer.get_by_label(re.compile(r"^Text:?$")).fill("Wer war zuerst da?")
    writer.get_by_role("button", name="Diskussion eröffnen").click()
    writer.wait_for_url(re.compile(r".*/forum/diskussionen/\d+/$"))
    topic_url = writer.url
    reader.goto(topic_url)
    _wait_until(reader, switch.subscribed, "the reader's subscription")
    before = reader.locator("li.post").count()

    # The socket drops; the page reconnects to a socket that never answers.
    switch.cut = True
    switch.drop()
    for number in range(1, MISSED_POSTS + 1):
        _reply(writer, f"Nachtrag {number} während der Funkstille")

    # Back online: the replay makes the page fetch every missed post; answer newest first.
    held = []
    reader.route("**/forum/beitraege/*/fragment/", lambda route: held.append(route))
    switch.cut = False
    switch.drop()
    _wait_until(reader, lambda: len(held) == MISSED_POSTS, "the fragment requests")
    post_id = re.compile(r"/beitraege/(\d+)/fragment/")
    for route in sorted(held, key=lambda route: -int(post_id.search(route.request.url)[1])):
        route.fulfill(response=route.fetch())
        reader.wait_for_timeout(200)
    expect(reader.locator("li.post")).to_have_count(before + MISSED_POSTS)

    live_order = _post_ids(reader)
    reader.unroute("**/forum/beitraege/*/fragment/")
    reader.reload()
    assert live_order == _post_ids(reader)
    assert live_order == sorted(live_order)
    writer_context.close()
    reader_context.close()


def test_topic_rows_move_with_their_activity_as_a_reload_orders_them(demo_server, browser):
    base = demo_server.url
    writer_context, writer = sign_in(browser, base, WRITER)
    reader_context, reader = sign_in(browser, base, READER)
    frames: list[str] = []
    reader.on(
        "websocket", lambda socket: socket.on("framereceived", lambda frame: frames.append(frame))
    )
    reader.goto(base + SPACE)
    _wait_until(
        reader,
        lambda: any('"subscribed", "stream": "space:' in str(frame) for frame in frames),
        "the reader's subscription",
    )
    rows = reader.locator("[data-topic-list] > li")
    last = rows.filter(has_not_text="gesperrt").last
    topic_id = last.get_attribute("data-topic-id")
    activity = last.locator("[data-activity]").inner_text()

    writer.goto(f"{base}/forum/diskussionen/{topic_id}/")
    _reply(writer, "Hier gibt es Neues – die Diskussion rückt nach oben.")
    row = reader.locator(f"[data-topic-id='{topic_id}']")
    expect(row.locator("[data-activity]")).not_to_have_text(activity, timeout=15_000)
    # Worded as the server words recent activity (forum/templatetags/dates.py), not the
    # browser's own date format.
    expect(row.locator("[data-activity]")).to_contain_text("zuletzt jetzt von")
    expect(row.locator("[data-activity] time")).to_have_attribute(
        "datetime", re.compile(r"^\d{4}-")
    )

    def order() -> list[str | None]:
        return [rows.nth(i).get_attribute("data-topic-id") for i in range(rows.count())]

    live_order = order()
    assert live_order.index(topic_id) < rows.count() - 1
    reader.reload()
    assert live_order == order()
    writer_context.close()
    reader_context.close()
