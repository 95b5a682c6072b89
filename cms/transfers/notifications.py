"""Telling the origin town of a transfer, and asking the transfer again whenever such a
notification is shown or emailed (registered with ``forum.notifications.visibility``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, Q
from django.utils.translation import gettext as _

from forum import rules as policy
from forum.models import NotificationKind
from forum.notifications import counter, notify
from forum.notifications.visibility import register_object_rule

from ..models import Transfer, TransferNotice

TRANSFER_KINDS = (NotificationKind.TRANSFER_RECORDED, NotificationKind.TRANSFER_STATUS_CHANGED)


def register() -> None:
    register_object_rule(TRANSFER_KINDS, visible_notices_q)


def visible_notices_q(user: Any) -> Q:
    """Transfer notifications ``user`` may still see. Whether they are an editor is asked
    inside the same SQL, so a digest run costs no extra query per person."""
    from ..selectors import transfers_visible_q

    prefix = "transfer_notice__transfer__"
    as_editor = Q(
        Exists(
            get_user_model().groups.through.objects.filter(
                user_id=user.pk, group__name=policy.EDITOR_GROUP
            )
        )
    )
    return transfers_visible_q(user, prefix, editor=False) | (
        as_editor & transfers_visible_q(user, prefix, editor=True)
    )


def origin_people(transfer: Transfer) -> list[int]:
    """Who hears of a transfer: the active staff of the source's town and the case page's
    contact person, each only if they may see the transfer. Action modules have no town."""
    page = transfer.case_page
    if page is None:
        return []
    candidates = policy.with_editor_flag(
        get_user_model()
        .objects.filter(Q(profile__town_id=page.town_id) | Q(pk=page.contact_person_id or 0))
        .filter(is_active=True)
        .select_related("profile")
        .prefetch_related("memberships")
        .distinct()
    )
    return [
        person.pk for person in candidates if policy.allowed(person, "cms.see_transfer", transfer)
    ]


def tell_origin(*, transfer: Transfer, kind: str, title: str, actor: Any) -> None:
    """Call inside the transaction of the change."""
    created = notify(
        kind=kind,
        recipient_ids=origin_people(transfer),
        title=title,
        url=transfer.get_absolute_url(),
        actor=actor,
    )
    TransferNotice.objects.bulk_create(
        TransferNotice(notification=notification, transfer=transfer) for notification in created
    )


def recorded_title(transfer: Transfer) -> str:
    return _("%(town)s übernimmt „%(source)s“") % {
        "town": transfer.town.name,
        "source": transfer.source.title,
    }


def status_title(transfer: Transfer) -> str:
    return _("%(town)s, „%(source)s“: %(status)s") % {
        "town": transfer.town.name,
        "source": transfer.source.title,
        "status": transfer.get_status_display(),
    }


def recount_bells(transfer: Transfer) -> None:
    """Whoever was told of ``transfer`` counts their bell again: what they may see of it
    changed (call before deleting it)."""
    counter.touch_recipients(Q(transfer_notice__transfer=transfer))
