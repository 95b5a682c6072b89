"""What every email of the platform shares: absolute links, the reader's language, the message
itself (subject prefix, plain text with an HTML alternative), and the one way out: queued in
the transaction of the change, sent by a task, retried while the mail server fails."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import OutgoingEmail
from .tasks import enqueue, enqueue_later

logger = logging.getLogger(__name__)

# The farewell email of an erased account (forum.privacy.erasure) is the last row that holds the
# old address: once sent or given up, the address goes with the content.
ACCOUNT_DELETED_KIND = "account_deleted"
# Every email, notifications included: tried this often, waiting 2, 4, 8, 16 minutes between.
MAX_ATTEMPTS = 5


def retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=2**attempts)


def site_url(path: str) -> str:
    """``path`` as an absolute link for emails and calendars."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def language_of(user: Any) -> str:
    """The language a person reads the site in: the one chosen in their Wagtail account
    settings, else the site's default (German)."""
    profile = getattr(user, "wagtail_userprofile", None)
    language = getattr(profile, "preferred_language", "") or ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def message_to(
    user: Any, *, subject: str, text: str, html: str, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    """A translated, rendered message to ``user``, ready to ``send()``."""
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=text,
        to=[user.email],
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    return message


@contextmanager
def mail_server() -> Iterator[BaseEmailBackend]:
    """A connection to the mail server that says goodbye (SMTP ``QUIT``) only when the block
    ends. Open the transaction that records the sending inside it, and ``deliver`` in that
    transaction: ``deliver`` returns as soon as the server has accepted the message, the record
    commits right after, and only then is the connection closed. A worker killed while saying
    goodbye has recorded the email, so its task run again sends nothing; a goodbye that fails
    does not matter any more."""
    connection = get_connection()
    try:
        yield connection
    finally:
        with suppress(smtplib.SMTPException, OSError):
            connection.close()


def deliver(connection: BaseEmailBackend, message: EmailMessage) -> None:
    """Hand ``message`` to the mail server over ``connection`` (kept open, see ``mail_server``);
    raises unless the server accepted it."""
    connection.open()
    connection.send_messages([message])


def queue_email(*, kind: str, message: EmailMultiAlternatives, recipient: Any = None) -> None:
    """Send ``message`` once the current transaction commits, one email per address; nothing
    leaves if it rolls back. ``kind`` names the email in logs and in the record."""
    html = next(
        (content for content, mimetype in message.alternatives if mimetype == "text/html"), ""
    )
    for address in message.to:
        email = OutgoingEmail.objects.create(
            kind=kind,
            recipient=recipient,
            from_email=message.from_email or "",
            to=address,
            subject=message.subject,
            text=message.body,
            html=html,
            headers=dict(message.extra_headers),
        )
        enqueue(send_outgoing_email, email.pk)


@task()
def send_outgoing_email(email_id: int) -> str:
    """Send one queued email; idempotent. The row stays locked from the check of ``sent_at``
    until the record of the sending commits, right after the mail server accepted it (see
    ``mail_server``)."""
    with mail_server() as server, transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.sent_at is not None or email.failed_at is not None:
            return "skipped"
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.text,
            from_email=email.from_email or None,
            to=[email.to],
            headers=email.headers,
        )
        if email.html:
            message.attach_alternative(email.html, "text/html")
        email.attempts += 1
        try:
            deliver(server, message)
        except (smtplib.SMTPException, OSError) as error:
            return _not_accepted(email, error)
        _forget_content(email, sent_at=timezone.now())
    return "sent"


def _not_accepted(email: OutgoingEmail, error: Exception) -> str:
    if email.attempts >= MAX_ATTEMPTS:
        logger.error("Giving up on %s email %s: %s", email.kind, email.pk, error)
        _forget_content(email, failed_at=timezone.now())
        return "failed"
    email.save(update_fields=["attempts"])
    delay = retry_delay(email.attempts)
    logger.warning("%s email %s: %s; retrying in %s", email.kind, email.pk, error, delay)
    # The in-process backend of the embedded default cannot wait: there the failure is logged.
    enqueue_later(send_outgoing_email, delay, email.pk)
    return "retry"


def _forget_content(email: OutgoingEmail, **ended: Any) -> None:
    for field, value in ended.items():
        setattr(email, field, value)
    email.subject, email.text, email.html, email.headers = "", "", "", {}
    forgotten = ["subject", "text", "html", "headers"]
    if email.kind == ACCOUNT_DELETED_KIND:
        email.to = ""
        forgotten.append("to")
    email.save(update_fields=[*ended, "attempts", *forgotten])
