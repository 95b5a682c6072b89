"""Moderation: hiding and restoring posts, locking, pinning and moving topics, reports and
their handling; every moderator action is written to the moderation log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import events, notifications, selectors
from .. import rules as policy
from ..models import (
    ModerationLogEntry,
    Post,
    Report,
    Space,
    Topic,
)
from ..signals import send_lesson_changed
from ..streams import topic_stream


def _log(
    *,
    actor: Any,
    action: str,
    space: Space,
    topic: Topic | None = None,
    post: Post | None = None,
    subject: str = "",
    reason: str = "",
) -> None:
    ModerationLogEntry.objects.create(
        consortium_id=space.consortium_id,
        space=space,
        actor=actor,
        action=action,
        topic=topic,
        post=post,
        subject=subject[:300],
        reason=reason[:500],
    )


def _require_moderator(actor: Any, space: Space) -> None:
    if not policy.allowed(actor, "forum.moderate_space", space):
        raise PermissionDenied
    if not policy.has_mfa(actor):
        raise PermissionDenied(_("Zum Moderieren ist die Zwei-Faktor-Anmeldung nötig."))


def _required_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Bitte geben Sie einen Grund an.")})
    return reason[:500]


def _set_hidden(post: Post, moderator: Any, *, hidden: bool, reason: str) -> Post:
    post = (
        Post.objects.select_for_update(of=("self",)).select_related("topic__space").get(pk=post.pk)
    )
    _require_moderator(moderator, post.topic.space)
    if hidden:
        post.hidden_at, post.hidden_by, post.hidden_reason = timezone.now(), moderator, reason
    else:
        post.hidden_at, post.hidden_by, post.hidden_reason = None, None, ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    if post.topic.is_lesson:
        send_lesson_changed(post.topic)
    notifications.counter.touch_recipients(Q(post=post))
    _log(
        actor=moderator,
        action=ModerationLogEntry.Action.HIDE if hidden else ModerationLogEntry.Action.RESTORE,
        space=post.topic.space,
        topic=post.topic,
        post=post,
        subject=post.topic.title,
        reason=reason,
    )
    events.publish_post(post, "post.changed", "hidden" if hidden else "restored")
    notifications.notify_moderation(
        post=post,
        moderator=moderator,
        action=_("Ausgeblendet") if hidden else _("Wieder eingeblendet"),
    )
    return post


@transaction.atomic
def hide_post(*, post: Post, moderator: Any, reason: str) -> Post:
    """Others see „Von der Moderation ausgeblendet“; the author sees the text and the reason."""
    return _set_hidden(post, moderator, hidden=True, reason=_required_reason(reason))


@transaction.atomic
def restore_post(*, post: Post, moderator: Any, reason: str = "") -> Post:
    return _set_hidden(post, moderator, hidden=False, reason=reason)


@transaction.atomic
def set_topic_flag(
    *, topic: Topic, moderator: Any, flag: str, value: bool, reason: str = ""
) -> Topic:
    """Lock/unlock (``flag="locked"``) or pin/unpin (``flag="pinned"``) a topic."""
    actions = {
        ("locked", True): ModerationLogEntry.Action.LOCK,
        ("locked", False): ModerationLogEntry.Action.UNLOCK,
        ("pinned", True): ModerationLogEntry.Action.PIN,
        ("pinned", False): ModerationLogEntry.Action.UNPIN,
    }
    action = actions[(flag, value)]
    topic = Topic.objects.select_for_update(of=("self",)).select_related("space").get(pk=topic.pk)
    _require_moderator(moderator, topic.space)
    setattr(topic, f"is_{flag}", value)
    topic.save(update_fields=[f"is_{flag}"])
    events.publish_topic_changed(topic)
    _log(
        actor=moderator,
        action=action,
        space=topic.space,
        topic=topic,
        subject=topic.title,
        reason=reason,
    )
    return topic


class MoveNeedsConsent(ValidationError):
    """Moving between a closed space and an academy-wide one (or another consortium's) would
    change who reads the authors' posts: that is sharing, and asks the authors first
    (``forum.services.sharing.propose_share``)."""


def crosses_spaces(source: Space, target: Space) -> bool:
    """Whether a move from ``source`` to ``target`` changes who may read the topic."""
    return source.consortium_id != target.consortium_id


@transaction.atomic
def move_topic(*, topic: Topic, moderator: Any, target: Space, reason: str = "") -> Topic:
    """Within one consortium's spaces, or between academy-wide spaces: readers stay the same."""
    topic = Topic.objects.select_for_update(of=("self",)).select_related("space").get(pk=topic.pk)
    source = topic.space
    _require_moderator(moderator, source)
    if crosses_spaces(source, target):
        raise MoveNeedsConsent(
            {
                "target": _(
                    "Damit würde sich ändern, wer die Diskussion lesen kann. Das geht nur mit "
                    "Zustimmung der Autorinnen und Autoren: Schlagen Sie vor, die Diskussion "
                    "zu teilen."
                )
            }
        )
    if not selectors.move_targets(topic, moderator).filter(pk=target.pk).exists():
        raise ValidationError(
            {"target": _("In diesen Bereich kann die Diskussion nicht verschoben werden.")}
        )
    topic.space = target
    topic.save(update_fields=["space"])
    if topic.is_lesson:
        send_lesson_changed(topic)
    notifications.counter.touch_recipients(Q(topic=topic) | Q(post__topic=topic))
    events.publish(
        topic_stream(topic.pk), "topic.moved", {"topic_id": topic.pk, "space_id": target.pk}
    )
    subject = f"{topic.title}: {source.name} → {target.name}"
    _log(
        actor=moderator,
        action=ModerationLogEntry.Action.MOVE,
        space=source,
        topic=topic,
        subject=subject,
        reason=reason,
    )
    return topic


@transaction.atomic
def report_post(*, post: Post, reporter: Any, reason: str) -> Report:
    """Anyone who takes part in the space may report; a second open report is not duplicated."""
    if not policy.allowed(reporter, "forum.post_in_space", post.topic.space):
        raise PermissionDenied
    reason = _required_reason(reason)
    open_report = Report.objects.filter(
        post=post, reporter=reporter, handled_at__isnull=True
    ).first()
    if open_report:
        return open_report
    report = Report.objects.create(post=post, reporter=reporter, reason=reason)
    notifications.notify_report(report=report)
    return report


@transaction.atomic
def handle_report(*, report: Report, moderator: Any, resolution: str) -> Report:
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("post__topic__space")
        .get(pk=report.pk)
    )
    _require_moderator(moderator, report.post.topic.space)
    report.handled_at, report.handled_by = timezone.now(), moderator
    report.resolution = (resolution or "").strip()[:500]
    report.save(update_fields=["handled_at", "handled_by", "resolution"])
    _log(
        actor=moderator,
        action=ModerationLogEntry.Action.HANDLE_REPORT,
        space=report.post.topic.space,
        topic=report.post.topic,
        post=report.post,
        subject=report.reason,
        reason=report.resolution,
    )
    return report
