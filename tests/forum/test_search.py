"""Forum search: who finds what, what a snippet may contain, and what it costs."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forum.models import Post, Space, Topic
from forum.search import SearchHit, search, searchable_posts
from tests.factories import UserFactory
from tests.helpers.cast import ROLES, client_for

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search only"
)


def _hits(user, query, **scope) -> list[SearchHit]:
    """The first page's worth of hits, as the search page loads them."""
    return search(user, query, **scope)[:50]


def closed_space(consortium) -> Space:
    space = Space.objects.filter(consortium=consortium).first()
    return space or Space.objects.create(
        consortium=consortium, name=consortium.name, slug=consortium.slug
    )


def academy_space() -> Space:
    space, _created = Space.objects.get_or_create(
        slug="erfahrungsaustausch", defaults={"name": "Forum für Erfahrungsaustausch"}
    )
    return space


@pytest.fixture
def spaces(cast):
    return SimpleNamespace(
        own=closed_space(cast.consortium),
        other=closed_space(cast.other_consortium),
        academy=academy_space(),
    )


@pytest.fixture
def author(db):
    return UserFactory(profile__display_name="Erika Beispiel")


def make_post(space, body, *, author, title="Erfahrungen aus der Praxis", **fields) -> Post:
    topic = Topic.objects.create(space=space, title=title, author=author)
    return Post.objects.create(
        topic=topic, author=author, body=body, body_html=f"<p>{body}</p>", **fields
    )


def without_marks(snippet: str) -> str:
    return re.sub(r"</?mark>", "", snippet)


# Which roles may read each space (DESIGN.md); "outsider" is a member of the other consortium.
READERS = {
    "own": {"member", "coach", "core_team", "admin"},
    "other": {"outsider", "admin"},
    "academy": {"outsider", "member", "coach", "core_team", "editor", "admin"},
}
WORDS = {"own": "Kastanienallee", "other": "Lindenhof", "academy": "Birkenweg"}


@pytest.mark.parametrize("role", ROLES)
def test_hits_only_where_role_may_read(cast, spaces, author, role):
    posts = {
        name: make_post(
            getattr(spaces, name), f"Wir treffen uns am {word} zum Rundgang.", author=author
        )
        for name, word in WORDS.items()
    }
    user = cast.user(role)
    for name, word in WORDS.items():
        hits = _hits(user, word)
        expected = [posts[name]] if role in READERS[name] else []
        assert [hit.post for hit in hits] == expected, (role, name)
        if name == "own":
            hits = _hits(user, word, space=spaces.academy)
            assert hits == [], "restricted to another space"


def test_anonymous_finds_nothing(cast, spaces, author):
    make_post(spaces.academy, "Leerstand in der Innenstadt", author=author)
    assert _hits(cast.user("anonymous"), "Leerstand") == []
    assert _hits(None, "Leerstand") == []


def test_space_restriction(cast, spaces, author):
    own = make_post(spaces.own, "Leerstand im Ortskern", author=author)
    academy = make_post(spaces.academy, "Leerstand im Ortskern", author=author)
    member = cast.user("member")
    assert {hit.post for hit in _hits(member, "Leerstand")} == {own, academy}
    assert [hit.post for hit in _hits(member, "Leerstand", space=spaces.own)] == [own]


@pytest.mark.parametrize("role", ["member", "admin"])
def test_deleted_and_hidden_posts_are_not_found(cast, spaces, author, role):
    now = timezone.now()
    visible = make_post(spaces.own, "Leerstand sichtbar", author=author)
    make_post(spaces.own, "Leerstand gelöscht", author=author, deleted_at=now)
    make_post(spaces.own, "Leerstand ausgeblendet", author=author, hidden_at=now)
    assert [hit.post for hit in _hits(cast.user(role), "Leerstand")] == [visible]


def test_topic_title_matches(cast, spaces, author):
    post = make_post(
        spaces.own, "Wer hat Erfahrung damit?", author=author, title="Coworking im Bahnhof"
    )
    hits = _hits(cast.user("member"), "Bahnhof")
    assert [hit.post for hit in hits] == [post]
    assert "Wer hat Erfahrung damit?" in hits[0].snippet_html


