"""English interface: menu, footer and the site's own pages in English (their optional English
title), German content marked ``lang="de"`` so screen readers pronounce it right."""

import pytest

from cms.models import StandardPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def impressum(home_page):
    page = home_page.add_child(
        instance=StandardPage(
            title="Impressum",
            title_en="Legal notice",
            slug="impressum",
            body="<p>Angaben zur Betreiberin</p>",
            show_in_menus=True,
            show_in_footer=True,
        )
    )
    page.save_revision().publish()
    return page


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_english_mode_shows_the_english_titles_in_menu_footer_and_heading(english, impressum):
    html = english.get("/impressum/").content.decode()
    assert html.count(">Legal notice</a>") == 2
    assert "<h1>Legal notice</h1>" in html
    assert "<title>Legal notice" in html
    assert "Impressum" not in html


def test_german_mode_keeps_the_german_titles(client, impressum):
    html = client.get("/impressum/").content.decode()
    assert html.count(">Impressum</a>") == 2
    assert "Legal notice" not in html


def test_menu_and_footer_are_cached_per_language(client, impressum):
    assert ">Impressum</a>" in client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    assert ">Legal notice</a>" in client.get("/").content.decode()


def test_english_mode_marks_a_german_only_title_and_body_lang_de(english, home_page):
    page = home_page.add_child(
        instance=StandardPage(
            title="Datenschutz", slug="datenschutz", body="<p>Text</p>", show_in_footer=True
        )
    )
    page.save_revision().publish()
    html = english.get("/datenschutz/").content.decode()
    assert '<a href="/datenschutz/" lang="de">Datenschutz</a>' in html
    assert '<h1 lang="de">Datenschutz</h1>' in html
    assert '<div class="rich-text" lang="de">' in html


def test_german_mode_needs_no_lang_marks(client, impressum):
    html = client.get("/impressum/").content.decode()
    assert 'lang="de"' not in html.split("<html", 1)[1].split(">", 1)[1]


def test_english_mode_marks_forum_posts_lang_de(client, cast, forum):
    client.force_login(cast.user("member"))
    client.cookies["django_language"] = "en"
    html = client.get(forum.closed_topic.get_absolute_url()).content.decode()
    assert 'class="post-body" lang="de"' in html


def test_english_mode_marks_topic_titles_lang_de(client, cast, forum):
    client.force_login(cast.user("member"))
    client.cookies["django_language"] = "en"
    html = client.get(forum.closed_topic.get_absolute_url()).content.decode()
    assert f'<h1 lang="de">{forum.closed_topic.title}</h1>' in html


def test_english_mode_marks_case_cards_lang_de(english, case_site):
    html = english.get("/").content.decode()
    assert '<h3 lang="de"><a href=' in html
