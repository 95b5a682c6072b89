"""Full-text search over forum posts, filtered by the same access rule as every other read.

Both sides of a match are folded first (``fold``): lower case, umlauts and "ae"/"oe"/"ue" after a
consonant to the plain vowel, "ß" to "ss", accents dropped, and hyphens between letters removed
from the query, so "Moelln" finds "Mölln", "Diessen" "Dießen" and "Coworking" "Co-Working". On
PostgreSQL body and topic title are matched with the German configuration over
``forum_search_document`` (migration 0015: the folded text plus each hyphenated word joined, so
its parts match as well as the whole), stored in generated columns (``forum_post.search_vector``,
``forum_topic.search_title``: migration 0017); elsewhere (SQLite in development and tests) every
word must be contained in the folded body or title, which also finds compounds.

Hits are grouped per topic: each topic appears once, with its best post and the number of further
matches; ``topic=`` lists the matches within one topic. Snippets are the post's plain text (no
Markdown) around the first match, escaped, with the matched words in ``<mark>``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload

from django.db import connection
from django.db.models import Count, F, FloatField, Func, Q, QuerySet, TextField, Value, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

from . import rules as policy
from . import selectors
from .markdown import render_plain_text
from .models import Post, Space, Topic

SEARCH_CONFIG = "german"
MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
SNIPPET_LENGTH = 200
SNIPPET_LEAD = 60
# Newest matches per readable space that are ranked (and as many topics matching by title); an
# admin, who reads every space, gets one branch over all posts with this bound.
CANDIDATES_PER_SPACE = 200
_TSQUERY = "websearch_to_tsquery('german'::regconfig, %s)"
# One branch per readable space ({space} is a condition on the space, or nothing for all).
_BODY_MATCHES = """(
    SELECT id FROM forum_post
    WHERE {space} search_vector @@ websearch_to_tsquery('german'::regconfig, %s)
      AND deleted_at IS NULL AND hidden_at IS NULL
    ORDER BY id DESC LIMIT %s)"""
_TITLE_MATCHES = """(
    SELECT first.id FROM unnest(%s::bigint[]) AS readable (id), LATERAL (
        SELECT topic.id FROM forum_topic topic
        WHERE topic.space_id = readable.id
          AND topic.search_title @@ websearch_to_tsquery('german'::regconfig, %s)
        ORDER BY topic.id DESC LIMIT %s
    ) titled, LATERAL (
        SELECT post.id FROM forum_post post
        WHERE post.topic_id = titled.id AND post.deleted_at IS NULL AND post.hidden_at IS NULL
        ORDER BY post.id LIMIT 1
    ) first)"""
# Within one topic: its posts, newest first, and the topic itself if its title matches.
_TOPIC_MATCHES = """(
    SELECT id FROM forum_post
    WHERE topic_id = %s AND search_space_id = %s
      AND search_vector @@ websearch_to_tsquery('german'::regconfig, %s)
      AND deleted_at IS NULL AND hidden_at IS NULL
    ORDER BY id DESC LIMIT %s)
    UNION ALL (
    SELECT post.id FROM forum_topic topic JOIN forum_post post ON post.topic_id = topic.id
    WHERE topic.id = %s
      AND topic.search_title @@ websearch_to_tsquery('german'::regconfig, %s)
      AND post.deleted_at IS NULL AND post.hidden_at IS NULL
    ORDER BY post.id LIMIT 1)"""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same folding as the SQL function forum_search_fold of migration 0015.
_FOLD_TABLE = str.maketrans("äöüáàâéèêëíìîïóòôúùûçñ", "aouaaaeeeeiiiiooouuucn")
_DIGRAPH = re.compile(r"(^|[^aeiouyq])([aou])e")
_INNER_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
_WORD = re.compile(r"\w+(?:-\w+)*")
# Endings a German word may carry beyond its stem; matched words are marked by their stem.
_ENDINGS = ("ern", "em", "en", "er", "es", "e", "n", "s")


def fold(text: str) -> str:
    """``text`` as search compares it: see the module's docstring."""
    text = unicodedata.normalize("NFC", text).lower().replace("ß", "ss").translate(_FOLD_TABLE)
    return _DIGRAPH.sub(r"\1\2", text)


@dataclass(frozen=True)
class SearchHit:
    post: Post  # with topic, topic.space (+ consortium) and author.profile loaded
    snippet_html: str  # escaped text; only <mark>…</mark> around matches is markup
    more: int = 0  # further matching posts of the same topic (grouped results only)


