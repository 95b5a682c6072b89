"""The peer finder's search: which rows the viewer may see, which match, in which order, and
why each matched.

The policy comes first and in SQL: ``entries_visible_to`` applies the same Q helpers as the
selectors of case pages and forum spaces to the table's policy columns (a test asserts that they
agree), so counts, facts and reasons are computed only over what the viewer may read.

A row matches the question when one of its words does, or when it has a Handlungsfeld or format
the question names. PostgreSQL compares words in the stored German vector (migration 0012: the
folded text with hyphenated words also joined, as ``forum.search``), as prefixes; a misspelt
name is first looked up in the vocabulary of names by trigram similarity (``pg_trgm``), and the
words found spelt like it are searched as well. Elsewhere each folded stem must be contained in
the folded title or text. The score adds two points per
question word found, the text rank, and points per matching fact; filters narrow, hints only rank.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, overload

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import ASin, Cast, Cos, Power, Radians, Sin, Sqrt
from django.utils.translation import gettext as _

from forum import selectors as forum_selectors
from forum.models import Town
from forum.search import _Folded, fold_joined

from .. import selectors
from ..models import Outcome, TownSize
from .entries import EntryKind, PeerFinderEntry, PeerFinderWord
from .terms import Question

EARTH_RADIUS_KM = 6371.0
RADII_KM = (25, 50, 100, 200)
_TSQUERY = "to_tsquery('german'::regconfig, %s)"
_LEXEME = re.compile(r"[^a-z0-9]")
SIMILAR_PER_WORD = 3


def entries_visible_to(user: Any) -> QuerySet[PeerFinderEntry]:
    """Rows ``user`` may read: case pages by ``readable_case_pages_q``, lessons by
    ``readable_spaces_q`` on their space's consortium, action modules (public) for everyone."""
    return PeerFinderEntry.objects.filter(
        (Q(kind=EntryKind.CASE) & selectors.readable_case_pages_q(user))
        | Q(kind=EntryKind.MODULE)
        | (Q(kind=EntryKind.LESSON) & forum_selectors.readable_spaces_q(user))
    )


@dataclass
class Filters:
    challenge: Any = None
    format: Any = None
    outcome: str = ""
    size: str = ""
    state: str = ""
    radius: int | None = None
    kind: str = ""

    @property
    def any(self) -> bool:
        return bool(
            self.challenge or self.format or self.outcome or self.size or self.state or self.radius
        )


@dataclass
class Viewer:
    """What of the viewer's own town the search compares with (``None`` parts: unknown)."""

    town: Town | None = None

    @property
    def band(self) -> str:
        return size_band(self.town.population) if self.town else ""

    @property
    def coordinates(self) -> tuple[float, float] | None:
        if self.town is None or self.town.latitude is None or self.town.longitude is None:
            return None
        return float(self.town.latitude), float(self.town.longitude)


def size_band(population: int) -> str:
    for band in TownSize:
        low, high = TownSize.population_range(band)
        if (low is None or population >= low) and (high is None or population < high):
            return band
    return ""


@dataclass
class Result:
    entry: PeerFinderEntry
    reasons: list[str] = field(default_factory=list)
    distance_km: float | None = None


def _population_q(band: str) -> Q:
    low, high = TownSize.population_range(band)
    condition = Q(town__isnull=False)
    if low is not None:
        condition &= Q(town__population__gte=low)
    if high is not None:
        condition &= Q(town__population__lt=high)
    return condition


def _distance_km(latitude: float, longitude: float) -> Any:
    """Haversine distance of the row's town from the point, in SQL (SQLite: Django's math
    functions)."""
    lat = Radians(Cast("town__latitude", FloatField()))
    lon = Radians(Cast("town__longitude", FloatField()))
    lat0, lon0 = math.radians(latitude), math.radians(longitude)
    half_chord = Power(Sin((lat - Value(lat0)) / 2), 2) + Value(math.cos(lat0)) * Cos(lat) * Power(
        Sin((lon - Value(lon0)) / 2), 2
    )
    return ExpressionWrapper(
        Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(half_chord)), output_field=FloatField()
    )


