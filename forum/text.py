"""Names and titles people type: the one rule for what is accepted, and how it is tidied.

A name or title must show something: text made only of zero-width spaces, soft hyphens, word
joiners, Hangul fillers and the like gives invisible rows and empty headings. And it must not
carry the Unicode controls that embed, override or isolate the writing direction (U+202A–U+202E,
U+2066–U+2069): with them "Julia \u202eevil" renders as "Julia live". The marks U+200E, U+200F and
U+061C stay allowed inside text: they only nudge neutral characters such as punctuation in
Arabic or Hebrew names and cannot reverse letters; at either end they are trimmed like other
invisible characters.

Tidying: Unicode NFC, invisible characters and white space trimmed at both ends (a variation
selector or tag character right after a visible character belongs to it, as in "❤️" or a
regional flag), and for a single line every run of white space made one space.

``clean_line``/``clean_text`` are for services, ``LineFormField``/``TextBlockFormField`` for forms
and ``VisibleTextModel`` for models, so Wagtail's admin forms apply the rule too.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

INVISIBLE_MESSAGE = _("Bitte geben Sie sichtbaren Text ein.")
BIDI_MESSAGE = _("Steuerzeichen für die Schreibrichtung sind nicht erlaubt.")

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Categories that never show a glyph: controls, format characters (zero-width space, soft
# hyphen, word joiner, byte order mark, direction marks …) and separators (spaces, line breaks).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
# Letters and marks that render as nothing although their category says otherwise.
_BLANK_CHARACTERS = frozenset(
    "\u034f"  # combining grapheme joiner
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers
    "\u17b4\u17b5"  # Khmer inherent vowels
    "\u180b\u180c\u180d\u180f"  # Mongolian variation selectors
    "\u2800"  # Braille pattern blank
)


def _extends_previous(char: str) -> bool:
    """Variation selectors and tag characters: invisible, but part of the character before."""
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0xE0020 <= code <= 0xE007F


def is_invisible(char: str) -> bool:
    """Whether ``char`` shows nothing on its own."""
    return (
        unicodedata.category(char) in _INVISIBLE_CATEGORIES
        or char in _BLANK_CHARACTERS
        or _extends_previous(char)
    )


def _trim(value: str) -> str:
    start, end = 0, len(value)
    while start < end and is_invisible(value[start]):
        start += 1
    while end > start:
        char = value[end - 1]
        if _extends_previous(char):
            head = end - 1
            while head > start and _extends_previous(value[head - 1]):
                head -= 1
            if head > start and not is_invisible(value[head - 1]):
                break
            end = head
        elif is_invisible(char):
            end -= 1
        else:
            break
    return value[start:end]


def _check(value: str) -> None:
    """Raise ``ValidationError`` if ``value`` carries direction controls, or is not empty but
    has no visible character."""
    if any(char in BIDI_CONTROLS for char in value):
        raise ValidationError(BIDI_MESSAGE, code="bidi_control")
    require_visible(value)


def require_visible(value: str, *, field: str | None = None) -> None:
    """Only the visibility part of the rule, for free text such as a post: raise
    ``ValidationError`` (naming ``field`` if given) if ``value`` is not empty but shows nothing."""
    if value and all(is_invisible(char) for char in value):
        error = ValidationError(INVISIBLE_MESSAGE, code="invisible")
        raise ValidationError({field: error}) if field else error


def normalise_line(value: str) -> str:
    return _trim(" ".join(unicodedata.normalize("NFC", value).split()))


def normalise_text(value: str) -> str:
    lines = unicodedata.normalize("NFC", value).replace("\r\n", "\n").split("\n")
    return _trim("\n".join(line.rstrip() for line in lines))


def _cleaned(value: Any, normalise: Any, field: str | None) -> str:
    value = "" if value is None else str(value)
    try:
        _check(value)
    except ValidationError as error:
        if field is None:
            raise
        raise ValidationError({field: error}) from None
    return normalise(value)


def clean_line(value: Any, *, field: str | None = None) -> str:
    """A single-line name or title, checked and tidied; the ``ValidationError`` names ``field``
    when given (as services report errors)."""
    return _cleaned(value, normalise_line, field)


def clean_text(value: Any, *, field: str | None = None) -> str:
    """Like ``clean_line`` for text over several lines (an idea card, an address)."""
    return _cleaned(value, normalise_text, field)


# --- forms -------------------------------------------------------------------------------------


class LineFormField(forms.CharField):
    """A form field for a name or title: refuses what ``clean_line`` refuses, returns it tidied.

    The form shows the refused value as typed, with the message next to the field."""

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return clean_line(value) if value not in self.empty_values else value


class TextBlockFormField(forms.CharField):
    """``LineFormField`` for text over several lines."""

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return clean_text(value) if value not in self.empty_values else value


# --- models ------------------------------------------------------------------------------------


class VisibleTextModel:
    """Mixin for models with names or titles typed by people: ``full_clean`` checks and tidies
    the fields named in ``line_fields`` and ``text_block_fields``. Wagtail's snippet and page
    forms run it, so the admin shows the message next to the field; services that write
    through ``full_clean`` get it as a ``ValidationError`` naming the field."""

    line_fields: tuple[str, ...] = ()
    text_block_fields: tuple[str, ...] = ()

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        for names, tidy in ((self.line_fields, clean_line), (self.text_block_fields, clean_text)):
            for name in names:
                value = getattr(self, name)
                if not isinstance(value, str):
                    continue
                try:
                    setattr(self, name, tidy(value))
                except ValidationError as error:
                    errors[name] = error.error_list
        if errors:
            raise ValidationError(errors)


def german_interface() -> bool:
    """Whether the interface speaks German now; otherwise German content is marked lang="de"."""
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0] == "de"


class GermanChoicesSelect(forms.Select):
    """A select whose choices are German content (consortium names, themes): in another
    interface language each option says lang="de"; the empty choice ("all") is interface text."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value not in ("", None) and not german_interface():
            option["attrs"]["lang"] = "de"
        return option
