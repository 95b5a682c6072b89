"""Marks German content (page bodies, posts, titles typed by people) inside pages of another
interface language, so that screen readers pronounce it as German."""

from django import template
from django.utils.html import format_html

from cms.models import german_interface

register = template.Library()


@register.simple_tag
def german_content():
    """` lang="de"` while the interface is not German; nothing otherwise."""
    return "" if german_interface() else format_html(' lang="{}"', "de")