def test_all_words_must_match(cast, spaces, author):
    both = make_post(spaces.own, "Leerstand und Zwischennutzung", author=author)
    make_post(spaces.own, "Nur Leerstand", author=author)
    hits = _hits(cast.user("member"), "Zwischennutzung Leerstand")
    assert [hit.post for hit in hits] == [both]


def test_newest_first_among_equal_matches(cast, spaces, author):
    older = make_post(
        spaces.own,
        "Leerstand im Ortskern",
        author=author,
        created_at=timezone.now() - datetime.timedelta(days=3),
    )
    newer = make_post(spaces.own, "Leerstand im Ortskern", author=author)
    hits = _hits(cast.user("member"), "Leerstand")
    assert [hit.post for hit in hits] == [newer, older]


def test_limit(cast, spaces, author):
    for _ in range(5):
        make_post(spaces.own, "Leerstand", author=author)
    assert len(search(cast.user("member"), "Leerstand")[:3]) == 3


def test_snippet_escapes_html_and_marks_matches(cast, spaces, author):
    make_post(spaces.own, "<script>alert(1)</script> Leerstand", author=author)
    [hit] = _hits(cast.user("member"), "leerstand")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hit.snippet_html
    assert "<mark>Leerstand</mark>" in hit.snippet_html
    assert without_marks(hit.snippet_html).count("<") == 0


def test_snippet_shows_markup_of_the_source_as_text(cast, spaces, author):
    make_post(
        spaces.own,
        'Leerstand in der <b onclick="x()">Innenstadt</b> & mehr <img src=x onerror=alert(1) `<a>`',
        author=author,
    )
    [hit] = _hits(cast.user("member"), "Leerstand")
    assert hit.snippet_html.startswith("<mark>Leerstand</mark> in der ")
    assert "&lt;b onclick=&quot;x()&quot;&gt;Innenstadt&lt;/b&gt; &amp; mehr" in hit.snippet_html
    assert "&lt;img src=x onerror" in hit.snippet_html  # PostgreSQL may cut the snippet here
    assert without_marks(hit.snippet_html).count("<") == 0


def test_snippet_is_taken_from_around_the_match(cast, spaces, author):
    body = "Vorrede " * 100 + "Hier geht es um Leerstand im Ortskern. " + "Nachrede " * 100
    make_post(spaces.own, body, author=author)
    [hit] = _hits(cast.user("member"), "Leerstand")
    assert "<mark>Leerstand</mark>" in hit.snippet_html
    assert len(hit.snippet_html) < 400


def test_markers_in_post_text_cannot_inject_markup(cast, spaces, author):
    make_post(spaces.own, "\x02<img src=x>\x03 Leerstand \x03", author=author)
    [hit] = _hits(cast.user("member"), "Leerstand")
    assert without_marks(hit.snippet_html).count("<") == 0
    assert "\x02" not in hit.snippet_html and "\x03" not in hit.snippet_html


def test_query_count_does_not_grow_with_hits(cast, spaces):
    make_post(spaces.own, "Ein Einzelstück", author=UserFactory())
    for index in range(30):
        make_post(spaces.own, f"Vielfalt Nummer {index}", author=UserFactory())
    member = cast.user("member")
    _hits(member, "warm")  # roles are cached on the user object after the first call

    def run(query):
        with CaptureQueriesContext(connection) as queries:
            hits = _hits(member, query)
            for hit in hits:
                str(hit.post.topic.space.consortium)
                str(hit.post.author.profile.display_name)
                str(hit.post.topic.title)
        return len(hits), len(queries)

    one, queries_for_one = run("Einzelstück")
    thirty, queries_for_thirty = run("Vielfalt")
    assert (one, thirty) == (1, 30)
    # PostgreSQL asks the policy for the readable spaces first, then matches within them; the
    # ranked (and per topic grouped) ids come first, then the posts of the page are loaded.
    assert queries_for_one == queries_for_thirty == (3 if connection.vendor == "postgresql" else 2)