def _within(entries: QuerySet, coordinates: tuple[float, float], radius: int) -> QuerySet:
    """A bounding box first (plain comparisons), then the exact distance."""
    latitude, longitude = coordinates
    dlat = radius / 111.0
    dlon = radius / (111.0 * max(math.cos(math.radians(latitude)), 0.01))
    return (
        entries.filter(
            town__latitude__gte=Decimal(str(round(latitude - dlat, 6))),
            town__latitude__lte=Decimal(str(round(latitude + dlat, 6))),
            town__longitude__gte=Decimal(str(round(longitude - dlon, 6))),
            town__longitude__lte=Decimal(str(round(longitude + dlon, 6))),
        )
        .alias(distance=_distance_km(latitude, longitude))
        .filter(distance__lte=radius)
    )


def _lexeme(stem: str) -> str:
    return _LEXEME.sub("", stem)


def _fact_tokens(question: Question) -> list[str]:
    """The facts the question names as the tokens migration 0009 adds to the vector
    (``hf<id>`` per Handlungsfeld, ``fm<id>`` per format)."""
    return [f"hf{term.pk}" for term in question.challenges] + [
        f"fm{term.pk}" for term in question.formats
    ]


def _similar_words(question: Question) -> dict[str, list[str]]:
    """PostgreSQL: for each longer question word, the vocabulary's words spelt like it
    (pg_trgm word similarity), best first, at most ``SIMILAR_PER_WORD``; words its prefix
    finds anyway are left out. One query, on the vocabulary, never on the rows."""
    if connection.vendor != "postgresql":
        return {}
    shortest = PeerFinderWord.MIN_LENGTH
    lexemes = [lexeme for lexeme in map(_lexeme, question.stems) if len(lexeme) >= shortest]
    if not lexemes:
        return {}
    similar: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT asked, word FROM unnest(%s::text[]) AS asked"
            " JOIN cms_peerfinderword ON asked <%% word"
            " ORDER BY asked, word_similarity(asked, word) DESC, word",
            [lexemes],
        )
        for asked, word in cursor.fetchall():
            close = similar.setdefault(asked, [])
            if not word.startswith(asked) and len(close) < SIMILAR_PER_WORD:
                close.append(_lexeme(word))
    return {asked: words for asked, words in similar.items() if words}


def _postgresql_text(question: Question, similar: dict[str, list[str]]) -> tuple[Any, Q | None]:
    """One condition the GIN index answers: the vector holds a question word (as a prefix,
    German stems), a word of the vocabulary spelt like one, or a named fact."""
    lexemes = [lexeme for lexeme in (_lexeme(stem) for stem in question.stems) if lexeme]
    alike = [word for words in similar.values() for word in words]
    words_query = " | ".join(f"{lexeme}:*" for lexeme in [*lexemes, *alike])
    facts_query = " | ".join(_fact_tokens(question))
    if not words_query and not facts_query:
        return Value(0.0), None
    vector = "cms_peerfinderentry.search_vector"
    queries, params = [], []
    if words_query:
        queries.append(_TSQUERY)
        params.append(words_query)
    if facts_query:
        queries.append("to_tsquery('simple'::regconfig, %s)")
        params.append(facts_query)
    # Only the constant fragments above are joined in; every value is a parameter.
    condition = RawSQL(  # noqa: S611
        f"{vector} @@ ({' || '.join(queries)})", params, output_field=BooleanField()
    )
    # Two points per question word found (a row that answers more of the question first),
    # the rank between rows that found as many, a point per word found as spelt alike.
    parts = []
    score_params: list[Any] = []
    for lexeme in lexemes:
        parts.append(f"(CASE WHEN {vector} @@ {_TSQUERY} THEN 2 ELSE 0 END)")
        score_params.append(f"{lexeme}:*")
    if words_query:
        parts.append(f"5 * ts_rank({vector}, {_TSQUERY}, 1)")
        score_params.append(words_query)
    for words in similar.values():
        parts.append(f"(CASE WHEN {vector} @@ {_TSQUERY} THEN 1 ELSE 0 END)")
        score_params.append(" | ".join(f"{word}:*" for word in words))
    score = RawSQL(" + ".join(parts), score_params, output_field=FloatField()) if parts else None  # noqa: S611
    return (score if score is not None else Value(0.0)), Q(condition)


def _text_score(question: Question, similar: dict[str, list[str]]) -> tuple[Any, Q | None]:
    """The text part of the score, and the condition that some question word (or, on
    PostgreSQL, a word spelt like one or a named fact) matched; ``None`` for a question without
    either."""
    if connection.vendor == "postgresql":
        return _postgresql_text(question, similar)
    matches = [
        Q(folded_document__contains=stem) | Q(folded_title__contains=stem)
        for stem in question.stems
    ]
    if not matches:
        return Value(0.0), None
    score = sum(
        (Case(When(match, then=Value(2.0)), default=Value(0.0)) for match in matches),
        Value(0.0),
    )
    condition = Q()
    for match in matches:
        condition |= match
    return score, condition


