"""Every event kind sent anywhere in the product is documented in ``forum.events.KINDS``, and
every documented kind is still sent somewhere."""

import ast
from pathlib import Path

from forum import events

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("forum", "workshops", "cms")
# Calls whose second argument is an event kind: the exits to the channel layer and the
# helpers that send through them (services publish, the consumer sends its own kinds).
SENDERS = {"publish", "publish_post", "send_now", "send_from_consumer", "_send_event"}
# The only functions that may send a kind that is not a literal: they pass on the kind their
# callers gave them (``flush`` sends what ``publish`` batched), and those callers are scanned.
FORWARDERS = {"publish", "publish_post", "flush"}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _kind_argument(call: ast.Call) -> ast.expr | None:
    if len(call.args) > 1:
        return call.args[1]
    return next((keyword.value for keyword in call.keywords if keyword.arg == "kind"), None)


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


class _Scan(ast.NodeVisitor):
    """Kinds sent (``kind → ["path:line", …]``) and sends whose kind is not a literal."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.functions: list[str] = []
        self.kinds: dict[str, list[str]] = {}
        self.unknown: list[str] = []

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Call(self, node: ast.Call) -> None:
        argument = _kind_argument(node)
        if _name(node.func) in SENDERS and argument is not None:
            kind = _literal(argument)
            if kind is not None:
                self._found(kind, node)
            elif not (self.functions and self.functions[-1] in FORWARDERS):
                self.unknown.append(f"{self.where}:{node.lineno}")
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        """An event the consumer hands to itself: ``{"stream": …, "kind": "presence", …}``."""
        entries = {_literal(key): value for key, value in zip(node.keys, node.values, strict=True)}
        kind = _literal(entries.get("kind"))
        if "stream" in entries and kind is not None:
            self._found(kind, node)
        self.generic_visit(node)

    def _found(self, kind: str, node: ast.AST) -> None:
        self.kinds.setdefault(kind, []).append(f"{self.where}:{node.lineno}")


def scan(source: str, where: str) -> _Scan:
    found = _Scan(where)
    found.visit(ast.parse(source, filename=where))
    return found


def product_scan() -> _Scan:
    everything = _Scan("product")
    for app in PRODUCT:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found = scan(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
            for kind, places in found.kinds.items():
                everything.kinds.setdefault(kind, []).extend(places)
            everything.unknown += found.unknown
    return everything


def test_the_scan_finds_kinds_however_they_are_sent():
    source = """
def service(post, stream):
    events.publish(topic_stream(1), "a.published", {})
    publish_post(post, "a.post_kind")
    send_now(stream, kind="a.keyword", payload={})

async def consumer(self, stream):
    await events.send_from_consumer(stream, "a.ephemeral", {})
    await self._send_event(stream, "a.consumer_kind", {}, 1)
    await self._forward({"stream": stream, "kind": "a.forwarded", "payload": {}})

def helper(stream, kind):
    events.publish(stream, kind, {})
"""
    found = scan(source, "example.py")

    assert set(found.kinds) == {
        "a.published",
        "a.post_kind",
        "a.keyword",
        "a.ephemeral",
        "a.consumer_kind",
        "a.forwarded",
    }
    assert found.unknown == ["example.py:13"]


def test_every_kind_sent_is_documented():
    sent = product_scan().kinds

    undocumented = {kind: places for kind, places in sent.items() if kind not in events.KINDS}
    assert undocumented == {}, "document these kinds in forum.events.KINDS"


def test_every_kind_is_sent_as_a_literal_or_by_a_forwarder():
    assert product_scan().unknown == [], "send a literal kind, so that this test can see it"


def test_every_documented_kind_is_still_sent():
    found = product_scan()

    assert set(events.KINDS) - set(found.kinds) == set()


def test_every_documented_kind_names_its_streams_payload_and_meaning():
    for kind in events.KINDS.values():
        assert kind.streams and kind.payload and kind.meaning
