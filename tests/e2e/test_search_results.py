"""Forum and site search in the browser: one result per topic, plain snippets with the hit
marked, spelling variants found (issue 16, "Finding things")."""

from tests.helpers.browser import axe_violations, sign_in


def test_search_results_are_grouped_plain_and_find_variants(demo_server, browser, screenshot_dir):
    context, page = sign_in(browser, demo_server.url, "claudia.weber@kleinstadtakademie.example")
    # The demo forum writes "Co-Working"; the search word has no hyphen.
    page.set_viewport_size({"width": 1024, "height": 1400})
    page.goto(demo_server.url + "/forum/suche/?q=Coworking")
    results = page.locator(".search-result")
    assert results.count() > 0
    # One result per topic: a topic shared with consent has a copy of the same title in another
    # space, so a topic is its title and its space (the first part of the result's meta line).
    topics = [
        (
            result.locator(".search-result-title").inner_text().strip(),
            result.locator(".meta").inner_text().split("·")[0].strip(),
        )
        for result in results.all()
    ]
    assert len(topics) == len(set(topics)), topics
    snippets = " ".join(page.locator(".search-result-snippet").all_inner_texts())
    assert "**" not in snippets and "](" not in snippets and "> >" not in snippets
    assert page.locator(".search-result-snippet mark").count() > 0
    page.screenshot(path=screenshot_dir / "search-forum-grouped.png", full_page=True)
    assert axe_violations(page) == []
    more = page.locator(".search-result-more a")
    if more.count():
        more.first.click()
        assert "Nur im Thema" in page.content()
        page.screenshot(path=screenshot_dir / "search-forum-topic.png", full_page=True)

    page.goto(demo_server.url + "/suche/?q=Coworking")
    page.screenshot(path=screenshot_dir / "search-site.png", full_page=True)
    # The demo's case pages say "Co-Working" too.
    assert page.locator("#treffer-fallstudien").count() == 1
    forum = page.locator("#treffer-forum")
    assert forum.count() == 1
    assert forum.locator("xpath=..").locator("mark").count() > 0
    assert axe_violations(page) == []
    context.close()
