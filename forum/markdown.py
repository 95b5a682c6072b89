"""Forum post Markdown → safe HTML.

This module is the single place where user-authored Markdown becomes HTML. Two layers:

1. markdown-it-py in CommonMark mode with raw HTML disabled (``html=False``): any HTML the
   user types is rendered as escaped text. Tables and strikethrough are enabled.
2. The rendered HTML is *always* passed through nh3 with a strict allow-list, so even a bug
   or a future plugin in layer 1 cannot emit scripts, event handlers or dangerous URLs.

Heading mapping: forum posts live inside a page that owns its h1/h2, so Markdown heading
levels are shifted down by two and capped at h4 (``#`` → h3, ``##`` and deeper → h4).

Images are never rendered (no third-party hosts, no tracking pixels): an image becomes its
alt text as plain text.

Mentions (``@handle``) are resolved by a core rule on text tokens, so code spans, code blocks
and link text are skipped structurally rather than by regex over HTML.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

__all__ = [
    "ALLOWED_TAGS",
    "Mention",
    "render_markdown",
    "render_plain_snippet",
    "render_plain_text",
]


@dataclass(frozen=True)
class Mention:
    handle: str  # as typed after "@"
    url: str  # profile URL
    label: str  # display name to show


MentionResolver = Callable[[str], Mention | None]

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "del",
        "s",
        "ul",
        "ol",
        "li",
        "a",
        "code",
        "pre",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "h3",
        "h4",
        "hr",
    }
)

# Upper bound of distinct handles resolved per post: each resolution may hit the database,
# and a post full of "@a @b @c ..." must not turn into thousands of queries.
MAX_RESOLVED_HANDLES = 50

_ENV_RESOLVER = "forum_resolve_mention"
_ENV_MENTIONS = "forum_mentions"
_ENV_CACHE = "forum_mention_cache"

# "@" must not follow a word char or e-mail/URL characters ("anna@example.org", "/@anna");
# the handle run is taken possessively, then must not continue with "@" or a non-ASCII
# letter (so "@anna@example.org" and "@annaé" are not mentions).
_MENTION_RE = re.compile(r"(?<![\w.+\-@/])@([A-Za-z0-9._-]++)(?![\w@])")
_HANDLE_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_MENTION_BLOCKING_PREV = re.compile(r"[\w.+\-@/]")

_LANGUAGE_CLASS_RE = re.compile(r"language-[a-z0-9]+")
_TEXT_ALIGN_RE = re.compile(r"text-align:(left|center|right)")
# Lone surrogates cannot be encoded to UTF-8 and would make nh3 (Rust) raise; NUL is replaced
# the way markdown-it does, so resolver-supplied labels behave like Markdown input.
_SURROGATES_RE = re.compile(r"[\ud800-\udfff]")
_UNSAFE_CHARS_RE = re.compile(r"[\x00\ud800-\udfff]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _mention_rule(state: StateCore) -> None:
    resolver: MentionResolver | None = state.env.get(_ENV_RESOLVER)
    if resolver is None:
        return
    for block_token in state.tokens:
        if block_token.type == "inline" and block_token.children:
            block_token.children = _expand_mentions(block_token.children, resolver, state.env)


def _expand_mentions(
    children: list[Token], resolver: MentionResolver, env: dict[str, Any]
) -> list[Token]:
    result: list[Token] = []
    link_depth = 0
    prev: Token | None = None
    for token in children:
        if token.type == "link_open":
            link_depth += 1
        elif token.type == "link_close":
            link_depth = max(0, link_depth - 1)
        # Only plain text outside links; code_inline and image alt are separate token types.
        if token.type == "text" and link_depth == 0 and "@" in token.content:
            prev_char = ""
            if prev is not None and prev.type in ("text", "text_special") and prev.content:
                prev_char = prev.content[-1]
            result.extend(_split_text_token(token, prev_char, resolver, env))
        else:
            result.append(token)
        prev = token
    return result


def _split_text_token(
    token: Token, prev_char: str, resolver: MentionResolver, env: dict[str, Any]
) -> list[Token]:
    text = token.content
    out: list[Token] = []
    pos = 0
    for match in _MENTION_RE.finditer(text):
        start = match.start()
        # The lookbehind cannot see the previous token (e.g. "x\_@anna" splits there).
        if start == 0 and prev_char and _MENTION_BLOCKING_PREV.match(prev_char):
            continue
        run = match.group(1)
        handle = run.rstrip("._-")
        if not _HANDLE_RE.fullmatch(handle):
            continue
        mention = _resolve(handle, resolver, env)
        if mention is None:
            continue
        if start > pos:
            out.append(_text_token(text[pos:start], token))
        link_open = Token("link_open", "a", 1)
        link_open.attrs = {"href": mention.url, "class": "mention"}
        link_open.markup = "mention"
        out.append(link_open)
        # Text tokens are HTML-escaped by the renderer, which escapes the label.
        out.append(_text_token("@" + mention.label, token))
        out.append(Token("link_close", "a", -1))
        pos = start + 1 + len(handle)
    if not out:
        return [token]
    if pos < len(text):
        out.append(_text_token(text[pos:], token))
    return out


def _text_token(content: str, template: Token) -> Token:
    token = Token("text", "", 0)
    token.content = content
    token.level = template.level
    return token


def _resolve(handle: str, resolver: MentionResolver, env: dict[str, Any]) -> Mention | None:
    cache: dict[str, Mention | None] = env[_ENV_CACHE]
    if handle in cache:
        return cache[handle]
    if len(cache) >= MAX_RESOLVED_HANDLES:
        return None
    mention = resolver(handle)
    if mention is not None and not isinstance(mention, Mention):
        mention = None
    cache[handle] = mention
    if mention is not None:
        found: dict[str, Mention] = env[_ENV_MENTIONS]
        found.setdefault(mention.handle, mention)
    return mention


def _structure_rule(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = int(token.tag[1]) if token.tag[1:].isdigit() else 1
            token.tag = f"h{min(level + 2, 4)}"
        elif token.type in ("th_open", "td_open") and token.attrs:
            # nh3 drops style; keep table alignment as the plain align attribute instead.
            style = str(token.attrs.pop("style", ""))
            align = _TEXT_ALIGN_RE.fullmatch(style)
            if align:
                token.attrs["align"] = align.group(1)


def _render_image_as_alt(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    return escapeHtml(self.renderInlineAsText(tokens[idx].children, options, env))


def _build_parser() -> MarkdownIt:
    linkify = importlib.util.find_spec("linkify_it") is not None
    md = MarkdownIt("commonmark", {"html": False, "linkify": linkify})
    # html=False already escapes raw HTML; disabling the rules makes it independent of options.
    md.disable(["html_inline", "html_block"])
    md.enable(["table", "strikethrough"])
    if linkify:
        md.enable("linkify")
    md.core.ruler.after("inline", "forum_structure", _structure_rule)
    md.core.ruler.before("text_join", "forum_mentions", _mention_rule)
    md.add_render_rule("image", _render_image_as_alt)
    return md


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "class":
        if tag == "a":
            return "mention" if "mention" in value.split() else None
        if tag == "code":
            lang = value.strip().lower()
            return lang if _LANGUAGE_CLASS_RE.fullmatch(lang) else None
        return None
    return value


_md = _build_parser()
_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style"},
    attributes={"a": {"href", "class"}, "code": {"class"}},
    tag_attribute_values={
        "th": {"align": {"left", "center", "right"}},
        "td": {"align": {"left", "center", "right"}},
    },
    attribute_filter=_attribute_filter,
    url_schemes={"http", "https", "mailto"},
    link_rel="nofollow noopener",
    strip_comments=True,
)


def _normalise_input(text: Any) -> str:
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return _SURROGATES_RE.sub("\ufffd", text)


def render_markdown(
    text: str, *, resolve_mention: MentionResolver | None = None
) -> tuple[str, list[Mention]]:
    """Return (safe_html, mentions_found).

    ``resolve_mention`` is called at most once per distinct handle; mentions it resolves are
    rendered as ``<a class="mention">`` links and returned deduplicated by handle, in order.
    """
    env: dict[str, Any] = {
        _ENV_RESOLVER: resolve_mention,
        _ENV_MENTIONS: {},
        _ENV_CACHE: {},
    }
    tokens = _md.parse(_normalise_input(text), env)
    html = _md.renderer.render(tokens, _md.options, env)
    # Resolver-supplied labels/URLs bypass markdown-it's normalisation.
    safe_html = _cleaner.clean(_UNSAFE_CHARS_RE.sub("\ufffd", html))
    return safe_html, list(env[_ENV_MENTIONS].values())


def render_plain_snippet(text: str, length: int = 200) -> str:
    """Plain-text excerpt of Markdown source for previews and e-mails.

    Markup is stripped, whitespace collapsed and the result truncated to ``length``
    characters (including the trailing "…"). The result is NOT HTML-escaped.
    """
    if length <= 0:
        return ""
    plain = render_plain_text(text)
    if len(plain) <= length:
        return plain
    cut = plain[: length - 1]
    if plain[length - 1] != " ":
        # Don't end mid-word, unless that would drop most of the excerpt.
        space = cut.rfind(" ")
        if space > length // 2:
            cut = cut[:space]
    return cut.rstrip() + "…"


def render_plain_text(text: str) -> str:
    """The whole text of Markdown source as one line: markup stripped (link text kept, URLs
    and quote markers dropped), whitespace collapsed. The result is NOT HTML-escaped."""
    parts: list[str] = []
    for token in _md.parse(_normalise_input(text)):
        if token.type == "inline":
            parts.append(_inline_text(token.children or []))
        elif token.type in ("fence", "code_block"):
            parts.append(token.content)
        parts.append(" ")  # block boundaries become word boundaries
    return " ".join(_CONTROL_RE.sub("", "".join(parts)).split())


def _inline_text(children: Sequence[Token]) -> str:
    out: list[str] = []
    for token in children:
        if token.type in ("text", "code_inline", "text_special"):
            out.append(token.content)
        elif token.type == "image":
            out.append(_inline_text(token.children or []))
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out)
