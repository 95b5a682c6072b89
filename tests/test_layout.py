"""The layout of the test suite: test modules and conftest.py files are imported by pytest only.

Whatever two test modules share lives in tests/helpers/ (plain functions and constants) or in a
conftest.py (fixtures). A test module importing another one runs that module's tests' set-up
twice under two names and ties unrelated files together.
"""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _imported_modules(path: Path, source: str | None = None) -> list[str]:
    """Every module ``path`` imports, relative imports resolved against its package."""
    package = path.relative_to(TESTS.parent).with_suffix("").parts[:-1]
    found = []
    tree = ast.parse(path.read_text() if source is None else source, filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.append(module)
            found.extend(f"{module}.{alias.name}" for alias in node.names)
    return found


def _is_test_module(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return last.startswith("test_") or last == "conftest"


def test_no_module_of_the_suite_imports_a_test_module_or_a_conftest():
    offences = [
        f"{path.relative_to(TESTS.parent)} imports {name}"
        for path in sorted(TESTS.rglob("*.py"))
        for name in _imported_modules(path)
        if (name == "tests" or name.startswith("tests.")) and _is_test_module(name)
    ]
    assert offences == [], "\n".join(offences)


def test_the_check_sees_absolute_relative_and_package_imports():
    source = (
        "from tests.forum.test_realtime import connect\n"
        "from .test_markdown import XSS_PAYLOADS\n"
        "from ..workshops.conftest import make_workshop\n"
        "from . import test_rules\n"
        "from tests.helpers.realtime import receive\n"
    )
    module = TESTS / "forum" / "test_example.py"
    imported = [name for name in _imported_modules(module, source) if _is_test_module(name)]
    assert imported == [
        "tests.forum.test_realtime",
        "tests.forum.test_markdown",
        "tests.workshops.conftest",
        "tests.forum.test_rules",
    ]
