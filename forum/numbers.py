"""Numbers typed or sent by people: ids and page numbers in query strings, POST bodies and forms.

Python's ``int()`` accepts far more than a browser ever sends: superscripts fail only halfway
(``"²".isdigit()`` is true, ``int("²")`` raises), other scripts' digits ("٣", full-width "１２")
silently become numbers, and values beyond a 64-bit integer overflow the database driver. Every
number from user input goes through here instead: ASCII digits only, within the range of a
signed 64-bit integer; anything else is "no number", never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1  # the largest value of a (big) integer column
_ASCII_NUMBER = re.compile(r"-?[0-9]{1,19}")
_ASCII_DIGITS = re.compile(r"-?[0-9]+")


def parse_number(value: Any, default: int | None = None) -> int | None:
    """``value`` as an int if it is an ASCII-digit number (optional leading minus) within the
    signed 64-bit range, else ``default``."""
    if not isinstance(value, str) or not _ASCII_NUMBER.fullmatch(value):
        return default
    number = int(value)
    return number if -MAX_ID - 1 <= number <= MAX_ID else default


def parse_id(value: Any, default: int | None = None) -> int | None:
    """A positive id or page number from user input, else ``default``."""
    number = parse_number(value)
    return number if number is not None and number >= 1 else default


def parse_ids(values: list[Any]) -> list[int]:
    """The valid ids among ``values`` (e.g. ``request.POST.getlist(...)``), in order."""
    return [number for value in values if (number := parse_id(value)) is not None]


def page_number(query: Mapping[str, Any]) -> int:
    """The page asked for with ``?seite=``; page 1 for anything that is not a page number."""
    return parse_id(query.get("seite"), default=1)


class NumberField(forms.IntegerField):
    """An ``IntegerField`` that takes ASCII digits only and never leaves the 64-bit range."""

    default_error_messages = {
        "invalid": _("Bitte geben Sie eine ganze Zahl in Ziffern (0–9) ein."),
        "out_of_range": _("Diese Zahl liegt außerhalb des erlaubten Bereichs."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", -MAX_ID - 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        number = parse_number(text)
        if number is None:
            code = "out_of_range" if _ASCII_DIGITS.fullmatch(text) else "invalid"
            raise ValidationError(self.error_messages[code], code=code)
        return number


def _has_integer_key(field: forms.ModelChoiceField) -> bool:
    """Whether the field's choices are looked up by an integer column (the pk, usually; a
    Wagtail page's pk is its link to ``Page``, which is followed to the integer it holds)."""
    meta = field.queryset.model._meta
    key = meta.get_field(field.to_field_name) if field.to_field_name else meta.pk
    while key.is_relation:
        key = key.target_field
    return isinstance(key, models.IntegerField)


class IdChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` over integer keys: only a positive ASCII id reaches the database."""

    def to_python(self, value: Any) -> Any:
        if (
            value not in self.empty_values
            and not isinstance(value, self.queryset.model)
            and _has_integer_key(self)
            and parse_id(str(value)) is None
        ):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ``ModelMultipleChoiceField`` over integer keys: every value must be a positive ASCII id
    (otherwise ``"１２"`` would select object 12 and ``"1" + "0" * 30`` crash the lookup)."""

    def _check_values(self, value: Any) -> Any:
        if isinstance(value, list | tuple) and _has_integer_key(self):
            for pk in value:
                if parse_id(str(pk)) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)