def _points(condition: Q, points: float) -> Any:
    return Case(When(condition, then=Value(points)), default=Value(0.0))


def _fact_score(question: Question, filters: Filters, viewer: Viewer) -> tuple[list, Q | None]:
    """The fact parts of the score, and the condition that a fact named in the question matched
    (``None`` when it names none)."""
    parts: list[Any] = []
    named = Q()
    challenges = {term.pk for term in question.challenges}
    formats = {term.pk for term in question.formats}
    for pk in challenges:
        condition = Q(challenge_keys__contains=PeerFinderEntry.key(pk))
        parts.append(_points(condition, 3.0))
        named |= condition
    for pk in formats:
        condition = Q(format_keys__contains=PeerFinderEntry.key(pk))
        parts.append(_points(condition, 3.0))
        named |= condition
    if question.outcome:
        parts.append(_points(Q(outcome=question.outcome), 2.0))
    if question.outcome == Outcome.FAILED or filters.outcome == Outcome.FAILED:
        parts.append(_points(Q(outcome=Outcome.FAILED, has_outcome_notes=True), 1.0))
    if question.population_below:
        parts.append(_points(Q(town__population__lt=question.population_below), 1.0))
    if question.population_from:
        parts.append(_points(Q(town__population__gte=question.population_from), 1.0))
    if viewer.band and not filters.size:
        parts.append(_points(_population_q(viewer.band), 1.0))
    if viewer.town is not None and not filters.state:
        parts.append(_points(Q(town__state=viewer.town.state), 0.5))
    if connection.vendor == "postgresql" or not (challenges or formats):
        return parts, None  # PostgreSQL matches named facts with the words (_postgresql_text)
    return parts, named


def _matching(
    user: Any,
    question: Question,
    filters: Filters,
    viewer: Viewer,
    similar: dict[str, list[str]],
) -> tuple[QuerySet[PeerFinderEntry], Any]:
    """The readable rows that match, without the type filter, and their score expression."""
    entries = entries_visible_to(user)
    if connection.vendor != "postgresql" and question.stems:
        entries = entries.alias(folded_document=_Folded("document"), folded_title=_Folded("title"))
    if filters.challenge is not None:
        entries = entries.filter(challenge_keys__contains=PeerFinderEntry.key(filters.challenge.pk))
    if filters.format is not None:
        entries = entries.filter(format_keys__contains=PeerFinderEntry.key(filters.format.pk))
    if filters.outcome:
        entries = entries.filter(outcome=filters.outcome)
    if filters.size:
        entries = entries.filter(_population_q(filters.size))
    if filters.state:
        entries = entries.filter(town__state=filters.state)
    coordinates = viewer.coordinates
    if filters.radius and coordinates is not None:
        entries = _within(entries, coordinates, filters.radius)
    text, found = _text_score(question, similar)
    facts, named = _fact_score(question, filters, viewer)
    wanted = [condition for condition in (found, named) if condition is not None]
    if wanted:
        either = wanted[0]
        for condition in wanted[1:]:
            either |= condition
        entries = entries.filter(either)
    score = sum(facts, text)
    if filters.radius and coordinates is not None:
        # Nearer is better within the radius: up to one point.
        score = score + Value(1.0) - F("distance") / Value(float(filters.radius))
    return entries, score


class Results(Sequence[Result]):
    """The results of the chosen type, best first, read a slice at a time (Django's Paginator
    pages through them): one query per slice, whatever the number of rows."""

    def __init__(self, rows: QuerySet, total: int, explain: Callable[[Any], Result]) -> None:
        self._rows = rows
        self._total = total
        self._explain = explain

    def __len__(self) -> int:
        return self._total

    @overload
    def __getitem__(self, index: int) -> Result: ...

    @overload
    def __getitem__(self, index: slice) -> list[Result]: ...

    def __getitem__(self, index: int | slice) -> Result | list[Result]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        return [self._explain(row) for row in self._rows[index]]


@dataclass
class Findings:
    counts: dict[str, int]
    results: Results


