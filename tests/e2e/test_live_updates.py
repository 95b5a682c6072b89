"""Two people on the same topic: B sees A typing and A's reply appear without reloading."""

import re

from tests.helpers.browser import sign_in

WRITER = "sabine.richter@kleinstadtakademie.example"
READER = "michael.huber@kleinstadtakademie.example"


def test_reader_sees_typing_and_new_post_live(demo_server, browser, screenshot_dir):
    base = demo_server.url
    writer_context, writer = sign_in(browser, base, WRITER)
    reader_context, reader = sign_in(browser, base, READER)

    writer.goto(base + "/forum/bereiche/stadtlabor-kleinstadt/")
    topic_url = writer.locator("a.topic-title").first.get_attribute("href")
    topic_url = re.sub(r"ungelesen/$", "", topic_url)
    reader.goto(base + topic_url)
    writer.goto(base + topic_url)
    reader_posts_before = reader.locator("li.post").count()

    # Both sockets are subscribed once the presence line counts two readers.
    reader.get_by_text("2 Personen lesen mit").wait_for(timeout=10_000)

    writer.get_by_label("Text").click()
    writer.keyboard.type("Bei uns kamen vor allem Pendelnde")
    reader.get_by_text("Sabine Richter (Dippoldiswalde) schreibt …").wait_for(timeout=10_000)
    reader.screenshot(path=screenshot_dir / "live-typing.png", full_page=True)

    writer.get_by_role("button", name="Antwort senden").click()
    writer.wait_for_load_state()
    new_post = reader.locator("li.post").filter(has_text="Bei uns kamen vor allem Pendelnde")
    new_post.wait_for(timeout=10_000)
    assert reader.locator("li.post").count() == reader_posts_before + 1
    # The reader got the fragment rendered for them: a report link, no edit link.
    assert new_post.get_by_role("link", name="Melden").is_visible()
    assert new_post.get_by_role("link", name="Bearbeiten").count() == 0
    reader.screenshot(path=screenshot_dir / "live-new-post.png", full_page=True)

    writer_context.close()
    reader_context.close()