@pytest.mark.parametrize("role", ["outsider", "member", "coach", "editor"])
def test_permission_filter_is_a_membership_join(cast, role):
    sql = str(searchable_posts(cast.user(role)).query)
    assert "forum_membership" in sql
    assert "JOIN" in sql
    assert not re.search(r"\bIN\s*\(", sql), sql


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "''",
        "&|!:*()",
        "Leerstand & | ! : * ( )",
        "!Leerstand",
        "Leerstand:*",
        "(((",
        '"Leerstand',
        "-",
        "- -Leerstand",
        "or",
        "Leer\x00stand",
        "\x00",
        "\x02\x03",
        "\\",
        "%",
        "_",
        "' OR 1=1 --",
        "<mark>",
        "a b c",
        "Leerstand " * 20,
        "ß" * 200,
        "😀 Leerstand",
    ],
)
def test_odd_input_does_not_raise(cast, spaces, author, query):
    make_post(spaces.own, "Leerstand 100% in der Innenstadt_Nord", author=author)
    hits = _hits(cast.user("member"), query)
    assert isinstance(hits, list)
    assert all(isinstance(hit, SearchHit) for hit in hits)


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "\x00", "a", "Leerstand " * 21, "x" * 201])
def test_empty_short_or_overlong_query_returns_nothing(cast, spaces, author, query):
    make_post(spaces.own, "Leerstand " + "x" * 201, author=author)
    with CaptureQueriesContext(connection) as queries:
        assert _hits(cast.user("admin"), query) == []
    assert len(queries) == 0


def test_search_results_template(author):
    post = SimpleNamespace(
        pk=7,
        get_absolute_url="/forum/beitraege/7/",
        topic=SimpleNamespace(title="Leerstand <b>& Co</b>", space=SimpleNamespace(name="Verbund")),
        author=SimpleNamespace(profile=SimpleNamespace(display_name="Erika <i>Beispiel</i>")),
        created_at=datetime.datetime(2025, 3, 4, 12, 0, tzinfo=datetime.UTC),
    )
    hit = SearchHit(post=post, snippet_html="&lt;b&gt; <mark>Leerstand</mark>")
    html = render_to_string("forum/search_results.html", {"hits": [hit]})
    assert 'href="/forum/beitraege/7/"' in html
    assert "Leerstand &lt;b&gt;&amp; Co&lt;/b&gt;" in html
    assert "Erika &lt;i&gt;Beispiel&lt;/i&gt;" in html
    assert "4. März 2025" in html
    assert "&lt;b&gt; <mark>Leerstand</mark>" in html
    assert "Verbund" in html


@on_postgresql
def test_german_stemming(cast, spaces, author):
    post = make_post(spaces.own, "Die Gemeinde hat den Bahnhof gekauft.", author=author)
    hits = _hits(cast.user("member"), "Gemeinden")
    assert [hit.post for hit in hits] == [post]
    assert "<mark>Gemeinde</mark>" in hits[0].snippet_html


@on_postgresql
def test_websearch_syntax(cast, spaces, author):
    inner = make_post(spaces.own, "Leerstand in der Innenstadt", author=author)
    outer = make_post(spaces.own, "Leerstand am Stadtrand", author=author)
    member = cast.user("member")
    assert [hit.post for hit in _hits(member, "Leerstand -Innenstadt")] == [outer]
    assert [hit.post for hit in _hits(member, '"Leerstand in der Innenstadt"')] == [inner]
    assert {hit.post for hit in _hits(member, "Innenstadt or Stadtrand")} == {inner, outer}


@on_postgresql
def test_search_matches_only_within_readable_spaces_through_the_indexes(cast, spaces, author):
    """The readable spaces come first (the policy's membership semi-join), and only those are
    asked, each through migration 0012's indexes."""
    make_post(spaces.own, "Leerstand", author=author, title="Leerstand im Ortskern")
    with CaptureQueriesContext(connection) as queries:
        _hits(cast.user("member"), "Leerstand")
    *_roles, spaces_sql, sql, _load_page = (query["sql"] for query in queries.captured_queries)
    assert "forum_membership" in spaces_sql and "forum_post" not in spaces_sql
    assert "ts_rank" in sql
    for space in (spaces.own, spaces.academy):
        assert f"search_space_id = {space.pk} AND" in sql
    assert f"search_space_id = {spaces.other.pk} AND" not in sql
    with connection.cursor() as cursor:
        # GIN indexes are read through bitmap scans: with sequential and plain index scans
        # off, the tiny test tables cannot make a btree index scan look cheaper.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Posts are reached per readable space (by the GIN index or the newest-first one), never
    # by reading the whole table.
    assert "Seq Scan on forum_post" not in plan
    assert "forum_post_space_search" in plan or "forum_post_space_newest" in plan, plan