def find(user: Any, question: Question, filters: Filters, viewer: Viewer) -> Findings:
    """Counts per type over everything that matches (never more than ``user`` may read; one
    query), and the results of the chosen type with their reasons (one query per page); on
    PostgreSQL one more for the words spelt like the question's."""
    similar = _similar_words(question)
    entries, score = _matching(user, question, filters, viewer, similar)
    counts = dict.fromkeys(EntryKind.values, 0)
    for kind, number in entries.values_list("kind").annotate(number=Count("pk")).order_by():
        counts[kind] = number
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
        total = counts.get(filters.kind, 0)
    else:
        total = sum(counts.values())
    rows = (
        entries.annotate(score=score)
        .select_related("town", "space")
        .order_by("-score", "kind", "title", "pk")
    )
    return Findings(
        counts=counts,
        results=Results(rows, total, lambda row: _explain(row, question, filters, viewer, similar)),
    )


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    half_chord = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(half_chord))


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _text_reasons(
    entry: PeerFinderEntry, question: Question, similar: dict[str, list[str]]
) -> list[str]:
    text = fold_joined(f"{entry.title} {entry.document}")
    pairs = list(zip(question.words, question.stems, strict=True))
    found = [word for word, stem in pairs if stem in text]
    alike = []
    if len(found) < len(question.words):
        words = set(entry.words.split()) | set(text.split())
        for word, stem in pairs:
            close = [other for other in similar.get(_lexeme(stem), []) if other in words]
            if word not in found and close:
                alike.append(f"{word} ≈ {close[0]}")
    reasons = []
    if found:
        reasons.append(_("im Text: %(words)s") % {"words": ", ".join(found)})
    if alike:
        reasons.append(_("ähnlich geschrieben: %(words)s") % {"words": ", ".join(alike)})
    return reasons


def _town_reasons(entry: PeerFinderEntry, question: Question, filters: Filters, viewer: Viewer):
    town = entry.town
    reasons = []
    if filters.size:
        reasons.append(_("Größenklasse: %(band)s") % {"band": TownSize(filters.size).label})
    elif viewer.band and size_band(town.population) == viewer.band:
        reasons.append(_("gleiche Größenklasse"))
    if question.population_below and town.population < question.population_below:
        reasons.append(
            _("unter %(number)s Einwohnern") % {"number": _number(question.population_below)}
        )
    if question.population_from and town.population >= question.population_from:
        reasons.append(
            _("ab %(number)s Einwohnern") % {"number": _number(question.population_from)}
        )
    if filters.state:
        reasons.append(_("in %(state)s") % {"state": town.get_state_display()})
    elif viewer.town is not None and town.state == viewer.town.state:
        reasons.append(_("gleiches Bundesland"))
    return reasons


def _explain(
    entry: PeerFinderEntry,
    question: Question,
    filters: Filters,
    viewer: Viewer,
    similar: dict[str, list[str]],
) -> Result:
    """Why ``entry`` matched, from its own columns and the question: nothing else is read, so a
    reason can tell only what the row (which the viewer may read) holds."""
    result = Result(entry=entry)
    reasons = result.reasons
    challenge_ids = entry.key_ids("challenge_keys")
    format_ids = entry.key_ids("format_keys")
    wanted_challenges = list(question.challenges)
    if filters.challenge is not None and filters.challenge not in wanted_challenges:
        wanted_challenges.append(filters.challenge)
    wanted_formats = list(question.formats)
    if filters.format is not None and filters.format not in wanted_formats:
        wanted_formats.append(filters.format)
    for term in wanted_challenges:
        if term.pk in challenge_ids:
            reasons.append(_("Handlungsfeld %(name)s") % {"name": term.name})
    for term in wanted_formats:
        if term.pk in format_ids:
            reasons.append(_("Format %(name)s") % {"name": term.name})
    if entry.outcome == Outcome.FAILED and entry.has_outcome_notes:
        reasons.append(_("gescheitert – mit Gründen"))
    elif entry.outcome and entry.outcome in (question.outcome, filters.outcome):
        reasons.append(_("Ergebnis: %(outcome)s") % {"outcome": Outcome(entry.outcome).label})
    if entry.town is not None:
        reasons.extend(_town_reasons(entry, question, filters, viewer))
        here = viewer.coordinates
        if here is not None and entry.town.latitude is not None:
            there = (float(entry.town.latitude), float(entry.town.longitude))
            result.distance_km = _distance(here, there)
            reasons.append(_("%(km)s km entfernt") % {"km": round(result.distance_km)})
    reasons[:0] = _text_reasons(entry, question, similar)
    return result
