"""Marks German content (page bodies, posts, names and titles typed by people) inside pages of
another interface language, so that screen readers pronounce it as German (WCAG 3.1.2).
tests/test_content_language.py checks the main pages in English mode."""

from django import template
from django.utils.html import format_html

from ..text import german_interface

register = template.Library()


@register.simple_tag
def german_content():
    """` lang="de"` while the interface is not German; nothing otherwise. For an element that
    holds only German content (a post's body, a heading with a topic's title)."""
    return "" if german_interface() else format_html(' lang="{}"', "de")


@register.filter
def german(value):
    """The value in ``<span lang="de">`` while the interface is not German: for German content
    within interface text ("Theme: Digitale Arbeitswelten"). Not for attribute values."""
    if german_interface() or value in (None, ""):
        return value
    return format_html('<span lang="de">{}</span>', value)
