"""Posts rendered once and shared between readers (forum/views/post_html.py): each reader still
gets exactly their own page, with their own CSRF token, and every change shows at once."""

import re

import pytest
from django.core.cache import caches
from django.test import Client

from forum import services
from forum.models import Role
from forum.views import post_html
from tests.factories import MembershipFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _posts_html(response) -> str:
    """The post list of a topic page, with CSRF tokens (different on every response) blanked."""
    html = response.content.decode()
    posts = html[html.index("data-post-list") : html.index("</ol>", html.index("data-post-list"))]
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', posts)


def _page(user, url) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    assert post_html._CSRF_PLACEHOLDER not in response.content.decode()
    return _posts_html(response)


@pytest.mark.parametrize("role", ["member", "coach", "core_team", "admin"])
def test_a_post_from_the_cache_equals_the_post_rendered_for_this_reader(cast, forum, role):
    """Another reader of the same role filled the cache, with their own marks and posts; this
    reader's page is what a cold cache renders for them."""
    topic = forum.closed_topic
    other = MembershipFactory(
        consortium=cast.consortium, role=Role.MEMBER if role == "admin" else role
    ).user
    if role == "admin":
        other.is_superuser = True
        other.save()
    reader = cast.user(role)
    services.post_reply(topic=topic, author=other, body="Von der anderen Person")
    mine = services.post_reply(topic=topic, author=reader, body="Von mir")
    services.toggle_helpful(post=mine, user=other)
    services.toggle_helpful(post=topic.posts.order_by("pk").first(), user=other)
    url = topic.get_absolute_url()

    caches["posts"].clear()
    cold = _page(reader, url)
    caches["posts"].clear()
    _page(other, url)
    warm = _page(reader, url)

    assert warm == cold
    assert "Von mir" in warm and "Nicht mehr hilfreich" not in warm


def test_every_reader_gets_a_csrf_token_that_works_in_a_shared_post(cast, forum):
    topic = forum.closed_topic
    first = topic.posts.order_by("pk").first()
    readers = [
        MembershipFactory(consortium=cast.consortium, role=Role.MEMBER).user for _ in range(2)
    ]
    for reader in readers:  # the second reader's posts come from the first one's render
        client = Client(enforce_csrf_checks=True)
        client.force_login(reader)
        html = client.get(topic.get_absolute_url()).content.decode()
        form = html[html.index(f'action="/forum/beitraege/{first.pk}/hilfreich/"') :]
        token = TOKEN.search(form).group(1)
        response = client.post(
            f"/forum/beitraege/{first.pk}/hilfreich/", {"csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302
    assert first.helpful_marks.filter(user__in=readers).count() == 2


def test_a_cached_post_shows_every_change_at_once(cast, forum):
    topic = forum.closed_topic
    coach, member = cast.user("coach"), cast.user("member")
    post = services.post_reply(topic=topic, author=member, body="Erste Fassung")
    url = topic.get_absolute_url()
    before = _page(coach, url)
    assert "Erste Fassung" in before

    member.profile.display_name = "Neuer Anzeigename"
    member.profile.save()
    services.edit_post(post=post, editor=member, body="Zweite Fassung", based_on=post.version)
    services.toggle_helpful(post=post, user=cast.user("core_team"))
    after_edit = _page(coach, url)
    assert "Neuer Anzeigename" in after_edit
    assert "Zweite Fassung" in after_edit and "Erste Fassung" not in after_edit
    assert "1× hilfreich" in after_edit

    services.hide_post(post=post, moderator=coach, reason="Persönliche Daten")
    assert "Von der Moderation ausgeblendet: Persönliche Daten" in _page(coach, url)
    hidden_for_member = _page(member, url)
    assert "Zweite Fassung" in hidden_for_member  # the author still sees their own text
    outsider_view = _page(cast.user("core_team"), url)
    assert "Wieder einblenden" in outsider_view
