"""Notification emails: subjects, the message in the recipient's language with one-click
unsubscribe, the signed unsubscribe tokens, and the task that sends one immediate email
(idempotent, access re-checked, SMTP failures retried with a growing delay)."""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from ..mail import (
    MAX_ATTEMPTS,
    deliver,
    language_of,
    mail_server,
    message_to,
    retry_delay,
    site_url,
)
from ..models import Delivery, Notification, NotificationKind, NotificationSettings
from ..tasks import enqueue_later
from .preferences import DIGEST_PERIODS, deliveries_by_user, delivery_of, set_preferences
from .visibility import actor_name, is_still_visible

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "forum.notifications.unsubscribe"


# --- unsubscribing -------------------------------------------------------------------------


def unsubscribe_token(user: Any, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def digest_unsubscribe_token(user: Any, period: str) -> str:
    return signing.dumps({"u": user.pk, "p": period}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str | None, str | None]:
    """(user id, kind, digest period) from a token, exactly one of kind and period set;
    ``signing.BadSignature`` for anything tampered, ``ValueError`` for unknown values."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if "p" in data:
        period = Delivery(data["p"])
        if period not in DIGEST_PERIODS:
            raise ValueError(period)
        return int(data["u"]), None, period
    return int(data["u"]), NotificationKind(data["k"]), None


def unsubscribe_url(user: Any, kind: str) -> str:
    token = unsubscribe_token(user, kind)
    return site_url(reverse("forum:unsubscribe", kwargs={"token": token}))


def digest_unsubscribe_url(user: Any, period: str) -> str:
    token = digest_unsubscribe_token(user, period)
    return site_url(reverse("forum:unsubscribe", kwargs={"token": token}))


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[Any, list[str]]:
    """Stops the emails the token stands for: one kind, or every kind the person gets in that
    digest. The notifications stay in the app. Returns the person and the kinds changed."""
    user_id, kind, period = read_unsubscribe_token(token)
    user = get_user_model().objects.get(pk=user_id)
    deliveries = deliveries_by_user([user.pk])[user.pk]
    if kind is not None:
        kinds = [kind] if deliveries[kind] != Delivery.OFF else []
    else:
        kinds = [k for k, delivery in deliveries.items() if delivery == period]
    set_preferences(user=user, deliveries={k: Delivery.IN_APP for k in kinds})
    return user, kinds


# --- messages ------------------------------------------------------------------------------


def post_content_allowed() -> bool:
    """Whether the academy lets forum text into emails (a Wagtail setting)."""
    return NotificationSettings.load().include_post_content


def build_message(
    *,
    user: Any,
    subject: str,
    template: str,
    context: dict,
    unsubscribe_link: str,
    include_content: bool,
):
    """The email in ``user``'s language; ``subject`` is a msgid, filled from ``subject_args``."""
    with translation.override(language_of(user)):
        context = {
            **context,
            "recipient": user,
            "include_content": include_content,
            "unsubscribe_url": unsubscribe_link,
            "preferences_url": site_url(reverse("forum:notification_preferences")),
        }
        subject = _(subject) % context.get("subject_args", {})
        context["subject"] = subject
        text = render_to_string(f"forum/email/{template}.txt", context)
        html = render_to_string(f"forum/email/{template}.html", context)
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return message_to(user, subject=subject, text=text, html=html, headers=headers)


SUBJECTS = {
    NotificationKind.MENTION: gettext_noop("%(actor)s hat Sie erwähnt: %(title)s"),
    NotificationKind.REPLY: gettext_noop("Neue Antwort: %(title)s"),
    NotificationKind.NEW_TOPIC: gettext_noop("Neue Diskussion: %(title)s"),
    NotificationKind.MODERATION: gettext_noop("Moderation an Ihrem Beitrag: %(title)s"),
    NotificationKind.WORKSHOP_OPEN: gettext_noop("Anmeldung geöffnet: %(title)s"),
    NotificationKind.WORKSHOP_MOVED_UP: gettext_noop("Sie sind nachgerückt: %(title)s"),
    NotificationKind.WORKSHOP_REMINDER: gettext_noop("Erinnerung: %(title)s"),
    NotificationKind.WORKSHOP_MOVED: gettext_noop("Neuer Termin oder Ort: %(title)s"),
    NotificationKind.WORKSHOP_CANCELLED: gettext_noop("Abgesagt: %(title)s"),
    NotificationKind.INVITATION_ACCEPTED: gettext_noop("%(title)s"),
    NotificationKind.REPORT: gettext_noop("Neue Meldung: %(title)s"),
    NotificationKind.CASE_REVIEW: gettext_noop("Fallstudie zur Prüfung: %(title)s"),
    NotificationKind.CASE_DECISION: gettext_noop("%(title)s"),
    NotificationKind.DATA_EXPORT_READY: gettext_noop("%(title)s"),
    NotificationKind.BARRIER_REPORT: gettext_noop("Neue Meldung einer Barriere: %(title)s"),
    NotificationKind.SHARE_CONSENT: gettext_noop("%(title)s"),
    NotificationKind.SHARE_CONFIRM: gettext_noop("%(title)s"),
    NotificationKind.SHARE_DONE: gettext_noop("%(title)s"),
    NotificationKind.CONTACT_REQUEST: gettext_noop("Eine Frage an Sie: %(title)s"),
    NotificationKind.CONTACT_ANSWERED: gettext_noop("%(title)s"),
    NotificationKind.CONVERSATION_MESSAGE: gettext_noop("%(title)s"),
    NotificationKind.TRANSFER_RECORDED: gettext_noop("%(title)s"),
    NotificationKind.TRANSFER_STATUS_CHANGED: gettext_noop("%(title)s"),
}


# Subjects (and the email's only sentence) when the academy keeps forum text out of emails.
CONTENT_FREE_SUBJECTS = {
    NotificationKind.MENTION: gettext_noop("Sie wurden in einem Beitrag erwähnt"),
    NotificationKind.REPLY: gettext_noop("Sie haben eine neue Antwort"),
    NotificationKind.NEW_TOPIC: gettext_noop("Es gibt eine neue Diskussion"),
    NotificationKind.MODERATION: gettext_noop("Die Moderation hat an Ihrem Beitrag etwas geändert"),
    NotificationKind.REPORT: gettext_noop("Es gibt eine neue Meldung zum Bearbeiten"),
    NotificationKind.SHARE_CONSENT: gettext_noop(
        "Sie werden um Zustimmung zum Teilen eines Beitrags gebeten"
    ),
    NotificationKind.SHARE_CONFIRM: gettext_noop(
        "Ein Vorschlag zum Teilen wartet auf Ihre Bestätigung"
    ),
    NotificationKind.SHARE_DONE: gettext_noop("Eine Diskussion wurde mit Zustimmung geteilt"),
    NotificationKind.CONTACT_REQUEST: gettext_noop("Jemand hat Ihnen eine Frage gestellt"),
    NotificationKind.CONTACT_ANSWERED: gettext_noop("Es gibt Neues zu Ihrer Kontaktanfrage"),
    NotificationKind.CONVERSATION_MESSAGE: gettext_noop("Sie haben eine neue Nachricht"),
}
# The forum's kinds (and the personal messages): those whose emails follow the academy's
# content setting.
FORUM_KINDS = frozenset(CONTENT_FREE_SUBJECTS)


# --- sending -------------------------------------------------------------------------------


@task()
def send_notification_email(notification_id: int) -> str:
    """One immediate email; idempotent (``emailed_at``), re-checks access, retries SMTP
    failures with a growing delay. What the person may not see (any more) is not sent; the row
    stays, hidden by ``visible_q`` for as long as that lasts (a hidden post may be restored).

    The notification stays locked from the check of ``emailed_at`` until the record of the
    sending commits, right after the mail server accepted the message (see ``mail_server``):
    two runs of the task cannot both send, and a run after a killed one sends only if the
    killed one died before the record committed."""
    with mail_server() as server, transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient__profile", "actor__profile", "workshop__host_town")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None:
            return "skipped"
        if not is_still_visible(notification):
            return "withdrawn"
        recipient = notification.recipient
        if not recipient.email or delivery_of(recipient, notification.kind) != Delivery.IMMEDIATE:
            return "not wanted"
        # With post content kept out of emails, forum notices say only that there is news.
        include_content = post_content_allowed()
        withheld = notification.kind in FORUM_KINDS and not include_content
        message = build_message(
            user=recipient,
            subject=CONTENT_FREE_SUBJECTS[notification.kind]
            if withheld
            else SUBJECTS[notification.kind],
            template="notification",
            unsubscribe_link=unsubscribe_url(recipient, notification.kind),
            include_content=include_content,
            context={
                "notification": notification,
                "withheld": withheld,
                "actor_name": actor_name(notification),
                "url": site_url(notification.url),
                "subject_args": {
                    "actor": actor_name(notification),
                    "title": notification.title,
                },
            },
        )
        notification.email_attempts += 1
        try:
            deliver(server, message)
        except (smtplib.SMTPException, OSError) as error:
            notification.save(update_fields=["email_attempts"])
            if notification.email_attempts >= MAX_ATTEMPTS:
                logger.error("Giving up on notification %s: %s", notification_id, error)
                return "failed"
            delay = retry_delay(notification.email_attempts)
            logger.warning("Notification %s: %s; retrying in %s", notification_id, error, delay)
            # The in-process backend of the embedded default cannot wait: there the failure
            # is only logged, and the next digest run or a later event is the fallback.
            enqueue_later(send_notification_email, delay, notification_id)
            return "retry"
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at", "email_attempts"])
    return "sent"
