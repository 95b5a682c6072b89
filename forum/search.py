"""Full-text search over forum posts, filtered by the same access rule as every other read.

On PostgreSQL body and topic title are matched with the German configuration, the body through
the stored vector of migration 0012; elsewhere (SQLite in development and tests) a simple
word-by-word containment search stands in.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import connection
from django.db.models import FloatField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Replace

from . import rules as policy
from . import selectors
from .models import Post, Space

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
          AND to_tsvector('german'::regconfig, COALESCE(topic.title, ''))
              @@ websearch_to_tsquery('german'::regconfig, %s)
        ORDER BY topic.id DESC LIMIT %s
    ) titled, LATERAL (
        SELECT post.id FROM forum_post post
        WHERE post.topic_id = titled.id AND post.deleted_at IS NULL AND post.hidden_at IS NULL
        ORDER BY post.id LIMIT 1
    ) first)"""

# Control characters ts_headline is told to put around matches. The output is html-escaped and
# only these markers are turned into <mark>…</mark>, so no tag of the post text survives.
_START = "\x02"
_STOP = "\x03"
_MARKED = re.compile(f"{_START}([^{_START}{_STOP}]*){_STOP}")
# ts_headline's parser drops anything that looks like a complete HTML tag. So that the snippet
# shows the source as written (escaped), "<" is swapped for a private-use character on the way in
# and back on the way out.
_LT = "\ue000"


@dataclass(frozen=True)
class SearchHit:
    post: Post  # with topic, topic.space (+ consortium) and author.profile loaded
    snippet_html: str  # escaped text; only <mark>…</mark> around matches is markup


def searchable_posts(user: Any) -> QuerySet[Post]:
    """Posts ``user`` may read that are neither deleted nor hidden, via the membership join."""
    return Post.objects.filter(
        selectors.readable_spaces_q(user, "topic__space__"),
        deleted_at__isnull=True,
        hidden_at__isnull=True,
    )


def search_posts(
    user: Any,
    query: str,
    *,
    space: Space | None = None,
    consortium: Any = None,
    limit: int = 50,
) -> list[SearchHit]:
    """Readable posts whose body or topic title match ``query``, best first.

    An empty query, one longer than ``MAX_QUERY_LENGTH`` or one without a word of two or more
    characters gives an empty list, without touching the database. Odd input (quotes,
    operators, control characters) never raises.
    """
    query = _clean(query)
    if len(query) > MAX_QUERY_LENGTH or not _words(query) or limit <= 0:
        return []
    posts = searchable_posts(user).select_related("topic__space__consortium", "author__profile")
    if space is not None:
        posts = posts.filter(topic__space=space)
    if consortium is not None:
        posts = posts.filter(topic__space__consortium=consortium)
    if connection.vendor == "postgresql":
        return _search_postgresql(user, posts, query, limit, space=space, consortium=consortium)
    return _search_fallback(posts, query, limit)


def _clean(query: Any) -> str:
    """The query as text with control characters (NUL, our markers …) replaced by spaces."""
    if not isinstance(query, str):
        return ""
    return "".join(" " if unicodedata.category(char) == "Cc" else char for char in query).strip()


