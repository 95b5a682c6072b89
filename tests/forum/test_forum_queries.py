"""Query budgets: forum pages cost the same with 1 and with 50 topics, posts, files and marks."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum import services
from forum.models import Tag
from tests.factories import MembershipFactory
from tests.helpers.uploads import png_upload


def _queries(client, url) -> int:
    client.get(url)  # warm per-process caches (content types, site)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _people(cast, count):
    people = []
    for _ in range(count):
        membership = MembershipFactory(consortium=cast.consortium)
        people.append(membership.user)
    return people


def test_forum_home_and_topic_list_do_not_grow_with_topics(client, cast, forum):
    tag = Tag.objects.create(name="Co-Working", slug="co-working")
    client.force_login(cast.user("coach"))
    urls = [reverse("forum:home"), forum.closed.get_absolute_url()]
    few = [_queries(client, url) for url in urls]
    authors = _people(cast, 10)
    for number in range(50):
        topic = services.create_topic(
            space=forum.closed,
            author=authors[number % 10],
            title=f"Diskussion {number}",
            body="Text",
            tags=[tag],
        )
        services.post_reply(topic=topic, author=authors[(number + 1) % 10], body="Antwort")
    many = [_queries(client, url) for url in urls]
    assert many == few


def test_topic_page_does_not_grow_with_posts_attachments_and_marks(client, cast, forum):
    client.force_login(cast.user("coach"))
    url = forum.closed_topic.get_absolute_url()
    authors = _people(cast, 10)
    # One of each first: attachments and the mentioned people are asked for only when a post
    # on the page has them.
    first = services.post_reply(
        topic=forum.closed_topic,
        author=authors[0],
        body=f"Eins @{cast.user('member').username}",
        uploads=[png_upload("eins.png")],
    )
    services.toggle_helpful(post=first, user=authors[1])
    few = _queries(client, url)
    posts = []
    for number in range(48):  # 50 posts; the first page shows 20 of them with 51 files
        uploads = [png_upload(f"{number}-{n}.png") for n in range(5)] if number < 10 else []
        posts.append(
            services.post_reply(
                topic=forum.closed_topic,
                author=authors[number % 10],
                body=f"Beitrag {number} @{cast.user('member').username}",
                uploads=uploads,
            )
        )
    for post in posts:
        for marker in authors[:3]:
            if marker != post.author:
                services.toggle_helpful(post=post, user=marker)
    assert _queries(client, url) == few


def test_topic_pages_count_deleted_and_hidden_posts_without_counting_rows(client, cast, forum):
    """The page count comes from the topic's reply count: deleted and hidden posts keep their
    place, and the last page holds the newest post."""
    topic = forum.closed_topic
    authors = _people(cast, 3)
    posts = [
        services.post_reply(topic=topic, author=authors[number % 3], body=f"Beitrag {number}")
        for number in range(21)
    ]
    services.delete_post(post=posts[0], actor=posts[0].author)
    services.hide_post(post=posts[1], moderator=cast.user("coach"), reason="Test")
    topic.refresh_from_db()
    assert topic.reply_count + 1 == topic.posts.count() == 22
    client.force_login(cast.user("member"))
    with CaptureQueriesContext(connection) as captured:
        last = client.get(topic.get_absolute_url() + "?seite=2")
    assert not [
        query for query in captured if 'COUNT(*) AS "__count" FROM "forum_post"' in query["sql"]
    ]
    html = last.content.decode()
    # The back half is read from the end of the topic, in the topic's order all the same.
    assert html.index(f'id="beitrag-{posts[-2].pk}"') < html.index(f'id="beitrag-{posts[-1].pk}"')
    assert html.count('<li class="post') == 2
    first = client.get(topic.get_absolute_url()).content.decode()
    assert "Beitrag gelöscht" in first and "Von der Moderation ausgeblendet" in first
    assert client.get(topic.get_absolute_url() + "?seite=3").context["page"].number == 2


def test_topic_pages_read_from_either_end_hold_every_post_once_in_order(cast, forum):
    from forum import selectors

    topic = forum.closed_topic
    authors = _people(cast, 3)
    for number in range(9):
        services.post_reply(topic=topic, author=authors[number % 3], body=f"Beitrag {number}")
    topic.refresh_from_db()
    pages = [selectors.topic_page(topic, number, 3) for number in (1, 2, 3, 4)]
    shown = [[post.pk for post in posts] for _page, posts in pages]
    assert [[post.pk for post in page.object_list] for page, _posts in pages] == shown
    assert sum(shown, []) == list(topic.posts.order_by("pk").values_list("pk", flat=True))
    assert selectors.topic_page(topic, None, 3)[0].number == 4
