"""Dependencies point one way: forum (the community core and the forum) <- workshops <- cms,
with config, the wiring (settings, URLs, ASGI), on top.

Every module of the four packages is parsed, migrations included: they run on every deploy and
import model code like any other module. Every import counts, also one inside a function or
under ``if TYPE_CHECKING``, with relative imports resolved to the module they name. A lower layer
importing a higher one fails, and so does a models module importing a views module. No app
imports config: apps read settings through ``django.conf.settings``; config imports the apps.

Where a lower layer must reach up, the higher app registers itself in ``AppConfig.ready()``.
Strings that name another app (``"workshops.Workshop"`` in a foreign key, a permission name)
are not imports and are not checked here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lower number, lower layer: a module may import its own layer and those below it.
LAYERS = {"forum": 0, "workshops": 1, "cms": 2, "config": 3}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, e.g. "cms.models"
    target: str  # the imported module, e.g. "cms.views"
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def product_files() -> list[Path]:
    return sorted(path for package in LAYERS for path in (ROOT / package).rglob("*.py"))


def known_modules() -> set[str]:
    return {module_name(path) for path in product_files()}


def imports_in(source: str, module: str, *, is_package: bool, modules: set[str]) -> list[Import]:
    """The modules ``source`` (the text of ``module``) imports, wherever the statement stands.

    ``from package import name`` names the submodule ``package.name`` when that is a module of
    ours, else ``package`` itself.
    """
    package = module if is_package else module.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # "." is the package itself, each further dot one package up
                parts = package.split(".")
                above = parts[: len(parts) - node.level + 1]
                base = ".".join([*above, node.module] if node.module else above)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                target = submodule if submodule in modules else base
                found.append(Import(module, target, node.lineno))
    return list(dict.fromkeys(found))  # one per statement and target


def product_imports() -> list[Import]:
    modules = known_modules()
    found = []
    for path in product_files():
        found += imports_in(
            path.read_text(encoding="utf-8"),
            module_name(path),
            is_package=path.name == "__init__.py",
            modules=modules,
        )
    return found


def layer(module: str) -> str | None:
    top = module.partition(".")[0]
    return top if top in LAYERS else None


def is_kind(module: str, kind: str) -> bool:
    """Whether ``module`` is an app's ``kind`` module or inside its ``kind`` package."""
    return kind in module.split(".")[1:2]


def problem(found: Import) -> str | None:
    source_layer, target_layer = layer(found.source), layer(found.target)
    if target_layer is None:
        return None
    if LAYERS[target_layer] > LAYERS[source_layer]:
        return f"{source_layer} is below {target_layer}"
    if is_kind(found.source, "models") and is_kind(found.target, "views"):
        return "models must not import views"
    return None


def wrong_way(found: list[Import]) -> list[tuple[Import, str]]:
    return [(item, reason) for item in found if (reason := problem(item))]


def describe(items: list[tuple[Import, str]]) -> str:
    return "\n".join(
        f"{item.source} (line {item.line}) imports {item.target}: {reason}"
        for item, reason in items
    )


def test_no_layer_imports_a_higher_one():
    problems = wrong_way(product_imports())
    assert not problems, "Imports against the direction of the layers:\n" + describe(problems)


def test_every_product_module_is_parsed():
    modules = known_modules()
    assert {"forum.models", "workshops.services", "cms.models", "config.urls"} <= modules
    assert any(".migrations." in module for module in modules)


MODULES = {
    "forum",
    "forum.rules",
    "workshops",
    "workshops.views",
    "workshops.services",
    "cms",
    "cms.models",
    "cms.views",
    "cms.selectors",
    "config",
    "config.urls",
}


@pytest.mark.parametrize(
    ("module", "is_package", "source", "target", "reason"),
    [
        ("workshops.services", False, "from cms.models import Page", "cms.models", "below"),
        ("workshops.services", False, "import cms.services", "cms.services", "below"),
        ("workshops.views", False, "def f():\n    from cms import views\n", "cms.views", "below"),
        ("forum.rules", False, "from config.urls import x", "config.urls", "below"),
        ("forum.rules", False, "from config import settings", "config", "below"),
        ("forum", True, "from workshops import views", "workshops.views", "below"),
        ("cms.models", False, "def f():\n    from .views import f\n", "cms.views", "views"),
        ("cms.models", False, "from . import views", "cms.views", "views"),
        ("cms.models.pages", False, "from ..views import x", "cms.views", "views"),
        ("cms.models", False, "from workshops.views import x", "workshops.views", "views"),
        ("cms.selectors", False, "from . import views", "cms.views", None),
        ("cms.views", False, "from workshops.selectors import x", "workshops.selectors", None),
        ("config.urls", False, "from cms import views", "cms.views", None),
        ("workshops.services", False, "from forum import rules", "forum.rules", None),
        ("cms.models", False, "from django.db import models", "django.db", None),
    ],
)
def test_the_check_resolves_and_judges_imports(module, is_package, source, target, reason):
    found = imports_in(source, module, is_package=is_package, modules=MODULES)
    assert [item.target for item in found] == [target]
    verdict = problem(found[0])
    assert (verdict is None) if reason is None else (reason in verdict)
