"""From one town's experience to another town's action, in the browser (issue 18, point 5):
a member in Mölln asks the peer finder, finds Wittenberge, asks its contact person, who answers
in a private conversation; Mölln records the adoption and the Wittenberge case page shows it.
Every new page on the way is checked with axe; screenshots in test-artifacts/."""

import re

from playwright.sync_api import expect

from tests.helpers.browser import axe_violations, pass_guards, sign_in

MOELLN = "jan.petersen@kleinstadtakademie.example"
COACH = "katrin.vogel@kleinstadtakademie.example"
WITTENBERGE_CONTACT = "anna.berger@kleinstadtakademie.example"
QUESTION = "Wie viele Antworten kamen über die QR-Codes, und was hat der Druck gekostet?"
ANSWER = "Gut 300 Antworten in vier Wochen; Aufkleber und Äpfel kosteten unter 200 Euro."


def _no_violations(page, name: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{name}: {violations}"


def test_moelln_finds_wittenberge_asks_and_records_the_adoption(
    demo_server, browser, screenshot_dir
):
    asker_context, asker = sign_in(browser, demo_server.url, MOELLN)
    asker.goto(demo_server.url + "/")
    asker.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Wer hat das schon gemacht?"
    ).click()
    _no_violations(asker, "peer finder, empty")
    asker.get_by_label("Ihre Frage").fill("Befragung mit QR-Code")
    asker.get_by_role("button", name="Finden").click()
    first = asker.locator(".peer-results > li").first
    assert "Wittenberge" in first.inner_text()
    assert first.locator(".reasons .badge").count() >= 1
    asker.screenshot(path=screenshot_dir / "transfer-1-peer-finder.png", full_page=True)
    _no_violations(asker, "peer finder, results")

    first.get_by_role("link").first.click()
    assert "Wittenberge" in asker.locator("h1").inner_text()
    contact_box = asker.locator("section.case-contact")
    assert "Anna Berger" in contact_box.inner_text()
    contact_box.get_by_role("link", name="Kontakt aufnehmen").click()
    _no_violations(asker, "contact form")
    asker.get_by_role("button", name="Frage senden").click()
    # Nothing typed: the form says so.
    assert asker.get_by_role("alert").is_visible()
    asker.get_by_label("Ihre Frage").fill(QUESTION)
    asker.screenshot(path=screenshot_dir / "transfer-2-contact-form.png", full_page=True)
    asker.get_by_role("button", name="Frage senden").click()
    assert asker.get_by_text("wartet auf eine Antwort").first.is_visible()
    # No address of anyone on the way.
    assert "@kleinstadtakademie.example" not in asker.content()

    contact_context, contact = sign_in(browser, demo_server.url, WITTENBERGE_CONTACT)
    contact.goto(demo_server.url + "/kontaktanfragen/")
    request = contact.locator(".contact-request", has_text=QUESTION).first
    assert "Jan Petersen" in request.inner_text() and "Mölln" in request.inner_text()
    _no_violations(contact, "contact requests")
    request.get_by_label("Ihre Antwort").fill(ANSWER)
    contact.screenshot(path=screenshot_dir / "transfer-3-contact-requests.png", full_page=True)
    request.get_by_role("button", name="Antworten").click()
    contact.wait_for_url(re.compile(r"/nachrichten/\d+/"))
    assert QUESTION in contact.content() and ANSWER in contact.content()
    _no_violations(contact, "conversation")
    conversation_url = contact.url
    contact_context.close()

    asker.goto(conversation_url)
    assert ANSWER in asker.locator("main").inner_text()
    asker.screenshot(path=screenshot_dir / "transfer-4-conversation.png", full_page=True)
    assert "@kleinstadtakademie.example" not in asker.content()

    # Mölln takes the idea up, from the Wittenberge case page.
    asker.goto(demo_server.url + "/fallstudien/")
    asker.locator(".case-card", has_text="Wittenberge").get_by_role("link").first.click()
    case_url = asker.url
    asker.locator("#uebertragungen").locator("..").get_by_role("link", name="Übernehmen").click()
    _no_violations(asker, "record transfer")
    asker.get_by_label("Was wir für unsere Lage geändert haben").fill(
        "QR-Codes auf Bierdeckeln im Vereinsheim statt auf Äpfeln am Bahnsteig."
    )
    asker.get_by_role("button", name="Übertragung eintragen").click()
    assert "/uebertragungen/" in asker.url
    assert "Mölln" in asker.locator("main").inner_text()
    _no_violations(asker, "transfer detail")
    asker.screenshot(path=screenshot_dir / "transfer-5-detail.png", full_page=True)
    asker_context.close()

    # Anyone reading the Wittenberge case page now sees that Mölln took it up.
    visitor_context = browser.new_context(locale="de-DE")
    visitor = visitor_context.new_page()
    visitor.goto(case_url)
    section = visitor.locator("section", has=visitor.locator("#uebertragungen"))
    assert "Mölln" in section.inner_text()
    assert re.search(r"\d+ Städte haben das übernommen", section.inner_text())
    visitor.screenshot(path=screenshot_dir / "transfer-6-case-page.png", full_page=True)
    visitor.goto(demo_server.url + "/uebertragungen/")
    _no_violations(visitor, "transfer overview")
    visitor.screenshot(path=screenshot_dir / "transfer-7-overview.png", full_page=True)
    visitor_context.close()


