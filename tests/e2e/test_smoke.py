"""What `make run` serves: the home page, a demo login, Mein Verbund and a websocket."""

DEMO_LOGIN = "anna.berger@kleinstadtakademie.example"
DEMO_PASSWORD = "Demo-Passwort-2026"


def test_home_login_consortium_and_websocket(demo_server, browser, screenshot_dir):
    context = browser.new_context(locale="de-DE")
    page = context.new_page()

    page.goto(demo_server.url + "/")
    assert page.locator("h1").inner_text() == "Kleinstadtakademie"
    assert page.get_by_role("link", name="Impressum").is_visible()
    main_nav = page.get_by_role("navigation", name="Hauptnavigation")
    assert main_nav.get_by_role("link", name="Fallstudien").is_visible()
    assert main_nav.get_by_role("link", name="Transferwerkstätten").is_visible()
    page.screenshot(path=screenshot_dir / "home.png", full_page=True)

    page.get_by_role("navigation", name="Konto").get_by_role("link", name="Anmelden").click()
    page.get_by_label("E-Mail").fill(DEMO_LOGIN)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.screenshot(path=screenshot_dir / "login.png", full_page=True)
    page.locator("form").get_by_role("button", name="Anmelden").click()
    page.wait_for_url(demo_server.url + "/")
    assert page.get_by_role("button", name="Abmelden").is_visible()
    assert main_nav.get_by_role("link", name="Forum").is_visible()
    assert page.get_by_role("heading", name="Meine Verbünde").is_visible()

    page.get_by_role("link", name="StadtLabor Kleinstadt").first.click()
    assert page.locator("h1").inner_text() == "StadtLabor Kleinstadt"
    assert page.get_by_role("heading", name="Wittenberge Leitkommune").is_visible()
    page.screenshot(path=screenshot_dir / "consortium.png", full_page=True)

    reply = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const socket = new WebSocket(`ws://${location.host}/ws/`);
            socket.onopen = () => socket.send(JSON.stringify({type: "ping"}));
            socket.onmessage = (event) => { resolve(JSON.parse(event.data)); socket.close(); };
            socket.onclose = (event) => reject(new Error("closed " + event.code));
            setTimeout(() => reject(new Error("timeout")), 5000);
        })"""
    )
    assert reply == {"type": "pong"}
    context.close()


def test_anonymous_websocket_is_closed(demo_server, browser):
    page = browser.new_page()
    page.goto(demo_server.url + "/")
    outcome = page.evaluate(
        """() => new Promise((resolve) => {
            let opened = false;
            const socket = new WebSocket(`ws://${location.host}/ws/`);
            socket.onopen = () => { opened = true; };
            socket.onclose = () => resolve({opened, closed: true});
            setTimeout(() => resolve({opened, closed: false}), 5000);
        })"""
    )
    # The handshake is refused before it completes: the browser never sees an open socket.
    assert outcome == {"opened": False, "closed": True}
    page.close()


def test_mobile_layout(demo_server, browser, screenshot_dir):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="de-DE")
    page = context.new_page()
    page.goto(demo_server.url + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=screenshot_dir / "home-mobile.png", full_page=True)
    context.close()
