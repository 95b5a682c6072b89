"""Production's static files: the live-update modules load each other by hashed names, so a
page never combines modules of two releases."""

import importlib.util
import re
from pathlib import Path

from django.core.files.storage import FileSystemStorage
from django.utils.module_loading import import_string

STATIC = Path(__file__).resolve().parents[2] / "static"
MODULE_PATH = re.compile(r'\bfrom\s*"(?P<path>[^"]+)"')
HASHED = re.compile(r"\.[0-9a-f]{12}\.js$")
REQUIRED_IN_PRODUCTION = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "DEFAULT_FROM_EMAIL",
    "SITE_URL",
)


def _production_storage_class(monkeypatch):
    """The static files storage production.py names, read without registering the module."""
    for name in REQUIRED_IN_PRODUCTION:
        monkeypatch.setenv(name, "x")
    spec = importlib.util.find_spec("config.settings.production")
    production = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(production)
    return import_string(production.STORAGES["staticfiles"]["BACKEND"])


def test_collected_modules_import_each_other_by_hashed_names(monkeypatch, tmp_path):
    source = FileSystemStorage(location=STATIC)
    names = sorted(str(path.relative_to(STATIC)) for path in (STATIC / "js").rglob("*.js"))
    storage = _production_storage_class(monkeypatch)(location=tmp_path, base_url="/static/")
    for name in names:
        with source.open(name) as original:
            storage.save(name, original)
    for _name, _hashed, processed in storage.post_process({n: (source, n) for n in names}):
        assert not isinstance(processed, Exception), processed

    collected = tmp_path / storage.stored_name("js/live.js")
    modules = [collected, *(tmp_path / "js" / "live").glob("*.*.js")]
    imported = []
    for module in modules:
        for match in MODULE_PATH.finditer(module.read_text()):
            target = (module.parent / match["path"]).resolve()
            assert HASHED.search(match["path"]), f"{module.name}: {match['path']}"
            assert target.is_file(), f"{module.name}: {match['path']}"
            imported.append(target)
    assert imported
