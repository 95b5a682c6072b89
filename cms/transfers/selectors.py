"""Reads of the transfer tracking that depend on who asks. Everything starts from
``cms.selectors.transfers_visible_to`` (the queryset side of ``cms.see_transfer``), so counts,
charts and lists show only what the viewer may see; none of them grows in queries with rows."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, DateField, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate, TruncQuarter
from django.urls import reverse

from forum import rules as policy
from forum.models import Challenge, Consortium, Town

from .. import rules as cms_rules
from ..models import (
    LabCasePage,
    Transfer,
    TransferEvidence,
    TransferStatus,
    TransferStatusChange,
)
from ..selectors import case_pages_visible_to, transfers_visible_to
from . import chart

LIST_LIMIT = 50
LATEST_LIMIT = 20
STATUS_ORDER = [status for status, _label in TransferStatus.choices]


def summary_of(transfers: QuerySet[Transfer]) -> dict[str, int]:
    """ "3 Städte haben das übernommen, 1 umgesetzt": towns that took it up (not dropped), the
    ones that finished, and the ones that dropped it; one query."""
    return transfers.order_by().aggregate(
        adopted=Count("town", distinct=True, filter=~Q(status=TransferStatus.DROPPED)),
        done=Count("town", distinct=True, filter=Q(status=TransferStatus.DONE)),
        dropped=Count("town", distinct=True, filter=Q(status=TransferStatus.DROPPED)),
    )


def _source_field(source: Any) -> str:
    return "case_page" if isinstance(source, LabCasePage) else "action_module"


def source_context(source: Any, user: Any) -> dict[str, Any]:
    """For a case page or action module: who took it up, and whether the viewer may record
    that their town does too."""
    visible = transfers_visible_to(user).filter(**{_source_field(source): source})
    may_record = policy.allowed(user, "cms.record_transfer", source) and bool(
        recording_choices(user, source)
    )
    return {
        "transfer_summary": summary_of(visible),
        "transfers": list(visible[:LIST_LIMIT]),
        "transfer_record_url": reverse("cms:record_transfer", kwargs={"page_id": source.pk})
        if may_record
        else "",
    }


def town_context(town: Town, user: Any) -> dict[str, Any]:
    """A town page: what others took up from this town's labs, and what it took up itself."""
    visible = transfers_visible_to(user)
    return {
        "transfers_from_us": list(visible.filter(case_page__town=town)[:LIST_LIMIT]),
        "transfers_by_us": list(visible.filter(town=town)[:LIST_LIMIT]),
    }


def transfer_for(pk: int, user: Any) -> Transfer | None:
    """The transfer with its history and the evidence the viewer may open, or ``None`` if it
    does not exist or the viewer may not see it (the two look alike)."""
    transfer = (
        transfers_visible_to(user)
        .select_related("recorded_by__profile", "case_page__consortium")
        .prefetch_related(
            Prefetch(
                "history",
                queryset=TransferStatusChange.objects.select_related("changed_by__profile"),
            ),
            Prefetch(
                "evidence",
                queryset=TransferEvidence.objects.select_related("case_page", "added_by__profile"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if transfer is None:
        return None
    # A later case page shown as evidence may be internal to a consortium the viewer is not in.
    transfer.visible_evidence = [
        item
        for item in transfer.evidence.all()
        if item.case_page is None or cms_rules.source_is_readable(user, item.case_page)
    ]
    return transfer


def evidence_file_for(pk: int, user: Any) -> TransferEvidence | None:
    """A file of a transfer the viewer may see, else ``None``."""
    return (
        TransferEvidence.objects.filter(pk=pk)
        .exclude(file="")
        .filter(transfer__in=transfers_visible_to(user).values("pk"))
        .first()
    )


def evidence_case_pages(transfer: Transfer, user: Any) -> list[LabCasePage]:
    """Case pages of the adopting town the viewer may read: what may serve as evidence."""
    return list(case_pages_visible_to(user).filter(town_id=transfer.town_id))


def recording_choices(user: Any, source: Any) -> list[tuple[str, str]]:
    """Form choices "town:consortium" for recording a transfer of ``source``; the source's own
    town and towns that took it up already are left out."""
    options = cms_rules.towns_acted_for(user)
    if not options:
        return []
    left_out = set(
        Transfer.objects.filter(**{_source_field(source): source}).values_list("town_id", flat=True)
    )
    left_out.add(getattr(source, "town_id", None))
    pairs = [(t, c) for t, c in options if t not in left_out]
    if not pairs:
        return []
    towns = Town.objects.in_bulk({t for t, _c in pairs})
    consortia = Consortium.objects.in_bulk({c for _t, c in pairs})
    several = len({c for _t, c in pairs}) > 1
    choices = []
    for town_id, consortium_id in sorted(
        pairs, key=lambda p: (towns[p[0]].name, consortia[p[1]].name)
    ):
        label = towns[town_id].name
        if several:
            label = f"{label} ({consortia[consortium_id].name})"
        choices.append((f"{town_id}:{consortium_id}", label))
    return choices


# --- the overview ------------------------------------------------------------------------


def overview_context(user: Any) -> dict[str, Any]:
    """The academy overview: transfers by Handlungsfeld and status, and per quarter, as charts
    and tables; the latest ones. A fixed number of queries."""
    visible = transfers_visible_to(user).order_by()
    totals = {row["status"]: row["n"] for row in visible.values("status").annotate(n=Count("pk"))}
    by_challenge: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    # A transfer counts once under each Handlungsfeld of its source.
    for path in ("case_page__challenges", "action_module__challenges"):
        rows = (
            visible.filter(**{f"{path.split('__')[0]}__isnull": False})
            .values(path, "status")
            .annotate(n=Count("pk", distinct=True))
        )
        for row in rows:
            by_challenge[row[path]][row["status"]] += row["n"]
    names = {c.pk: c.name for c in Challenge.objects.all()}
    challenge_rows = [
        (names[pk], [by_challenge[pk][s] for s in STATUS_ORDER])
        for pk in sorted((pk for pk in by_challenge if pk in names), key=lambda pk: names[pk])
    ]
    if None in by_challenge:
        challenge_rows.append(
            (chart.WITHOUT_CHALLENGE, [by_challenge[None][s] for s in STATUS_ORDER])
        )
    day = Coalesce("started_on", TruncDate("created_at"), output_field=DateField())
    quarter_rows: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        visible.annotate(quarter=TruncQuarter(day, output_field=DateField()))
        .values("quarter", "status")
        .annotate(n=Count("pk"))
    ):
        quarter_rows[row["quarter"]][row["status"]] += row["n"]
    known = sorted(q for q in quarter_rows if q is not None)
    axis = chart.quarters_between(known[0], known[-1]) if known else []
    quarters = [(chart.quarter_label(q), [quarter_rows[q][s] for s in STATUS_ORDER]) for q in axis]
    labels = [label for _value, label in TransferStatus.choices]
    return {
        "status_labels": labels,
        "status_totals": list(zip(labels, [totals.get(s, 0) for s in STATUS_ORDER], strict=True)),
        "total": sum(totals.values()),
        "challenge_rows": challenge_rows,
        "quarter_rows": quarters,
        "challenge_chart": chart.horizontal_bars(challenge_rows),
        "quarter_chart": chart.columns(quarters),
        "latest": list(transfers_visible_to(user)[:LATEST_LIMIT]),
    }
