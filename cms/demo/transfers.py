"""Demo transfers between the report's towns (``transfers.toml``), recorded through the
services as the towns' demo accounts would. Idempotent: a transfer of the same town and source
is left as it is."""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model

from forum.demo import demo_email
from forum.models import Town

from ..models import ActionModulePage, LabCasePage, Transfer
from ..transfers import services

_DATA = tomllib.loads((Path(__file__).parent / "transfers.toml").read_text(encoding="utf-8"))
TRANSFERS: list[dict[str, Any]] = _DATA["transfer"]
LABEL = "Übertragungen"


def _source(row: dict[str, Any]) -> Any:
    if "case" in row:
        return LabCasePage.objects.live().filter(slug=row["case"]).first()
    return ActionModulePage.objects.live().filter(slug=row["module"]).first()


def seed_transfers(*, created: Counter, warn: Callable[[str], None]) -> None:
    for row in TRANSFERS:
        town = Town.objects.filter(slug=row["town"]).first()
        actor = get_user_model().objects.filter(email__iexact=demo_email(row["by"])).first()
        source = _source(row)
        if town is None or actor is None or source is None:
            warn(f"Demo transfer of {row['town']} skipped: town, account or source missing.")
            continue
        field = "case_page" if isinstance(source, LabCasePage) else "action_module"
        if Transfer.objects.filter(town=town, **{field: source}).exists():
            continue
        consortium = actor.memberships.filter(consortium__towns=town).first()
        if consortium is None:
            warn(f"Demo transfer of {row['town']} skipped: {row['by']} is in no consortium of it.")
            continue
        transfer = services.record_transfer(
            actor=actor,
            source=source,
            town=town,
            consortium=consortium.consortium,
            status=row["status"],
            started_on=row.get("started_on"),
            finished_on=row.get("finished_on"),
            notes=row.get("notes", ""),
            adaptations=row.get("adaptations", ""),
            visibility=row["visibility"],
        )
        for status in row.get("steps", []):
            services.change_transfer_status(transfer=transfer, actor=actor, status=status)
        created[LABEL] += 1
