"""Reports of barriers ("Barriere melden"): received, answered, removed after their period."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from wagtail.log_actions import log

from forum import mail, notifications
from forum import rules as policy
from forum import selectors as forum_selectors
from forum.markdown import render_plain_snippet
from forum.models import NotificationKind
from forum.text import clean_line, clean_text

from ..models import BarrierReport

BARRIER_RECEIPT_SUBJECT = gettext_noop("Ihre Meldung einer Barriere ist eingegangen")


BARRIER_ANSWER_SUBJECT = gettext_noop("Antwort auf Ihre Meldung einer Barriere")


def _barrier_report_admin_url(report: BarrierReport) -> str:
    return reverse("wagtailsnippets_cms_barrierreport:edit", args=[report.pk])


def _queue_barrier_email(*, report: BarrierReport, template: str, subject: str) -> None:
    """To the sender's address, in the language they wrote in, through the one email path."""
    with translation.override(report.language or settings.LANGUAGE_CODE):
        context = {"report": report}
        text = render_to_string(f"cms/email/{template}.txt", context)
        html = render_to_string(f"cms/email/{template}.html", context)
        subject = _(subject)
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body=text, to=[report.email]
    )
    message.attach_alternative(html, "text/html")
    mail.queue_email(kind=template, message=message)


@transaction.atomic
def create_barrier_report(
    *,
    description: str,
    page_url: str = "",
    name: str = "",
    email: str = "",
    assistive_technology: str = "",
) -> BarrierReport:
    """Store a report sent through "Barriere melden" (no account needed), tell the editors
    (bell, and email as each prefers) and send the sender a receipt when they gave an address."""
    description = clean_text((description or "").replace("\x00", ""), field="description")
    if not description:
        raise ValidationError({"description": _("Bitte beschreiben Sie die Barriere.")})
    report = BarrierReport(
        page_url=clean_line(page_url, field="page_url")[:500],
        description=description,
        name=clean_line(name, field="name")[:200],
        email=(email or "").strip(),
        assistive_technology=clean_line(assistive_technology, field="assistive_technology")[:300],
        language=(translation.get_language() or settings.LANGUAGE_CODE).split("-")[0],
    )
    report.full_clean()
    report.save()
    notifications.notify(
        kind=NotificationKind.BARRIER_REPORT,
        recipient_ids=forum_selectors.editors_and_admins().values_list("pk", flat=True),
        title=render_plain_snippet(description, 120),
        url=_barrier_report_admin_url(report),
    )
    if report.email:
        _queue_barrier_email(
            report=report, template="barrier_receipt", subject=BARRIER_RECEIPT_SUBJECT
        )
    return report


@transaction.atomic
def handle_barrier_report(
    *, report: BarrierReport, actor: Any, status: str, answer: str
) -> BarrierReport:
    """An editor sets the report's status and (once, or changed) answers it: a new answer is
    emailed to the sender. Only editors and admins handle reports."""
    if not policy.allowed(actor, "cms.handle_barrier_reports"):
        raise PermissionDenied
    BarrierReport.Status(status)
    answer = (answer or "").replace("\x00", "").strip()
    previous = BarrierReport.objects.select_for_update().get(pk=report.pk)
    if answer and answer != previous.answer and not report.email:
        raise ValidationError(
            {"answer": _("Die Meldung hat keine E-Mail-Adresse: Eine Antwort kann nicht ankommen.")}
        )
    now = timezone.now()
    report.status = status
    report.answer = answer
    if status == BarrierReport.Status.DONE and previous.status != status:
        report.done_at = now
    elif status != BarrierReport.Status.DONE:
        report.done_at = None
    answered = bool(answer) and answer != previous.answer
    if answered:
        report.answered_at = now
    report.full_clean()
    report.save()
    log(instance=report, action="wagtail.edit", user=actor)
    if answered:
        _queue_barrier_email(
            report=report, template="barrier_answer", subject=BARRIER_ANSWER_SUBJECT
        )
    return report


@transaction.atomic
def delete_barrier_report(*, report: BarrierReport, actor: Any) -> None:
    if not policy.allowed(actor, "cms.handle_barrier_reports"):
        raise PermissionDenied
    log(instance=report, action="wagtail.delete", user=actor, deleted=True)
    report.delete()


@transaction.atomic
def remove_answered_barrier_reports(*, before: datetime) -> int:
    """Delete the reports that were done before ``before`` (with the sender's name and
    address); for the daily retention command, which passes now − ``BARRIER_REPORT_DAYS``.
    Reports still open are kept, however old. Returns how many were deleted."""
    deleted, _by_model = BarrierReport.objects.filter(
        status=BarrierReport.Status.DONE, done_at__lt=before
    ).delete()
    return deleted
