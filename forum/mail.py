"""What every email of the platform shares: absolute links, the reader's language, and the
message itself (subject prefix, plain text with an HTML alternative)."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend


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