class SearchResults(Sequence[SearchHit]):
    """Ranked hits, loaded a slice at a time (so Django's Paginator can page through them)."""

    def __init__(self, matches: list[tuple[int, int]], query: str) -> None:
        self._matches = matches  # (post id, further matches in its topic), best first
        self._query = query

    def __len__(self) -> int:
        return len(self._matches)

    @overload
    def __getitem__(self, index: int) -> SearchHit: ...

    @overload
    def __getitem__(self, index: slice) -> list[SearchHit]: ...

    def __getitem__(self, index: int | slice) -> SearchHit | list[SearchHit]:
        if isinstance(index, int):
            return self[index : index + 1 or None][0]
        matches = self._matches[index]
        posts = Post.objects.select_related("topic__space__consortium", "author__profile").in_bulk(
            [pk for pk, _more in matches]
        )
        terms = _highlight_terms(self._query)
        return [
            SearchHit(post=posts[pk], snippet_html=_snippet(posts[pk].body, terms), more=more)
            for pk, more in matches
            if pk in posts
        ]


def searchable_posts(user: Any) -> QuerySet[Post]:
    """Posts ``user`` may read that are neither deleted nor hidden, via the membership join."""
    return Post.objects.filter(
        selectors.readable_spaces_q(user, "topic__space__"),
        deleted_at__isnull=True,
        hidden_at__isnull=True,
    )


def search(
    user: Any,
    query: str,
    *,
    space: Space | None = None,
    consortium: Any = None,
    topic: Topic | None = None,
) -> SearchResults:
    """Readable posts whose body or topic title match ``query``, best first: one per topic (its
    best post, with the number of further matches), or with ``topic`` every match in it.

    An empty query, one longer than ``MAX_QUERY_LENGTH`` or one without a word of two or more
    characters gives no hits, without touching the database. Odd input (quotes, operators,
    control characters) never raises.
    """
    query = _clean(query)
    if len(query) > MAX_QUERY_LENGTH or not _words(query):
        return SearchResults([], query)
    posts = searchable_posts(user)
    if space is not None:
        posts = posts.filter(topic__space=space)
    if consortium is not None:
        posts = posts.filter(topic__space__consortium=consortium)
    if topic is not None:
        posts = posts.filter(topic=topic)
    if connection.vendor == "postgresql":
        ranked = _ranked_postgresql(
            user, posts, query, space=space, consortium=consortium, topic=topic
        )
    else:
        ranked = _ranked_fallback(posts, query)
    if ranked is None:
        return SearchResults([], query)
    best_first = [F("rank").desc(), F("created_at").desc(), F("pk").desc()]
    if topic is not None:
        matches = ranked.order_by(*best_first).values_list("pk", Value(0))
    else:
        matches = (
            ranked.annotate(
                position=Window(RowNumber(), partition_by=[F("topic_id")], order_by=best_first),
                matches=Window(Count("pk"), partition_by=[F("topic_id")]),
            )
            .filter(position=1)
            .order_by(*best_first)
            .values_list("pk", "matches")
        )
    return SearchResults([(pk, max(0, count - 1)) for pk, count in matches], query)


def _clean(query: Any) -> str:
    """The query as text with control characters (NUL …) replaced by spaces."""
    if not isinstance(query, str):
        return ""
    return "".join(" " if unicodedata.category(char) == "Cc" else char for char in query).strip()


def _folded_query(query: str) -> str:
    """The query folded like the documents; a leading "-" (not) stays."""
    return _INNER_HYPHEN.sub("", fold(query))


def _ranked_postgresql(
    user: Any,
    posts: QuerySet[Post],
    query: str,
    *,
    space: Any,
    consortium: Any,
    topic: Any,
) -> QuerySet[Post] | None:
    # The spaces come first: the policy's query picks the readable spaces, and only their posts
    # are matched, each space in a branch of its own that stops after CANDIDATES_PER_SPACE
    # matches, so ranking sees a bounded set whatever the size of the forum. With the space and
    # the words as constants PostgreSQL estimates each branch from the columns' statistics: a
    # rare word goes through the GIN index on (space, stored vector), a common one walks the
    # space's newest posts backwards. A topic whose title matches contributes its first post.
    # Migrations 0012 and 0015 keep the columns and indexes.
    query = _folded_query(query)
    spaces = selectors.spaces_visible_to(user).order_by()
    if space is not None:
        spaces = spaces.filter(pk=space.pk)
    if consortium is not None:
        spaces = spaces.filter(consortium=consortium)
    if topic is not None:
        spaces = spaces.filter(pk=topic.space_id)
    space_ids = list(spaces.values_list("pk", flat=True))
    if not space_ids:
        return None
    if topic is not None:
        branches = _TOPIC_MATCHES
        params: tuple[Any, ...] = (
            topic.pk,
            topic.space_id,
            query,
            CANDIDATES_PER_SPACE,
            topic.pk,
            query,
        )
    elif policy.is_admin(user) and space is None and consortium is None:
        branches = " UNION ALL ".join([_BODY_MATCHES.format(space=""), _TITLE_MATCHES])
        params = (query, CANDIDATES_PER_SPACE, space_ids, query, CANDIDATES_PER_SPACE)
    else:
        body = [_BODY_MATCHES.format(space="search_space_id = %s AND")] * len(space_ids)
        branches = " UNION ALL ".join([*body, _TITLE_MATCHES])
        params = (
            *(value for pk in space_ids for value in (pk, query, CANDIDATES_PER_SPACE)),
            space_ids,
            query,
            CANDIDATES_PER_SPACE,
        )
    # Only the constant branches above are joined in; every value is a parameter.
    candidates = RawSQL(f"SELECT DISTINCT id FROM ({branches}) candidate", params)  # noqa: S608,S611
    # Weighted as before: title words (A) above body words (B). The annotation of the title
    # joins forum_topic under its own name.
    rank = RawSQL(  # noqa: S611
        f"""ts_rank(
            setweight(forum_topic.search_title, 'A')
            || setweight(forum_post.search_vector, 'B'), {_TSQUERY})""",
        (query,),
        output_field=FloatField(),
    )
    return (
        posts.filter(pk__in=candidates).annotate(topic_title=F("topic__title")).annotate(rank=rank)
    )