def test_sharing_a_closed_topic_asks_its_authors(demo_server, browser, screenshot_dir):
    """The proposal, the authors' consent page and the proposal's audit trail, under axe."""
    proposer_context, proposer = sign_in(browser, demo_server.url, MOELLN)
    proposer.goto(demo_server.url + "/forum/bereiche/stadtlabor-kleinstadt/")
    proposer.get_by_role(
        "link", name="Aktionswoche in Mölln: voller Auftakt, leere Folgetermine"
    ).click()
    proposer.get_by_role("link", name="Teilen", exact=True).click()
    _no_violations(proposer, "share proposal form")
    for box in proposer.locator("input[name=posts]").all():
        box.check()
    target = proposer.get_by_label("Teilen mit")
    values = [
        value
        for value in target.locator("option").evaluate_all(
            "options => options.map(option => option.value)"
        )
        if value
    ]
    target.select_option(values[0])
    proposer.get_by_label("Begründung").fill(
        "Für alle Verbünde lehrreich: warum die Folgetermine leer blieben."
    )
    proposer.screenshot(path=screenshot_dir / "share-1-form.png", full_page=True)
    proposer.get_by_role("button", name="Zustimmung erbitten").click()
    proposer.wait_for_url(re.compile(r"/forum/teilen/\d+/"))
    assert "Michael Huber" in proposer.locator("main").inner_text()
    _no_violations(proposer, "share proposal")
    proposal_url = proposer.url
    proposer_context.close()

    author_context, author = sign_in(
        browser, demo_server.url, "michael.huber@kleinstadtakademie.example"
    )
    author.goto(demo_server.url + "/forum/teilen/")
    _no_violations(author, "consents")
    author.get_by_role("button", name="Zustimmen").first.click()
    author.screenshot(path=screenshot_dir / "share-2-consents.png", full_page=True)
    author_context.close()

    proposer_context, proposer = sign_in(browser, demo_server.url, MOELLN)
    proposer.goto(proposal_url)
    # The audit trail names who agreed.
    assert "Michael Huber" in proposer.locator("main").inner_text()
    proposer.screenshot(path=screenshot_dir / "share-3-proposal.png", full_page=True)
    proposer_context.close()

    # The consortium's coach confirms (after setting up two-factor login if not done yet).
    coach_context, coach = sign_in(browser, demo_server.url, COACH)
    coach.goto(proposal_url)
    _no_violations(coach, "share proposal with the decision")
    coach.get_by_role("button", name="Bestätigen und teilen").click()
    pass_guards(coach, COACH, proposal_url)
    if coach.get_by_role("button", name="Bestätigen und teilen").count():
        coach.get_by_role("button", name="Bestätigen und teilen").click()
    expect(coach.locator(".messages")).to_contain_text("mit Zustimmung geteilt")
    _no_violations(coach, "shared proposal")
    coach.screenshot(path=screenshot_dir / "share-4-confirmed.png", full_page=True)
    coach.locator("dl.facts").get_by_role("link").click()
    expect(coach.locator("main")).to_contain_text("mit Zustimmung geteilt")
    _no_violations(coach, "shared copy")
    coach.screenshot(path=screenshot_dir / "share-5-copy.png", full_page=True)
    coach_context.close()