@on_postgresql
def test_the_stored_vector_follows_edits_and_the_stored_space_follows_moves(cast, spaces, author):
    post = make_post(spaces.own, "Leerstand im Ortskern", author=author)
    member, outsider = cast.user("member"), cast.user("outsider")
    Post.objects.filter(pk=post.pk).update(body="Zwischennutzung im Ortskern")
    assert _hits(member, "Leerstand") == []
    assert [hit.post for hit in _hits(member, "Zwischennutzung")] == [post]

    post.topic.space = spaces.other
    post.topic.save(update_fields=["space"])
    assert _hits(member, "Zwischennutzung") == []
    assert [hit.post for hit in _hits(outsider, "Zwischennutzung")] == [post]
    reply = Post.objects.create(
        topic=post.topic, author=author, body="Zwischennutzung", body_html=""
    )
    # One hit per topic (its best post), the reply counted as a further match.
    [hit] = _hits(outsider, "Zwischennutzung")
    assert (hit.post in (post, reply), hit.more) == (True, 1)
    found = _hits(outsider, "Zwischennutzung", topic=post.topic)
    assert {hit.post for hit in found} == {post, reply}


@on_postgresql
def test_ranking_sees_a_bounded_number_of_newest_matches_per_space(
    cast, spaces, author, monkeypatch
):
    monkeypatch.setattr("forum.search.CANDIDATES_PER_SPACE", 2)
    own = [make_post(spaces.own, "Leerstand", author=author, title="Ort") for _ in range(3)]
    academy = make_post(spaces.academy, "Leerstand", author=author, title="Ort")
    hits = _hits(cast.user("member"), "Leerstand")
    assert {hit.post for hit in hits} == {own[1], own[2], academy}


# Issue 16, "Finding things".


def test_search_snippet_shows_plain_text_not_markdown(cast, spaces, author):
    make_post(
        spaces.own,
        "> > — Anna schrieb:\n\n**Leerstand** im [Titel des Berichts](/forum/beitraege/3/) "
        "und `Code` sowie _mehr_.",
        author=author,
    )
    [hit] = _hits(cast.user("member"), "Leerstand")
    assert hit.snippet_html == (
        "— Anna schrieb: <mark>Leerstand</mark> im Titel des Berichts und Code sowie mehr."
    )


def test_search_snippet_marks_spelling_variants_of_the_query(cast, spaces, author):
    make_post(spaces.own, "Das **Co-Working** in Mölln und Dießen.", author=author)
    [hit] = _hits(cast.user("member"), "Coworking Moelln Diessen")
    assert hit.snippet_html == (
        "Das <mark>Co-Working</mark> in <mark>Mölln</mark> und <mark>Dießen</mark>."
    )


def test_search_groups_hits_per_topic_with_the_number_of_further_matches(cast, spaces, author):
    first = make_post(spaces.own, "Leerstand im Ortskern", author=author, title="Ortskern")
    replies = [
        Post.objects.create(topic=first.topic, author=author, body=f"Leerstand {n}", body_html="")
        for n in range(4)
    ]
    other = make_post(spaces.own, "Leerstand am Stadtrand", author=author, title="Stadtrand")
    hits = _hits(cast.user("member"), "Leerstand")
    assert sorted((hit.post.topic_id, hit.more) for hit in hits) == sorted(
        [(first.topic_id, 4), (other.topic_id, 0)]
    )
    within = _hits(cast.user("member"), "Leerstand", topic=first.topic)
    assert {hit.post for hit in within} == {first, *replies}
    assert all(hit.more == 0 for hit in within)


