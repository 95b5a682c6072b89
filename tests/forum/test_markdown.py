"""forum.markdown: formatting, mentions, snippets and the XSS corpus of tests/helpers/xss.py."""

from __future__ import annotations

import random
from html.parser import HTMLParser

import pytest

from forum.markdown import Mention, render_markdown, render_plain_snippet
from tests.helpers.xss import XSS_PAYLOADS, assert_inert


def _resolve(**mentions: Mention):
    return mentions.get


ANNA = Mention("anna", "/people/anna/", "Anna Alt")


def _mention_texts(html: str) -> list[str]:
    """Text content of every <a class="mention">."""

    class Collector(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.depth = 0
            self.texts: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "a" and ("class", "mention") in attrs:
                self.depth = 1
                self.texts.append("")

        def handle_endtag(self, tag):
            if tag == "a":
                self.depth = 0

        def handle_data(self, data):
            if self.depth:
                self.texts[-1] += data

    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector.texts


# --- assert_inert itself -------------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        "<img src=x>",
        '<p onclick="x">a</p>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JaVa&#x09;Script:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        '<p style="color:red">x</p>',
        "<div>x</div>",
    ],
)
def test_assert_inert_catches_dangerous_html(html):
    with pytest.raises(AssertionError):
        assert_inert(html)


def test_assert_inert_accepts_safe_html():
    assert_inert(
        '<p><a href="https://x.example/" rel="nofollow noopener">x</a> <a href="/rel">r</a>'
        ' <a href="mailto:a@b.de">m</a> &lt;script&gt;</p><table><tr><td align="left">1'
        "</td></tr></table>"
    )


# --- basic formatting ----------------------------------------------------------------------


def test_emphasis_and_strikethrough():
    html, _ = render_markdown("*em* **strong** ~~gone~~")
    assert html == "<p><em>em</em> <strong>strong</strong> <s>gone</s></p>\n"


def test_lists():
    html, _ = render_markdown("- a\n- b\n\n1. one\n2. two")
    assert "<ul>\n<li>a</li>\n<li>b</li>\n</ul>" in html
    assert "<ol>\n<li>one</li>\n<li>two</li>\n</ol>" in html


def test_links_get_nofollow_noopener():
    html, _ = render_markdown("[site](https://example.org/a?b=1&c=2)")
    assert (
        html == '<p><a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener">site</a>'
        "</p>\n"
    )


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[r](/forum/topic/1/)", "/forum/topic/1/"),
        ("<mailto:anna@example.org>", "mailto:anna@example.org"),
        ("<anna@example.org>", "mailto:anna@example.org"),
        ("<https://example.org>", "https://example.org"),
    ],
)
def test_relative_mailto_and_autolinks_are_kept(source, href):
    html, _ = render_markdown(source)
    assert f'href="{href}"' in html
    assert 'rel="nofollow noopener"' in html


@pytest.mark.parametrize(
    "source",
    ["[x](javascript:alert(1))", "[x](data:image/png;base64,iVBORw0KGgo=)", "[x](ftp://a/b)"],
)
def test_unsafe_schemes_lose_their_href(source):
    html, _ = render_markdown(source)
    assert "href" not in html


def test_code_block_is_escaped():
    html, _ = render_markdown("```\n<b>&amp;</b>\n```\n\n    <i>x</i>")
    assert "<pre><code>&lt;b&gt;&amp;amp;&lt;/b&gt;\n</code></pre>" in html
    assert "<pre><code>&lt;i&gt;x&lt;/i&gt;\n</code></pre>" in html


def test_inline_code_is_escaped():
    html, _ = render_markdown("`<script>`")
    assert html == "<p><code>&lt;script&gt;</code></p>\n"


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        ("python", '<code class="language-python">'),
        ("Py3 extra", '<code class="language-py3">'),
        ("c++", "<code>"),
        ('x" onclick="y', "<code>"),
    ],
)
def test_fence_language_class_only_if_simple(info, expected):
    html, _ = render_markdown(f"```{info}\nx\n```")
    assert expected in html
    assert_inert(html)


def test_blockquote():
    html, _ = render_markdown("> quoted *text*")
    assert html == "<blockquote>\n<p>quoted <em>text</em></p>\n</blockquote>\n"


def test_table_renders_with_align_not_style():
    html, _ = render_markdown("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")
    assert "<table>" in html and "<thead>" in html and "<tbody>" in html
    assert '<th align="left">a</th>' in html
    assert '<th align="center">b</th>' in html
    assert '<td align="right">3</td>' in html
    assert "style" not in html


def test_raw_html_is_shown_as_text():
    html, _ = render_markdown('<b onclick="x">bold</b>')
    assert html == '<p>&lt;b onclick="x"&gt;bold&lt;/b&gt;</p>\n'


def test_html_comment_is_text_not_comment():
    html, _ = render_markdown("a <!-- hidden --> b")
    assert "<!--" not in html
    assert "&lt;!-- hidden --&gt;" in html


def test_images_render_only_alt_text():
    html, _ = render_markdown("![a *cat*](https://evil.example/cat.png) and ![](/x.png)")
    assert html == "<p>a cat and </p>\n"


