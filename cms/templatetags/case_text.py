"""Forum text inside CMS pages: quotes taken from posts are Markdown, shown rendered (through
the forum's safe renderer) or as plain text, never as raw markup."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from forum.markdown import render_markdown, render_plain_snippet

register = template.Library()


@register.filter
def markdown_html(text: str) -> SafeString:
    html, _mentions = render_markdown(text)
    return mark_safe(html)  # noqa: S308 - sanitised by the renderer's allow-list


@register.filter
def plain_excerpt(text: str, length: int = 240) -> str:
    return render_plain_snippet(text, int(length))
