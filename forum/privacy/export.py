""" "Meine Daten": everything the platform keeps about a person, as one ZIP of JSON files plus
their own files and a German README.txt (GDPR Art. 15 and 20).

Each app registers its sections (``register_section``): the forum in ``forum.privacy.sections``,
workshops and cms from their ``AppConfig.ready()``, so the forum imports neither. A section is
one JSON file, a list of objects with exactly the documented keys; the README is written from
the same documentation, so the two cannot drift apart.

A section holds the person's own data only: what they wrote, chose or were sent, never other
people's posts. The export is built by a task (``build_data_export``), valid
``DATA_EXPORT_VALID_DAYS`` days and opened only by its owner.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from ..models import DataExport, NotificationKind
from ..notifications import notify
from ..tasks import enqueue
from ..templatetags.dates import abs_date

logger = logging.getLogger(__name__)

README_NAME = "README.txt"
FILES_FOLDER = "dateien"


@dataclass(frozen=True)
class ExportedFile:
    """A file of the person's, copied into the ZIP under ``files/<folder>/``; in the JSON the
    value is its path inside the ZIP."""

    folder: str
    name: str
    file: Any  # a FieldFile

    @property
    def path(self) -> str:
        return f"{FILES_FOLDER}/{self.folder}/{self.name}"


@dataclass(frozen=True)
class Section:
    """One JSON file: ``collect(user)`` returns its rows, each with exactly ``keys``.
    ``title`` and the key descriptions are lazy German texts for the README."""

    name: str
    title: Any
    keys: dict[str, Any]
    collect: Callable[[Any], list[dict[str, Any]]]
    note: Any = ""
    order: int = field(default=100)

    @property
    def filename(self) -> str:
        return f"{self.name}.json"


_sections: dict[str, Section] = {}


def register_section(section: Section) -> None:
    """Called once per section at start-up; a name registered twice is a programming error."""
    if _sections.get(section.name, section) is not section:
        raise ValueError(f"Export section {section.name!r} registered twice")
    _sections[section.name] = section


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.name))


def safe_filename(name: str, prefix: int) -> str:
    """``<id>-<name>`` without path separators or control characters."""
    cleaned = re.sub(r"[^\w.\- ]+", "_", name).strip(" .") or "datei"
    return f"{prefix}-{cleaned[:120]}"


def readable_spaces_filter(user: Any, prefix: str) -> Q:
    """For sections that name a space: only spaces the person may still read."""
    from ..selectors import readable_spaces_q

    return readable_spaces_q(user, prefix)


# --- building ----------------------------------------------------------------------------------


def _json_value(value: Any, files: list[ExportedFile]) -> Any:
    if isinstance(value, ExportedFile):
        files.append(value)
        return value.path
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _json_value(item, files) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(item, files) for item in value]
    return value


def readme_text() -> str:
    """The README.txt: what each file is, and what each key means."""
    lines = [
        _("Ihre Daten bei der Kleinstadtakademie"),
        "=" * 38,
        "",
        _(
            "Diese ZIP-Datei enthält alles, was die Plattform über Sie gespeichert hat "
            "(Auskunft nach Art. 15 DSGVO, Datenübertragbarkeit nach Art. 20 DSGVO). Jede "
            ".json-Datei ist eine Liste von Einträgen mit immer denselben Schlüsseln. Zeitangaben "
            "stehen im Format ISO 8601 mit Zeitzone. Ihre eigenen Dateien liegen im Ordner "
            "„%(folder)s“."
        )
        % {"folder": FILES_FOLDER},
        "",
        _(
            "Enthalten sind nur Ihre eigenen Daten: Beiträge anderer Personen gehören nicht dazu, "
            "auch nicht in Diskussionen, an denen Sie teilgenommen haben. Titel von Diskussionen "
            "stehen nur bei Diskussionen, die Sie selbst begonnen haben."
        ),
    ]
    for section in sections():
        lines += ["", section.filename, "-" * len(section.filename), str(section.title)]
        if section.note:
            lines.append(str(section.note))
        lines += [f"  {key}: {description}" for key, description in section.keys.items()]
    return "\n".join(lines) + "\n"


def write_zip(user: Any, handle: Any) -> None:
    """Write the export of ``user`` into the open binary ``handle``."""
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with translation.override(settings.LANGUAGE_CODE):
            archive.writestr(README_NAME, readme_text())
        for section in sections():
            files: list[ExportedFile] = []
            rows = [_json_value(row, files) for row in section.collect(user)]
            archive.writestr(
                section.filename, json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
            )
            for exported in files:
                with exported.file.open("rb") as source, archive.open(exported.path, "w") as target:
                    for chunk in iter(lambda: source.read(1024 * 1024), b""):
                        target.write(chunk)


# --- services ----------------------------------------------------------------------------------


def latest_export(user: Any) -> DataExport | None:
    return DataExport.objects.filter(user=user).first()


@transaction.atomic
def request_data_export(*, user: Any) -> DataExport:
    """Queue a new export of ``user``'s data. Refused (``ValidationError``) while one is still
    requested or being built; a finished, failed or expired one is replaced."""
    # The person's row serialises two requests sent at once.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    previous = list(DataExport.objects.filter(user=user))
    if any(export.is_pending for export in previous):
        raise ValidationError(
            _(
                "Ihr Export wird gerade erstellt. Sie bekommen eine Benachrichtigung, sobald er "
                "bereit ist; danach können Sie einen neuen anfordern."
            ),
            code="pending",
        )
    _delete_exports(previous)
    export = DataExport.objects.create(user=user)
    enqueue(build_data_export, export.pk)
    return export


def delete_exports_of(user: Any) -> int:
    """A person's exports with their files (erasing the account; call inside atomic)."""
    return _delete_exports(list(DataExport.objects.filter(user=user)))