def test_image_inside_link_keeps_link_with_alt_text():
    html, _ = render_markdown("[![logo](https://evil.example/l.png)](https://example.org)")
    assert html == '<p><a href="https://example.org" rel="nofollow noopener">logo</a></p>\n'


@pytest.mark.parametrize(
    ("level", "tag"), [(1, "h3"), (2, "h4"), (3, "h4"), (4, "h4"), (5, "h4"), (6, "h4")]
)
def test_atx_headings_are_demoted(level, tag):
    html, _ = render_markdown("#" * level + " Title")
    assert html == f"<{tag}>Title</{tag}>\n"


def test_setext_headings_are_demoted():
    html, _ = render_markdown("Big\n===\n\nSmall\n-----")
    assert html == "<h3>Big</h3>\n<h4>Small</h4>\n"
    assert "<h1" not in html and "<h2" not in html


def test_thematic_break():
    html, _ = render_markdown("a\n\n---\n\nb")
    assert "<hr />" in html or "<hr>" in html


# --- XSS corpus ----------------------------------------------------------------------------


def test_corpus_is_large_enough():
    assert len(XSS_PAYLOADS) >= 60
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS)


_IDS = [f"xss{i:03d}" for i in range(len(XSS_PAYLOADS))]


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=_IDS)
def test_xss_payload_is_inert(payload):
    html, mentions = render_markdown(payload)
    assert_inert(html)
    assert mentions == []


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=_IDS)
def test_xss_payload_in_post_and_mention_label_is_inert(payload):
    def resolve(handle):
        return Mention(handle, f"/people/{handle}/", payload)

    html, mentions = render_markdown(f"{payload}\n\nhi @anna", resolve_mention=resolve)
    assert_inert(html)
    assert 'class="mention"' in html
    # The label arrives verbatim as text, i.e. it was escaped, not interpreted.
    assert "@" + payload.replace("\x00", "\ufffd") in _mention_texts(html)
    assert mentions[-1] == Mention("anna", "/people/anna/", payload)


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=_IDS)
def test_xss_payload_as_mention_url_is_inert(payload):
    html, _ = render_markdown("@anna", resolve_mention=lambda h: Mention(h, payload, "Anna"))
    assert_inert(html)


# --- mentions ------------------------------------------------------------------------------


def test_resolved_mention_becomes_link():
    html, mentions = render_markdown("Hallo @anna!", resolve_mention=_resolve(anna=ANNA))
    assert html == (
        '<p>Hallo <a href="/people/anna/" class="mention" rel="nofollow noopener">'
        "@Anna Alt</a>!</p>\n"
    )
    assert mentions == [ANNA]


def test_mention_label_is_escaped():
    evil = Mention("anna", "/people/anna/", '<b>"A&B"</b>')
    html, _ = render_markdown("@anna", resolve_mention=_resolve(anna=evil))
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert _mention_texts(html) == ['@<b>"A&B"</b>']


def test_unresolved_mention_stays_text():
    calls = []

    def resolve(handle):
        calls.append(handle)
        return None

    html, mentions = render_markdown("Hi @ghost.", resolve_mention=resolve)
    assert html == "<p>Hi @ghost.</p>\n"
    assert mentions == []
    assert calls == ["ghost"]


def test_without_resolver_no_mentions():
    html, mentions = render_markdown("Hi @anna")
    assert html == "<p>Hi @anna</p>\n"
    assert mentions == []


@pytest.mark.parametrize(
    "source",
    [
        "`@anna`",
        "``x @anna y``",
        "```\n@anna\n```",
        "    @anna",
        "[@anna](https://example.org)",
        "[see **@anna**](/x)",
        "<https://example.org/@anna>",
        "![@anna](https://evil.example/a.png)",
    ],
)
def test_mentions_in_code_and_links_are_not_resolved(source):
    calls = []

    def resolve(handle):
        calls.append(handle)
        return ANNA

    html, mentions = render_markdown(source, resolve_mention=resolve)
    assert 'class="mention"' not in html
    assert mentions == [] and calls == []


@pytest.mark.parametrize(
    "source",
    [
        "anna@example.org",
        "mail a.b-c+d@anna.de now",
        "x_@anna",
        "https://social.example/@anna",
        "@anna@social.example",
        "\\@anna",
        "&#64;anna",
        "@_anna",
        "@.anna",
    ],
)
def test_non_mentions(source):
    html, mentions = render_markdown(source, resolve_mention=_resolve(anna=ANNA))
    assert 'class="mention"' not in html
    assert mentions == []


@pytest.mark.parametrize(
    ("source", "handle"),
    [
        ("@anna", "anna"),
        ("(@anna)", "anna"),
        ("cc:@anna", "anna"),
        ("@anna.", "anna"),
        ("@anna...", "anna"),
        ("@anna_", "anna"),
        ("@a.b-c_d, hi", "a.b-c_d"),
        ("@x", "x"),
        ("**@x**", "x"),
        ("# Hi @x", "x"),
        ("| h |\n|---|\n| @x |", "x"),
        ("> - @x", "x"),
    ],
)
def test_mention_handle_extraction(source, handle):
    seen = []

    def resolve(h):
        seen.append(h)
        return Mention(h, f"/people/{h}/", h.upper())

    html, mentions = render_markdown(source, resolve_mention=resolve)
    assert seen == [handle]
    assert [m.handle for m in mentions] == [handle]
    assert f'<a href="/people/{handle}/" class="mention"' in html


