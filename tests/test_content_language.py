"""Content language (WCAG 3.1.1 and 3.1.2): every page names its language in <html lang>, and in
English mode every piece of German content (what people typed: towns, consortia, spaces,
topics, workshops, notifications, profiles; case pages, which have no English title) sits inside an
element with lang="de", so that screen readers pronounce it as German.

The German content is the demo's, read from the database: each page's text nodes that contain one
of those strings must have lang="de" on an ancestor.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model

from cms.models import LabCasePage
from forum.models import Consortium, Notification, Profile, Space, Topic, Town
from workshops.models import Workshop

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]

MEMBER = "claudia.weber@kleinstadtakademie.example"
# Elements without an end tag: they never hold text, so they never open a language scope.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
# Text no lang can be given to: the <title> holds no markup for its German parts, a <textarea>
# what the person is typing (in whatever language).
UNMARKABLE = {"title", "textarea"}
# Strings this short also occur as words of English text.
SHORTEST = 6

PUBLIC_PAGES = [
    "/",
    "/fallstudien/",
    "/stadtlabor-kleinstadt/",
    "/stadtlabor-kleinstadt/wittenberge/",
    "/stadtlabor-kleinstadt/oestrich-winkel-pop-up-coworking/",
    "/handlungsbausteine/",
    "/werkstaetten/",
    "/suche/?q=Co-Working",
]
MEMBER_PAGES = [
    "/forum/",
    "/forum/bereiche/stadtlabor-kleinstadt/",
    "/forum/bereiche/erfahrungsaustausch/",
    "/forum/suche/?q=Co-Working",
    "/verbuende/",
    "/verbuende/stadtlabor-kleinstadt/",
    "/verbuende/stadtlabor-kleinstadt/mitglieder/",
    "/verbuende/stadtlabor-kleinstadt/werkstaetten/",
    "/benachrichtigungen/",
    "/konto/profil/",
    "/konto/kalender/",
]


class TextLanguages(HTMLParser):
    """Each text node of a page with the language in force where it stands."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []
        self.skip = 0
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        inherited = self.stack[-1][1] if self.stack else ""
        self.stack.append((tag, dict(attrs).get("lang") or inherited))
        self.skip += tag in ("script", "style", "template")

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _lang = self.stack.pop()
            self.skip -= open_tag in ("script", "style", "template")
            if open_tag == tag:
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self.skip and not (self.stack and self.stack[-1][0] in UNMARKABLE):
            self.texts.append((text, self.stack[-1][1] if self.stack else ""))


def text_languages(html: str) -> list[tuple[str, str]]:
    parser = TextLanguages()
    parser.feed(html)
    return parser.texts


def german_content() -> set[str]:
    """What people typed in German, and the case pages' titles."""
    strings: set[str] = set()
    for model, fields in (
        (Town, ("name", "description")),
        (Consortium, ("name", "theme", "description")),
        (Space, ("name",)),
        (Topic, ("title",)),
        (Workshop, ("title", "venue_name", "description")),
        (Notification, ("title",)),
        (Profile, ("function", "bio")),
    ):
        for values in model.objects.values_list(*fields):
            # Long texts: their first words, which are one text node wherever they are shown.
            strings.update(" ".join(value.split()[:4]) for value in values if value)
    # Case pages have no English title: they are German content throughout.
    strings.update(LabCasePage.objects.values_list("title", flat=True))
    return {string for string in strings if len(string) >= SHORTEST}


def unmarked(html: str, strings: set[str]) -> list[str]:
    return sorted(
        {
            text
            for text, lang in text_languages(html)
            if lang != "de" and any(string in text for string in strings)
        }
    )


def test_the_parser_finds_text_outside_lang_de():
    html = '<html lang="en"><p>Wittenberge</p><p lang="de"><b>Mölln</b><br>Uslar</p></html>'
    assert text_languages(html) == [("Wittenberge", "en"), ("Mölln", "de"), ("Uslar", "de")]
    assert unmarked(html, {"Wittenberge", "Mölln"}) == ["Wittenberge"]


@pytest.fixture
def member(client):
    client.force_login(get_user_model().objects.get(email=MEMBER))
    return client


def visit(client, path: str) -> str:
    response = client.get(path, follow=True)
    assert response.status_code == 200, path
    return response.content.decode()


def test_english_mode_marks_german_content_on_the_main_pages(member):
    member.cookies["django_language"] = "en"
    strings = german_content()
    assert {"Wittenberge", "StadtLabor Kleinstadt"} <= strings
    found = {}
    for path in PUBLIC_PAGES + MEMBER_PAGES:
        html = visit(member, path)
        assert '<html lang="en">' in html, path
        found[path] = unmarked(html, strings)

    assert {path: texts for path, texts in found.items() if texts} == {}


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/gibt-es-nicht/",
        "/konto/login/",
        "/konto/signup/",
        "/konto/password/reset/",
        "/fallstudien/",
        "/stadtlabor-kleinstadt/oestrich-winkel-pop-up-coworking/",
    ],
)
def test_html_lang_names_the_interface_language(client, path, language):
    client.cookies["django_language"] = language
    response = client.get(path)
    assert f'<html lang="{language}">' in response.content.decode()


@pytest.mark.parametrize("language", ["de", "en"])
def test_html_lang_of_member_pages_and_forbidden_pages(member, language):
    member.cookies["django_language"] = language
    for path in ["/forum/", "/benachrichtigungen/", "/konto/profil/", "/forum/moderation/"]:
        response = member.get(path)
        assert f'<html lang="{language}">' in response.content.decode(), path