def _delete_exports(exports: list[DataExport]) -> int:
    """Delete rows now and their files once the deletion has committed."""
    if not exports:
        return 0
    names = [export.file.name for export in exports if export.file]
    storage = DataExport._meta.get_field("file").storage
    DataExport.objects.filter(pk__in=[export.pk for export in exports]).delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return len(exports)


@transaction.atomic
def delete_expired_exports(*, now: datetime | None = None) -> int:
    """Exports past their expiry, and those never finished (failed or lost) that were requested
    as long ago, with their files (retention)."""
    now = now or timezone.now()
    stale = now - timedelta(days=settings.DATA_EXPORT_VALID_DAYS)
    expired = DataExport.objects.filter(
        Q(expires_at__lt=now) | Q(finished_at__isnull=True, requested_at__lt=stale)
    )
    return _delete_exports(list(expired))


@task()
def build_data_export(export_id: int) -> str:
    """Build the ZIP, store it privately, and tell the person. Run again, it does nothing for
    an export already finished or failed."""
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update()
            .select_related("user")
            .filter(pk=export_id, finished_at__isnull=True, failed_at__isnull=True)
            .first()
        )
        if export is None:
            return "skipped"
        export.started_at = timezone.now()
        export.save(update_fields=["started_at"])
    try:
        with tempfile.TemporaryFile() as handle:
            write_zip(export.user, handle)
            handle.seek(0)
            export.file.save(f"{export.pk}.zip", File(handle), save=False)
            export.size = export.file.size
    except Exception:
        logger.exception("Data export %s failed", export_id)
        DataExport.objects.filter(pk=export_id).update(failed_at=timezone.now())
        return "failed"
    with transaction.atomic():
        if not DataExport.objects.select_for_update().filter(pk=export_id).exists():
            # Deleted meanwhile (its account, for one): the file has no row to expire with.
            export.file.delete(save=False)
            return "gone"
        export.finished_at = timezone.now()
        export.expires_at = export.finished_at + timedelta(days=settings.DATA_EXPORT_VALID_DAYS)
        export.save(update_fields=["file", "size", "finished_at", "expires_at"])
        _notify_ready(export)
    return "ready"


def _notify_ready(export: DataExport) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Ihre Daten stehen bis %(date)s zum Herunterladen bereit") % {
            "date": abs_date(export.expires_at)
        }
    notify(
        kind=NotificationKind.DATA_EXPORT_READY,
        recipient_ids=[export.user_id],
        title=title,
        url=reverse("forum:data_export"),
    )
