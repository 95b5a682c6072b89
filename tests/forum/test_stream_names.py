"""Stream names come from their helpers (``forum.streams``, ``workshops.streams``), never from
f-strings spelled out where an event is sent or a page is configured."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HELPERS = {"forum/streams.py", "workshops/streams.py"}
PREFIXES = ("topic:", "space:", "user:", "workshop:")


def test_stream_names_come_from_their_helpers():
    spelled = []
    for app in ("forum", "workshops", "cms"):
        for path in sorted((ROOT / app).rglob("*.py")):
            where = str(path.relative_to(ROOT))
            if "migrations" in path.parts or where in HELPERS:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.JoinedStr) and node.values:
                    first = node.values[0]
                    if isinstance(first, ast.Constant) and str(first.value).startswith(PREFIXES):
                        spelled.append(f"{where}:{node.lineno}")
    assert spelled == [], "use topic_stream/space_stream/personal_stream/workshop_stream"