def _escape(text: str) -> str:
    """HTML-escaped text without control characters."""
    return html.escape(_CONTROL.sub("", text))


def _words(query: str) -> list[str]:
    """Up to ``MAX_WORDS`` distinct words of two or more characters, surrounding quotes removed."""
    words: list[str] = []
    seen: set[str] = set()
    for raw in query.split():
        word = raw.strip("\"'")
        if len(word) < 2 or word.casefold() in seen:
            continue
        seen.add(word.casefold())
        words.append(word)
        if len(words) == MAX_WORDS:
            break
    return words


class _Folded(Func):
    """forum_search_fold(): registered on SQLite connections by ForumConfig."""

    function = "forum_search_fold"
    output_field = TextField()


def fold_joined(value: str | None) -> str | None:
    """The folded text with hyphenated words joined (the SQLite function forum_search_fold)."""
    return None if value is None else _INNER_HYPHEN.sub("", fold(value))


def spelling_variants(text: str) -> str:
    """The words of ``text`` folded, each hyphenated word also as every run of two or more of
    its parts joined: what a word index (the site search's) holds besides the text itself so
    that a query word's ``fold_joined`` form finds it."""
    words: dict[str, None] = {}
    for match in _WORD.finditer(fold(text)):
        parts = match.group().split("-")
        words.update(dict.fromkeys(parts))
        for first in range(len(parts) - 1):
            for last in range(first + 2, len(parts) + 1):
                words["".join(parts[first:last])] = None
    return " ".join(words)


def _ranked_fallback(posts: QuerySet[Post], query: str) -> QuerySet[Post]:
    posts = posts.alias(folded_body=_Folded("body"), folded_title=_Folded("topic__title"))
    for word in _words(query):
        folded = fold_joined(word.lstrip("-"))
        if len(folded) >= 2:
            posts = posts.filter(Q(folded_body__contains=folded) | Q(folded_title__contains=folded))
    return posts.annotate(rank=Value(0.0, output_field=FloatField()))


def stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _highlight_terms(query: str) -> list[str]:
    """Folded stems of the words to mark: not the excluded ones ("-wort") nor "or"."""
    terms = []
    for word in _words(query):
        if word.startswith("-") or word.casefold() == "or":
            continue
        term = stem(fold_joined(word.strip("\"'()")))
        if len(term) >= 2 and term not in terms:
            terms.append(term)
    return terms


def _matches(word: str, terms: list[str]) -> bool:
    """Whether ``word`` (a word of the text, maybe hyphenated) is one the query asked for."""
    whole = fold_joined(word)
    keys = [whole, *(fold(part) for part in word.split("-"))]
    return any(
        key.startswith(term) or (len(term) >= 4 and term in whole) for term in terms for key in keys
    )


def _snippet(body: str, terms: list[str]) -> str:
    """About ``SNIPPET_LENGTH`` characters of the post's plain text around the first match,
    escaped, the matching words marked."""
    text = render_plain_text(body)
    marked = [match.span() for match in _WORD.finditer(text) if _matches(match.group(), terms)]
    first = marked[0][0] if marked else 0
    start = max(0, first - SNIPPET_LEAD)
    end = min(len(text), start + SNIPPET_LENGTH)
    # Do not cut words in half where a space is near.
    if start > 0:
        space = text.find(" ", start, first if marked else end)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", max(start, end - 30), end)
        end = space if space != -1 else end
    out = []
    position = start
    for span_start, span_end in marked:
        if span_start < start or span_end > end:
            continue
        out.append(_escape(text[position:span_start]))
        out.append(f"<mark>{_escape(text[span_start:span_end])}</mark>")
        position = span_end
    out.append(_escape(text[position:end]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return prefix + "".join(out).strip() + suffix