def test_search_page_shows_each_topic_once_with_a_link_to_its_further_matches(
    client, cast, spaces, author
):
    first = make_post(spaces.own, "Leerstand im Ortskern", author=author, title="Ortskern")
    for n in range(4):
        Post.objects.create(topic=first.topic, author=author, body=f"Leerstand {n}", body_html="")
    member = client_for(client, cast.user("member"))
    content = member.get(reverse("forum:search"), {"q": "Leerstand"}).content.decode()
    assert content.count('class="search-result"') == 1
    assert content.count(">Ortskern</a>") == 1
    link = f'href="/forum/suche/?q=Leerstand&amp;thema={first.topic_id}"'
    assert link in content
    assert "4 weitere Treffer" in content

    within = member.get(
        reverse("forum:search"), {"q": "Leerstand", "thema": first.topic_id}
    ).content.decode()
    assert within.count('class="search-result"') == 5
    assert "Nur im Thema „Ortskern“." in within


def test_search_page_pages_through_topics_not_posts(client, cast, spaces, author):
    posts = [
        make_post(spaces.own, "Leerstand", author=author, title=f"Thema {n}") for n in range(23)
    ]
    for post in posts:
        Post.objects.create(topic=post.topic, author=author, body="Leerstand", body_html="")
    member = client_for(client, cast.user("member"))
    first = member.get(reverse("forum:search"), {"q": "Leerstand"}).content.decode()
    second = member.get(reverse("forum:search"), {"q": "Leerstand", "seite": 2}).content.decode()
    assert first.count('class="search-result"') == 20
    assert second.count('class="search-result"') == 3
    assert "Treffer in 23 Themen" in first
    assert "Seite 1 von 2" in first
    assert 'href="?q=Leerstand&amp;seite=2"' in first
    titles = set(re.findall(r">(Thema \d+)</a>", first + second))
    assert len(titles) == 23


def test_search_within_a_topic_the_reader_may_not_read_searches_everywhere(
    client, cast, spaces, author
):
    hidden = make_post(spaces.other, "Leerstand", author=author, title="Fremd")
    make_post(spaces.own, "Leerstand", author=author, title="Eigen")
    member = client_for(client, cast.user("member"))
    content = member.get(
        reverse("forum:search"), {"q": "Leerstand", "thema": hidden.topic_id}
    ).content.decode()
    assert "Fremd" not in content
    assert ">Eigen</a>" in content


VARIANTS = [
    ("Co-Working im Rathaus", "Coworking"),
    ("Coworking im Rathaus", "Co-Working"),
    ("Ein Coworking-Space im Rathaus", "Coworking"),
    ("Ein Coworking-Space im Rathaus", "Coworkingspace"),
    ("Ein Co-Working-Space im Rathaus", "Coworking"),
    ("Ein Co-Working-Space im Rathaus", "Workingspace"),
    ("Treffen in Mölln", "Moelln"),
    ("Treffen in Moelln", "Mölln"),
    ("Treffen in Dießen", "Diessen"),
    ("Treffen in Diessen", "Dießen"),
    ("Die Kleinstädte", "Kleinstaedte"),
    ("Ein Café am Markt", "Cafe"),
]


@pytest.mark.parametrize(("body", "query"), VARIANTS)
def test_search_finds_hyphenation_and_spelling_variants(cast, spaces, author, body, query):
    post = make_post(spaces.own, body, author=author)
    assert [hit.post for hit in _hits(cast.user("member"), query)] == [post]


@pytest.mark.parametrize(("title", "query"), [("Co-Working in Mölln", "Coworking Moelln")])
def test_search_finds_spelling_variants_in_topic_titles(cast, spaces, author, title, query):
    post = make_post(spaces.own, "Wer war dabei?", author=author, title=title)
    assert [hit.post for hit in _hits(cast.user("member"), query)] == [post]


def test_search_variants_keep_inflections_apart_from_umlaut_spellings(cast, spaces, author):
    """ "ue" folds to "u" only after a consonant: "neue" and "neuen" still share a stem."""
    post = make_post(spaces.own, "Wir suchen neuen Mut.", author=author)
    assert [hit.post for hit in _hits(cast.user("member"), "neue Mut")] == [post]
