"""XSS payloads in topic titles, post bodies and display names render inert on every page."""

from html.parser import HTMLParser

from django.urls import reverse

from forum import services, text
from forum.models import Profile
from tests.factories import MembershipFactory
from tests.helpers.xss import XSS_PAYLOADS

DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")


class _PageAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
        if tag in {"iframe", "object", "embed", "svg", "math", "base", "style"}:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in attributes:
            self.problems.append("<meta http-equiv>")
        if tag == "form" and not attributes.get("action", "/").startswith("/"):
            self.problems.append("<form action>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                self.problems.append(f"{tag}[{name}]")
            if name in {"href", "src", "action", "xlink:href"} and value:
                cleaned = "".join(ch for ch in value if ch > " ").lower()
                if cleaned.startswith(DANGEROUS_SCHEMES):
                    self.problems.append(f"{tag}[{name}={value}]")


def assert_page_inert(content: str, own_scripts: int) -> None:
    audit = _PageAudit()
    audit.feed(content)
    assert audit.problems == []
    # Only our own external scripts and the JSON config of the live updates (data, not code).
    code = [s for s in audit.scripts if s.get("type") != "application/json"]
    data = [s for s in audit.scripts if s.get("type") == "application/json"]
    assert len(code) == own_scripts
    assert all(script.get("src", "").startswith("/static/") for script in code)
    assert all(script.get("id") == "live-config" and "src" not in script for script in data)


def test_payloads_render_inert_everywhere(client, cast, forum):
    assert len(XSS_PAYLOADS) >= 50
    authors = []
    for index in range(12):
        membership = MembershipFactory(consortium=cast.consortium)
        # Forms refuse NUL characters before they reach the database; so does this setup.
        name = XSS_PAYLOADS[index].replace("\x00", "")[:120] or "x"
        Profile.objects.filter(user=membership.user).update(display_name=name)
        authors.append(membership.user)
    topics = []
    for index, payload in enumerate(XSS_PAYLOADS):
        payload = payload.replace("\x00", "")
        # Titles refuse direction controls (forum.text); bodies keep them.
        title = "".join(char for char in payload if char not in text.BIDI_CONTROLS)
        title = (title.strip() or "leer")[:200].ljust(3, "_")
        author = authors[index % len(authors)]
        topics.append(
            services.create_topic(space=forum.closed, author=author, title=title, body=payload)
        )
    viewer = cast.user("coach")
    client.force_login(viewer)
    response = client.get(reverse("forum:home"))
    assert_page_inert(response.content.decode(), own_scripts=1)
    pages = [reverse("forum:search") + "?q=alert"]
    pages += [reverse("forum:members", kwargs={"slug": cast.consortium.slug})]
    pages += [reverse("forum:profile", kwargs={"user_id": author.pk}) for author in authors]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        # live.js runs on every page of a signed-in person (the notification bell).
        assert_page_inert(response.content.decode(), own_scripts=1)
    for number in range(1, 7):
        response = client.get(f"{forum.closed.get_absolute_url()}?seite={number}")
        assert_page_inert(response.content.decode(), own_scripts=1)
    for topic in topics:
        response = client.get(topic.get_absolute_url())
        assert response.status_code == 200
        assert_page_inert(response.content.decode(), own_scripts=2)
