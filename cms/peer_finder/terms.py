"""Reading a question: its words, and the facts it names in passing.

"Co-Working im Leerstand, Stadt unter 15.000" names two Handlungsfelder and a size; "gescheitert"
asks for failures. Such hints rank matching facts higher without filtering anything out. Words
are compared folded (``forum.search.fold_joined``: umlauts, "ae"/"oe"/"ue", hyphens) and by
their stem, so "Befragungen" finds the format "Befragung" and "Coworking" "Co-Working".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from forum.search import fold_joined, stem

from ..models import Outcome

MAX_WORDS = 8
# Words that carry no topic in a question to the finder.
_STOPWORDS = """
    aber als am an auch auf aus bei bis das dass dem den der des die ein eine einem einen einer
    es fur gibt hat haben hatte ich ihr im in ist ja kann konnen man mit nach nicht noch nur
    oder ohne schon sich sie sind so uber um und uns unter vom von vor war was welche welcher
    wer wie wir wo zu zum zur gemacht stadt stadte kleinstadt kleinstadte gemeinde ort orte
    einwohner einwohnern ew etwa rund ca
"""
STOPWORDS = frozenset(_STOPWORDS.split())
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_POPULATION = re.compile(
    r"\b(unter|bis|weniger als|uber|mehr als|ab)\s+(\d{1,3}(?:[.\s]\d{3})+|\d+)(\s*000)?",
)
_FAILED = ("gescheitert", "scheitern", "fehlgeschlagen", "misserfolg", "misslungen")
_SUCCESS = ("erfolgreich", "gelungen", "erfolg")


def _key(name: str) -> list[str]:
    """The stems of a term's words, folded: what must occur in a text for the term to count."""
    return [stem(fold_joined(word)) for word in _WORD.findall(name)]


@dataclass
class Found:
    challenges: list = field(default_factory=list)
    formats: list = field(default_factory=list)


@dataclass
class Vocabulary:
    challenges: list
    formats: list

    def found_in(self, text: str) -> Found:
        folded = fold_joined(text)
        return Found(
            challenges=[term for term in self.challenges if _mentions(folded, term.name)],
            formats=[term for term in self.formats if _mentions(folded, term.name)],
        )


def _mentions(folded_text: str, name: str) -> bool:
    stems = _key(name)
    return bool(stems) and all(len(stem) >= 3 and stem in folded_text for stem in stems)


@dataclass
class Question:
    text: str
    words: list[str]  # as typed, for "im Text: …"
    stems: list[str]  # folded stems of ``words``, for matching
    challenges: list
    formats: list
    outcome: str
    population_below: int | None
    population_from: int | None

    @property
    def has_hints(self) -> bool:
        return bool(
            self.challenges
            or self.formats
            or self.outcome
            or self.population_below
            or self.population_from
        )


def _population(folded: str) -> tuple[int | None, int | None]:
    below = above = None
    for match in _POPULATION.finditer(folded):
        word, number, thousands = match.groups()
        value = int(re.sub(r"\D", "", number)) * (1000 if thousands else 1)
        if value < 1000:  # "unter 15" means thousands in this context
            value *= 1000
        if word in ("unter", "bis", "weniger als"):
            below = value
        else:
            above = value
    return below, above


def read_question(text: str, vocabulary: Vocabulary) -> Question:
    folded = fold_joined(text)
    words: list[str] = []
    stems: list[str] = []
    for word in _WORD.findall(text):
        base = stem(fold_joined(word))
        if len(base) < 2 or base in STOPWORDS or fold_joined(word) in STOPWORDS:
            continue
        if base.isdigit() or base in stems:
            continue
        words.append(word)
        stems.append(base)
        if len(words) == MAX_WORDS:
            break
    found = vocabulary.found_in(text)
    outcome = ""
    if any(word in folded for word in _FAILED):
        outcome = Outcome.FAILED
    elif any(re.search(rf"\b{word}\b", folded) for word in _SUCCESS):
        outcome = Outcome.SUCCESS
    below, above = _population(folded)
    return Question(
        text=text,
        words=words,
        stems=stems,
        challenges=found.challenges,
        formats=found.formats,
        outcome=outcome,
        population_below=below,
        population_from=above,
    )
