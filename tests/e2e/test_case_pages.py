"""Case pages in the browser: home, filtered case index, one case page, the Wagtail editor of a
town staff member – with screenshots in test-artifacts/."""

from tests.helpers.browser import sign_in

INTERNAL_TOWN = "Dippoldiswalde"


def test_visitor_reads_home_case_index_with_filter_and_case_page(
    demo_server, browser, screenshot_dir
):
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.goto(demo_server.url + "/")
    assert page.get_by_role("heading", name="Aus den Pop-up-Laboren").is_visible()
    assert page.locator(".case-card").count() >= 4
    assert INTERNAL_TOWN not in page.locator(".case-card").all_inner_texts().__str__()
    page.screenshot(path=screenshot_dir / "cms-home.png", full_page=True)

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Fallstudien"
    ).click()
    assert page.locator("h1").inner_text() == "Fallstudien"
    assert page.locator(".case-card").count() == 4  # the internal one is not listed
    page.get_by_label("Bundesland").select_option(label="Hessen")
    page.get_by_role("button", name="Filtern").click()
    assert "land=HE" in page.url
    cards = page.locator(".case-card")
    assert cards.count() == 1
    assert "Oestrich-Winkel" in cards.first.inner_text()
    assert page.get_by_role("link", name="Filter zurücksetzen").is_visible()
    page.screenshot(path=screenshot_dir / "cms-case-index-filtered.png", full_page=True)

    cards.first.get_by_role("link").click()
    assert "Oestrich-Winkel" in page.locator("article header").inner_text()
    assert page.locator(".key-figures").is_visible()
    assert page.get_by_role("heading", name="Diskussion").is_visible()
    assert page.get_by_role("link", name="Anmelden und mitdiskutieren").is_visible()
    page.screenshot(path=screenshot_dir / "cms-case-page.png", full_page=True)
    context.close()


def test_town_staff_edits_their_consortium_case_page_in_wagtail(
    demo_server, browser, screenshot_dir
):
    context, page = sign_in(browser, demo_server.url, "anna.berger@kleinstadtakademie.example")
    # Town staff read their consortium's internal case page …
    page.goto(demo_server.url + "/fallstudien/")
    assert page.locator(".case-card").count() == 5
    internal = page.locator(".case-card", has_text=INTERNAL_TOWN)
    assert internal.get_by_text("Nur für den Verbund").is_visible()

    # … and edit it in the Wagtail admin, where publishing goes through the review.
    page.goto(demo_server.url + "/admin/pages/")
    page.get_by_role("link", name="StadtLabor Kleinstadt", exact=True).first.click()
    page.get_by_role("link", name=INTERNAL_TOWN).first.click()
    page.wait_for_load_state()
    assert "/edit/" in page.url
    assert page.locator("#id_summary").input_value().startswith("Zwei Co-Working-Spaces")
    assert page.get_by_role("button", name="Veröffentlichen").count() == 0
    page.screenshot(path=screenshot_dir / "cms-wagtail-editor-town-staff.png", full_page=True)
    context.close()


def test_editor_turns_an_academy_wide_topic_into_a_draft(demo_server, browser, screenshot_dir):
    context, page = sign_in(browser, demo_server.url, "miriam.hoffmann@kleinstadtakademie.example")
    page.goto(demo_server.url + "/forum/bereiche/erfahrungsaustausch/")
    page.locator("a.topic-title").filter(has_not_text="Fallstudie").first.click()
    page.get_by_role("link", name="Als Fallstudie übernehmen").click()
    assert page.locator("h1").inner_text() == "Als Fallstudie übernehmen"
    page.get_by_role("button", name="Entwurf anlegen").click()
    # Nothing chosen: the form says so and keeps the title.
    assert page.get_by_role("alert").is_visible()
    title = page.get_by_label("Titel").input_value()
    assert title
    page.get_by_label("Verbund:").select_option(label="StadtLabor Kleinstadt")
    page.get_by_label("Kleinstadt:").select_option(label="Wittenberge")
    page.locator(".quote-choices input").first.check()
    page.screenshot(path=screenshot_dir / "cms-convert-topic.png", full_page=True)
    page.get_by_role("button", name="Entwurf anlegen").click()
    page.wait_for_url("**/admin/pages/*/edit/")
    assert page.locator("#id_title").input_value() == title
    context.close()
