"""An XSS corpus and a check that HTML is inert: no scripts, handlers, styles, images or
unsafe URLs. The Markdown tests hold the renderer to it; page tests feed the corpus through
templates."""

import re
from html.parser import HTMLParser

# Independent of forum.markdown.ALLOWED_TAGS on purpose: the test states the policy.
INERT_ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "del", "s", "ul", "ol", "li", "a", "code", "pre", "blockquote"}
    | {"table", "thead", "tbody", "tr", "th", "td", "h3", "h4", "hr"}
)
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite"}
)
_STRIP_FROM_URL = re.compile(r"[\x00-\x20\x7f]")  # browsers ignore these in/around schemes
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")

XSS_PAYLOADS: list[str] = [
    # script tags and parser confusion
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    '"><script>alert(1)</script>',
    "'';!--\"<XSS>=&{()}",
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<scr\x00ipt>alert(1)</script>",
    "\\<script>alert(1)</script>",
    # event handlers on many tags
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    '<img src="javascript:alert(1)">',
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<body onload=alert(1)>",
    '<div onclick="alert(1)">click</div>',
    "<div/onmouseover='alert(1)'>x",
    "<a onmouseover=alert(1)>x</a>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<xss onafterscriptexecute=alert(1)>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<keygen autofocus onfocus=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # embedding / navigation / styling elements
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<a href="x" style="x:expression(alert(1))">x</a>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<link rel=stylesheet href=https://evil.example/x.css>",
    # markdown links with dangerous schemes
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x](data:image/png;base64,iVBORw0KGgo=)",
    "[x](file:///etc/passwd)",
    "[x](<javascript:alert(1)>)",
    "[x]( javascript:alert(1))",
    "[x](javascript:/*-->alert(1)//)",
    "[x](javascript:alert%281%29)",
    "[x](%6Aavascript:alert(1))",
    "[@anna](javascript:alert(1))",
    # autolinks
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    '<https://example.org/"onmouseover="alert(1)>',
    # reference-style links
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    '[evil]\n\n[evil]: <javascript:alert(1)> "t"',
    "[x][e]\n\n[e]: &#106;avascript:alert(1)",
    # entity-encoded schemes
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](&#x6a&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3a;alert(1))",
    "[x](&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    # whitespace/control characters inside the scheme
    "[x](java\tscript:alert(1))",
    "[x](<java\tscript:alert(1)>)",
    "[x](java\nscript:alert(1))",
    "[x](\x01javascript:alert(1))",
    "[x](java\x00script:alert(1))",
    # titles and attribute breakouts
    '[x](https://example.org "title\\" onmouseover=\\"alert(1)")',
    '[x](https://example.org/"onmouseover="alert(1))',
    # images
    "![x](javascript:alert(1))",
    "![x](https://evil.example/a.png)",
    '![x" onerror="alert(1)](https://evil.example/a.png)',
    "[![x](https://evil.example/a.png)](javascript:alert(1))",
    "![<script>alert(1)</script>](https://evil.example/a.png)",
    # comments, CDATA, code and backtick tricks
    "<!-- <script>alert(1)</script> -->",
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "`<script>alert(1)</script>`",
    "``<img src=x onerror=alert(1)>``",
    "`` ` <script>alert(1)</script> ` ``",
    "```\n<script>alert(1)</script>\n```",
    "```html onload=alert(1)\nx\n```",
    '```" onmouseover="alert(1)\nx\n```',
    "```javascript:alert(1)\nx\n```",
    "    <script>alert(1)</script>",
    # unicode and entity escapes
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\u202e<script>alert(1)</script>",
    # payloads inside block structures
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    '| a |\n|:--|\n| x |\n\n<td style="x">',
    "> <iframe src=javascript:alert(1)>",
    "- <svg/onload=alert(1)>",
    "# <script>alert(1)</script>",
    "*<img src=x onerror=alert(1)>*",
    "~~<script>alert(1)</script>~~",
    "[x](https://example.org)<script>alert(1)</script>",
    # mentions carrying payloads
    "@<script>alert(1)</script>",
    "@anna<img src=x onerror=alert(1)>",
    '@"onmouseover=alert(1)',
    "@anna[x](javascript:alert(1))",
    "[x](mailto:a@b.de?body=<script>alert(1)</script>)",
]


class _InertChecker(HTMLParser):
    def __init__(self, allowed_tags: frozenset[str]):
        super().__init__(convert_charrefs=True)
        self.allowed_tags = allowed_tags
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.problems.append("<img> present")
        if tag not in self.allowed_tags:
            self.problems.append(f"disallowed tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            # html.parser has already unescaped entities in attribute values.
            if name in URL_ATTRIBUTES and value is not None:
                url = _STRIP_FROM_URL.sub("", value).lower()
                scheme = _SCHEME.match(url)
                if scheme and scheme.group(1) not in SAFE_SCHEMES:
                    self.problems.append(f"unsafe {name}={value!r} on <{tag}>")

    def handle_endtag(self, tag):
        if tag not in self.allowed_tags:
            self.problems.append(f"disallowed end tag </{tag}>")


def assert_inert(html: str, *, allowed_tags: frozenset[str] = INERT_ALLOWED_TAGS) -> None:
    """Fail unless ``html`` only holds allowed tags, no handlers/styles/images/unsafe URLs.

    ``allowed_tags`` can be widened by callers checking template output.
    """
    checker = _InertChecker(allowed_tags)
    checker.feed(html)
    checker.close()
    assert not checker.problems, f"{checker.problems} in {html!r}"
