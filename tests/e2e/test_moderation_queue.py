"""A member reports a post; the coach sees it in the report queue and hides it right there; the
queue and the topic with the hidden post, as the moderator sees them, pass axe (contrast).

The coach is katrin.vogel: the invitation test (earlier in the run) sets up her second factor
and remembers it; run alone, this test sets it up through the report queue."""

from playwright.sync_api import expect

from tests.helpers.browser import axe_violations, pass_guards, sign_in

REPORTER = "sabine.richter@kleinstadtakademie.example"
COACH = "katrin.vogel@kleinstadtakademie.example"
TOPIC = "Aktionswoche in Mölln: voller Auftakt, leere Folgetermine"
REPORTED = "Das kennen wir aus Dießen"
QUEUE = "/forum/bereiche/stadtlabor-kleinstadt/meldungen/"


def test_report_queue_shows_and_hides_the_reported_post(demo_server, browser, screenshot_dir):
    base = demo_server.url
    context, page = sign_in(browser, base, REPORTER)
    page.goto(base + "/forum/bereiche/stadtlabor-kleinstadt/")
    page.get_by_role("link", name=TOPIC).click()
    post = page.locator("li.post", has_text=REPORTED)
    post.get_by_role("link", name="Melden").click()
    # The report form shows the post being reported.
    expect(page.locator(".quoted-post")).to_contain_text(REPORTED)
    page.screenshot(path=screenshot_dir / "moderation-report-form.png", full_page=True)
    assert axe_violations(page) == []
    page.get_by_label("Grund").fill("Bitte prüfen: enthält Namen aus dem Workshop.")
    page.get_by_role("button", name="Melden", exact=True).click()
    expect(page.get_by_text("Danke. Die Moderation")).to_be_visible()
    context.close()

    context, page = sign_in(browser, base, COACH)
    page.goto(base + QUEUE)
    pass_guards(page, COACH, base + QUEUE, screenshot_dir / "moderation-recovery-codes.png")
    card = page.locator(".report-list > li", has_text=REPORTED).first
    expect(card.locator(".quoted-post")).to_contain_text(REPORTED)
    page.screenshot(path=screenshot_dir / "moderation-queue-open.png", full_page=True)
    assert axe_violations(page) == []
    card.get_by_label("Grund für das Ausblenden").fill("Namen aus dem Workshop ohne Einwilligung.")
    card.get_by_role("button", name="Beitrag ausblenden").click()
    page.wait_for_url(base + QUEUE)
    card = page.locator(".report-list > li", has_text=REPORTED).first
    expect(card).to_contain_text("Von der Moderation ausgeblendet: Namen aus dem Workshop")
    expect(card.get_by_role("button", name="Wieder einblenden")).to_be_visible()
    page.screenshot(path=screenshot_dir / "moderation-queue-hidden.png", full_page=True)
    assert axe_violations(page) == []

    # The topic as the moderator sees it: the hidden post stays readable (colour contrast).
    card.get_by_role("link", name=TOPIC).click()
    hidden = page.locator("li.post.is-hidden", has_text=REPORTED)
    expect(hidden).to_be_visible()
    hidden.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "moderation-hidden-post.png", full_page=True)
    assert axe_violations(page) == []
    context.close()
