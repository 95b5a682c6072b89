"""What every email of the platform shares: absolute links, the reader's language, and the
message itself (subject prefix, plain text with an HTML alternative)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives


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
