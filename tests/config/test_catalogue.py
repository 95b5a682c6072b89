"""Our German source texts are msgids: Django's, Wagtail's and allauth's German catalogues must
not translate them into something else (the agenda's day, „Tag“, was shown as „Schlagwort“)."""

from pathlib import Path

from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries() -> list[tuple[str | None, str]]:
    """(context, msgid) of every singular entry in our catalogue."""
    entries, context, msgid, plural, target = [], None, None, False, None
    for raw in CATALOGUE.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if line.startswith("#~"):
            continue
        if line.startswith("msgctxt "):
            context, target = _unquote(line[8:]), "context"
        elif line.startswith("msgid "):
            msgid, target = _unquote(line[6:]), "msgid"
        elif line.startswith("msgid_plural "):
            plural, target = True, None
        elif line.startswith('"') and target == "msgid":
            msgid += _unquote(line)
        elif line.startswith('"') and target == "context":
            context += _unquote(line)
        elif line.startswith("msgstr"):
            target = None
        elif not line:
            if msgid and not plural:
                entries.append((context, msgid))
            context, msgid, plural, target = None, None, False, None
    return entries


def _unquote(text: str) -> str:
    return text.strip()[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")


def test_catalogue_is_read():
    assert len(_entries()) > 500


def test_german_source_texts_stay_as_written():
    changed = []
    with translation.override("de"):
        for context, msgid in _entries():
            shown = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            if shown != msgid:
                changed.append(f"{msgid!r} → {shown!r}")
    assert not changed, "German catalogues of other apps rewrite our texts:\n" + "\n".join(changed)
