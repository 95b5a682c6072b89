"""Finding and replacing a person's name, username, addresses and @mentions in stored text and
JSON, for the erasure of their account (``forum.privacy.erasure``) and the sections other apps
register for it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast

# Stored text, not translated per reader: it replaces a name inside text written in German.
FORMER_MEMBER_NAME = "ehemaliges Mitglied"
MENTION_MARKER = "@ehemaliges-Mitglied"
# Names shorter than this are not replaced inside free text (they would hit ordinary words).
MIN_SCRUBBED_LENGTH = 3


def _name_pattern(name: str) -> re.Pattern:
    # Whole names only: erasing "Person 5" leaves "Person 50" alone.
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", flags=re.IGNORECASE)


def names_in(text: str, names: Iterable[str]) -> bool:
    return any(
        _name_pattern(name).search(text) for name in names if len(name) >= MIN_SCRUBBED_LENGTH
    )


def scrub_names(text: str, names: Iterable[str]) -> str:
    for name in sorted(names, key=len, reverse=True):
        if len(name) >= MIN_SCRUBBED_LENGTH:
            text = _name_pattern(name).sub(FORMER_MEMBER_NAME, text)
    return text


def scrub_json(value: Any, names: Iterable[str]) -> Any:
    """A JSON value with the names replaced in every string inside it."""
    if isinstance(value, str):
        return scrub_names(value, names)
    if isinstance(value, list):
        return [scrub_json(item, names) for item in value]
    if isinstance(value, dict):
        return {key: scrub_json(item, names) for key, item in value.items()}
    return value


def rows_mentioning(queryset: models.QuerySet, field_name: str, names: Iterable[str]):
    """Rows whose text or JSON column ``field_name`` contains one of ``names`` (in JSON also
    as escaped by the encoder, "M\\u00fcller")."""
    condition = Q()
    for name in names:
        for form in {name, json.dumps(name)[1:-1]}:
            condition |= Q(_erasure_text__icontains=form)
    if not condition:
        return queryset.none()
    return queryset.annotate(_erasure_text=Cast(field_name, TextField())).filter(condition)


def mention_pattern(username: str) -> re.Pattern:
    # The handle as forum.markdown reads it: not inside an address, not followed by more of
    # a handle ("@anna" is not in "@anna.berger", but is in "@anna.").
    return re.compile(
        rf"(?<![\w.+\-@/])@{re.escape(username)}(?![\w@-])(?!\.\w)", flags=re.IGNORECASE
    )


def replace_mentions(text: str, username: str) -> str:
    """``text`` with every @mention of ``username`` replaced by "@ehemaliges-Mitglied"."""
    return mention_pattern(username).sub(MENTION_MARKER, text)
