"""The Wagtail search backend of the site (``WAGTAILSEARCH_BACKENDS``): Wagtail's database
backend for the database in use, made safe for whatever people type into a search box.

SQLite's FTS5 backend wraps each word in double quotes without escaping quotes inside it, so
``a"b`` is an FTS syntax error; other odd input may trip either database's parser. The query is
cleaned first (control characters and double quotes become spaces, length is capped), and should a
database still refuse a query, the search has no results instead of failing the page. This holds
for every search through Wagtail: the site search, page listings and the admin.
"""

from __future__ import annotations

import logging
import unicodedata
from functools import cache
from typing import Any

from django.db import DataError, OperationalError, ProgrammingError, transaction
from wagtail.search.backends import database

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
QUERY_ERRORS = (DataError, OperationalError, ProgrammingError)


def clean_query(query: str) -> str:
    """``query`` without control characters or double quotes, at most ``MAX_QUERY_LENGTH`` long."""
    cleaned = "".join(
        " " if char == '"' or unicodedata.category(char) == "Cc" else char
        for char in query[:MAX_QUERY_LENGTH]
    )
    return " ".join(cleaned.split())


class _SafeResultsMixin:
    """Runs the search in a savepoint; a query the database refuses gives no results."""

    def _do_search(self) -> list[Any]:
        try:
            with transaction.atomic():
                return super()._do_search()
        except QUERY_ERRORS:
            logger.warning("Search query refused by the database", exc_info=True)
            return []

    def _do_count(self) -> int:
        try:
            with transaction.atomic():
                return super()._do_count()
        except QUERY_ERRORS:
            logger.warning("Search query refused by the database", exc_info=True)
            return 0


class _SafeQueryMixin:
    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        if isinstance(query, str):
            query = clean_query(query)
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)


@cache
def _safe_backend_class(backend_class: type) -> type:
    results_class = type(
        f"Safe{backend_class.results_class.__name__}",
        (_SafeResultsMixin, backend_class.results_class),
        {},
    )
    return type(
        f"Safe{backend_class.__name__}",
        (_SafeQueryMixin, backend_class),
        {"results_class": results_class},
    )


def SearchBackend(params: dict[str, Any]) -> Any:  # noqa: N802 - the name Wagtail looks up
    """Wagtail's database backend for the current database, hardened as described above."""
    backend_class = type(database.SearchBackend(params))
    return _safe_backend_class(backend_class)(params)