def _search_postgresql(
    user: Any, posts: QuerySet[Post], query: str, limit: int, *, space: Any, consortium: Any
) -> list[SearchHit]:
    # The spaces come first: the policy's query picks the readable spaces, and only their posts
    # are matched, each space in a branch of its own that stops after CANDIDATES_PER_SPACE
    # matches, so ranking sees a bounded set whatever the size of the forum. With the space and
    # the words as constants PostgreSQL estimates each branch from the columns' statistics: a
    # rare word goes through the GIN index on (space, stored vector), a common one walks the
    # space's newest posts backwards. A topic whose title matches contributes its first post.
    # Migration 0012 keeps the columns and indexes.
    spaces = selectors.spaces_visible_to(user).order_by()
    if space is not None:
        spaces = spaces.filter(pk=space.pk)
    if consortium is not None:
        spaces = spaces.filter(consortium=consortium)
    space_ids = list(spaces.values_list("pk", flat=True))
    if not space_ids:
        return []
    if policy.is_admin(user) and space is None and consortium is None:
        body_branches = [_BODY_MATCHES.format(space="")]
        body_params = [query, CANDIDATES_PER_SPACE]
    else:
        body_branches = [_BODY_MATCHES.format(space="search_space_id = %s AND")] * len(space_ids)
        body_params = [
            value for space_id in space_ids for value in (space_id, query, CANDIDATES_PER_SPACE)
        ]
    # Only the constant branches above are joined in; every value is a parameter.
    branches = " UNION ALL ".join([*body_branches, _TITLE_MATCHES])
    candidates = RawSQL(  # noqa: S611
        f"SELECT DISTINCT id FROM ({branches}) candidate",  # noqa: S608
        (*body_params, space_ids, query, CANDIDATES_PER_SPACE),
    )
    # Weighted as before: title words (A) above body words (B).
    rank = RawSQL(  # noqa: S611
        f"""ts_rank(
            setweight(to_tsvector('german'::regconfig, COALESCE(forum_topic.title, '')), 'A')
            || setweight(forum_post.search_vector, 'B'), {_TSQUERY})""",
        (query,),
        output_field=FloatField(),
    )
    search_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    rows = (
        posts.filter(pk__in=candidates)
        .annotate(
            rank=rank,
            headline=SearchHeadline(
                Replace("body", Value("<"), Value(_LT)),
                search_query,
                config=SEARCH_CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=30,
                min_words=10,
            ),
        )
        .order_by("-rank", "-created_at", "-pk")[:limit]
    )
    return [SearchHit(post=post, snippet_html=_headline_to_html(post.headline)) for post in rows]


def _headline_to_html(headline: str | None) -> str:
    """Escape the headline; only complete marker pairs become <mark>…</mark>."""
    headline = headline or ""
    out = []
    position = 0
    for match in _MARKED.finditer(headline):
        out.append(_escape(headline[position : match.start()].replace(_LT, "<")))
        out.append(f"<mark>{_escape(match.group(1).replace(_LT, '<'))}</mark>")
        position = match.end()
    out.append(_escape(headline[position:].replace(_LT, "<")))
    return "".join(out)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _escape(text: str) -> str:
    """HTML-escaped text without control characters (so stray markers of the post text go)."""
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


def _search_fallback(posts: QuerySet[Post], query: str, limit: int) -> list[SearchHit]:
    words = _words(query)
    if not words:
        return []
    for word in words:
        posts = posts.filter(Q(body__icontains=word) | Q(topic__title__icontains=word))
    rows = posts.order_by("-created_at", "-pk")[:limit]
    return [SearchHit(post=post, snippet_html=_snippet(post.body, words)) for post in rows]


def _snippet(text: str, words: list[str]) -> str:
    """About ``SNIPPET_LENGTH`` characters around the first match, escaped, matches marked."""
    pattern = re.compile(
        "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)),
        re.IGNORECASE,
    )
    first = pattern.search(text)
    start = max(0, first.start() - SNIPPET_LEAD) if first else 0
    end = min(len(text), start + SNIPPET_LENGTH)
    # Do not cut words in half where a space is near.
    if start > 0:
        space = text.find(" ", start, first.start() if first else end)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", max(start, end - 30), end)
        end = space if space != -1 else end
    excerpt = text[start:end]
    # Matching on the raw text and escaping the pieces keeps entities like &amp; intact.
    out = []
    position = 0
    for match in pattern.finditer(excerpt):
        out.append(_escape(excerpt[position : match.start()]))
        out.append(f"<mark>{_escape(match.group())}</mark>")
        position = match.end()
    out.append(_escape(excerpt[position:]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return prefix + "".join(out).strip() + suffix
