"""Transfers for read tests, written directly (the services are tested on their own), and what
the tests expect of their visibility, stated independently of cms.rules."""

from cms.models import (
    LabCasePage,
    Transfer,
    TransferStatus,
    TransferStatusChange,
    TransferVisibility,
)

# Who reads each kind of source, and who sees a transfer recorded in the cast's consortium
# ("own") or in the other one ("other") when it is internal.
READS_SOURCE = {
    "public_case": {"anonymous", "outsider", "member", "coach", "core_team", "editor", "admin"},
    "module": {"anonymous", "outsider", "member", "coach", "core_team", "editor", "admin"},
    "internal_case": {"member", "coach", "core_team", "editor", "admin"},
}
SEES_INTERNAL_TRANSFER = {
    "own": {"member", "coach", "core_team", "editor", "admin"},
    "other": {"outsider", "editor", "admin"},
}
EVERYONE = READS_SOURCE["public_case"]


def expected_visible(role: str, *, source: str, visibility: str, consortium: str) -> bool:
    itself = EVERYONE if visibility == "public" else SEES_INTERNAL_TRANSFER[consortium]
    return role in READS_SOURCE[source] and role in itself


def source_page(case_site, source: str):
    return {
        "public_case": case_site.public_case,
        "internal_case": case_site.internal_case,
        "module": case_site.module,
    }[source]


def adopting(cast, consortium: str):
    """A town of the named consortium other than the member's own (the cases' town)."""
    chosen = cast.consortium if consortium == "own" else cast.other_consortium
    member_town = cast.user("member").profile.town_id
    return chosen, chosen.towns.exclude(pk=member_town).order_by("pk").first()


def make_transfer(
    *, source, town, consortium, visibility="public", status=TransferStatus.PLANNED, by=None
):
    fields = {"case_page": source} if isinstance(source, LabCasePage) else {"action_module": source}
    transfer = Transfer.objects.create(
        town=town,
        consortium=consortium,
        visibility=TransferVisibility(visibility),
        status=status,
        recorded_by=by,
        **fields,
    )
    TransferStatusChange.objects.create(transfer=transfer, status=status, changed_by=by)
    return transfer