def test_mentions_deduplicated_in_order_and_resolved_once():
    calls = []
    people = {"bob": Mention("bob", "/people/bob/", "Bob"), "anna": ANNA}

    def resolve(handle):
        calls.append(handle)
        return people.get(handle)

    html, mentions = render_markdown(
        "@bob @anna @ghost @bob\n\n- @anna\n- @ghost", resolve_mention=resolve
    )
    assert mentions == [people["bob"], ANNA]
    assert calls == ["bob", "anna", "ghost"]
    assert html.count('class="mention"') == 4


def test_mention_url_with_bad_scheme_is_dropped():
    html, mentions = render_markdown(
        "@anna", resolve_mention=lambda h: Mention(h, "javascript:alert(1)", "Anna")
    )
    assert "javascript" not in html
    assert "@Anna" in html
    assert_inert(html)


def test_number_of_resolved_handles_is_capped():
    calls = []

    def resolve(handle):
        calls.append(handle)
        return None

    render_markdown(" ".join(f"@u{i}" for i in range(1000)), resolve_mention=resolve)
    assert 0 < len(calls) <= 100


# --- plain snippets ------------------------------------------------------------------------


def test_snippet_strips_markup():
    source = (
        "# Title\n\nSome *emphasis* and **bold** with [a link](https://example.org) "
        "and `code`.\n\n> quote\n\n- one\n- two\n\n![alt text](https://evil.example/x.png)"
    )
    assert render_plain_snippet(source) == (
        "Title Some emphasis and bold with a link and code. quote one two alt text"
    )


def test_snippet_keeps_raw_html_as_plain_text():
    # Plain text: the caller (template autoescape, e-mail text part) does the escaping.
    assert render_plain_snippet("<b>hi</b> &amp;") == "<b>hi</b> &"


def test_snippet_collapses_whitespace():
    assert render_plain_snippet("a  \n\n\n  b\t\tc\n\n```\nx   y\n```") == "a b c x y"


def test_snippet_truncates_at_word_boundary():
    snippet = render_plain_snippet("word " * 100, length=23)
    assert snippet == "word word word word…"
    assert len(snippet) <= 23


def test_snippet_truncates_long_words_hard():
    snippet = render_plain_snippet("x" * 500, length=10)
    assert snippet == "x" * 9 + "…"


def test_snippet_short_text_unchanged_and_edge_lengths():
    assert render_plain_snippet("short") == "short"
    assert render_plain_snippet("") == ""
    assert render_plain_snippet("abc", length=0) == ""
    assert render_plain_snippet("abc", length=1) == "…"
    snippet = render_plain_snippet("lorem ipsum " * 100)
    assert len(snippet) <= 200 and snippet.endswith("m…")


def test_snippet_keeps_word_that_ends_exactly_at_the_cut():
    assert render_plain_snippet("aaaa bbbb cccc", length=10) == "aaaa bbbb…"


# --- robustness ----------------------------------------------------------------------------


def test_huge_input_does_not_raise():
    text = ("Lorem *ipsum* @anna [x](https://example.org) `code` | a |\n" * 4000)[:200_000]
    assert len(text) == 200_000
    html, mentions = render_markdown(text, resolve_mention=_resolve(anna=ANNA))
    assert_inert(html)
    assert mentions == [ANNA]
    assert len(render_plain_snippet(text)) <= 200


@pytest.mark.parametrize(
    "text",
    [
        "\x00",
        "a\x00b @an\x00na `\x00` [\x00](/\x00)",
        "\ud800 lone surrogate \udfff",
        "\ufeff\u200b\u202e\x7f\x1b[31m",
        "[" * 5000 + "](" * 5000,
        "> " * 5000 + "- " * 5000,
        "*_" * 20000,
    ],
)
def test_odd_input_does_not_raise(text):
    html, _ = render_markdown(text, resolve_mention=_resolve(anna=ANNA))
    assert_inert(html)
    assert isinstance(render_plain_snippet(text), str)


def test_binaryish_input_does_not_raise():
    rng = random.Random(1234)
    noise = bytes(rng.randrange(256) for _ in range(50_000)).decode("latin-1")
    symbols = "".join(rng.choice("*_[]()`<>!@#\\ \n|-~a&;:\x00") for _ in range(50_000))
    for text in (noise, symbols):
        html, _ = render_markdown(text, resolve_mention=lambda h: Mention(h, "/p/", "<x>"))
        assert_inert(html)
        render_plain_snippet(text)


def test_non_string_input_is_tolerated():
    assert render_markdown(None)[0] == ""  # type: ignore[arg-type]
    assert render_plain_snippet(None) == ""  # type: ignore[arg-type]
