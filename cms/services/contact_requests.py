""" "Kontakt aufnehmen": questions to a case page's contact person, answered in a private
conversation or declined, removed after their period."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import notifications
from forum import rules as policy
from forum import services as forum_services
from forum.models import NotificationKind, display_name
from forum.text import clean_line, clean_text

from ..contact import MAX_DECLINE_REASON_LENGTH, MAX_QUESTION_LENGTH
from ..models import ContactRequest, LabCasePage


def asker_label(asker: Any) -> str:
    """The asker as the contact person sees them: name and town, never an address."""
    profile = getattr(asker, "profile", None)
    town = profile.town.name if profile is not None and profile.town_id else ""
    name = display_name(asker)
    return _("%(name)s aus %(town)s") % {"name": name, "town": town} if town else name


def _clean_question(question: str) -> str:
    question = clean_text(question, field="question")
    if not question:
        raise ValidationError({"question": _("Bitte schreiben Sie Ihre Frage.")})
    if len(question) > MAX_QUESTION_LENGTH:
        raise ValidationError(
            {
                "question": _(
                    "Die Frage ist %(length)s Zeichen lang; erlaubt sind höchstens %(max)s."
                )
                % {"length": f"{len(question):,}".replace(",", "."), "max": "1.500"}
            }
        )
    return question


@transaction.atomic
def ask_contact_person(*, page: LabCasePage, asker: Any, question: str) -> ContactRequest:
    """A member asks the contact person of ``page``; they are told (bell and email, as they
    prefer) with the asker's name, town, the page and the question, but no address.

    Refused: someone the policy does not let ask (``PermissionDenied``), a second open
    question about the same page, more than ``CONTACT_REQUESTS_PER_DAY`` questions in a day
    (``ValidationError``, the question kept by the form)."""
    if not policy.allowed(asker, "cms.ask_contact_person", page):
        raise PermissionDenied
    question = _clean_question(question)
    # One asker at a time: two submits at once cannot both pass the checks below.
    get_user_model().objects.select_for_update().filter(pk=asker.pk).first()
    mine = ContactRequest.objects.filter(asker=asker)
    if mine.filter(page=page, state=ContactRequest.State.OPEN).exists():
        raise ValidationError(
            _(
                "Sie haben zu dieser Fallstudie schon eine Frage gestellt, die noch nicht "
                "beantwortet ist. Bitte warten Sie die Antwort ab."
            )
        )
    limit = settings.CONTACT_REQUESTS_PER_DAY
    if mine.filter(created_at__gte=timezone.now() - timedelta(days=1)).count() >= limit:
        raise ValidationError(
            _(
                "Sie haben in den letzten 24 Stunden schon %(max)s Fragen gestellt. Bitte "
                "versuchen Sie es morgen noch einmal; Ihr Text bleibt hier stehen."
            )
            % {"max": limit}
        )
    contact_request = ContactRequest.objects.create(
        asker=asker,
        contact_person_id=page.contact_person_id,
        page=page,
        page_title=page.title,
        question=question,
    )
    notifications.notify(
        kind=NotificationKind.CONTACT_REQUEST,
        recipient_ids=[page.contact_person_id],
        title=_("%(asker)s fragt zu „%(page)s“")
        % {"asker": asker_label(asker), "page": page.title},
        url=reverse("cms:contact_requests") + f"#anfrage-{contact_request.pk}",
        actor=asker,
        excerpt=question,
    )
    return contact_request


def _locked_open_request(contact_request: ContactRequest, contact: Any) -> ContactRequest:
    if not policy.allowed(contact, "cms.answer_contact_request", contact_request):
        raise PermissionDenied
    locked = (
        ContactRequest.objects.select_for_update(of=("self",))
        .select_related("asker__profile", "page")
        .get(pk=contact_request.pk)
    )
    if not locked.is_open:
        raise ValidationError(_("Diese Anfrage ist schon beantwortet oder abgelehnt."))
    return locked


@transaction.atomic
def answer_contact_request(
    *, contact_request: ContactRequest, contact: Any, answer: str
) -> ContactRequest:
    """The contact person answers: the pair's private conversation gets the question and the
    answer, and the asker is told (``contact_answered``)."""
    locked = _locked_open_request(contact_request, contact)
    asker = locked.asker
    if not asker.is_active:
        raise ValidationError(
            _("Die Person, die gefragt hat, ist nicht mehr Mitglied der Akademie.")
        )
    conversation = forum_services.open_with_answer(
        asker=asker,
        contact=contact,
        question=locked.question,
        asked_at=locked.created_at,
        answer=answer,
        title=_("%(name)s hat Ihre Frage zu „%(page)s“ beantwortet")
        % {"name": display_name(contact), "page": locked.page_title},
    )
    locked.state = ContactRequest.State.ANSWERED
    locked.answered_at = timezone.now()
    locked.conversation = conversation
    locked.save(update_fields=["state", "answered_at", "conversation"])
    return locked


@transaction.atomic
def decline_contact_request(
    *, contact_request: ContactRequest, contact: Any, reason: str = "", block: bool = False
) -> ContactRequest:
    """The contact person declines, with an optional short reason the asker reads. With
    ``block`` the asker can send them no further questions or messages, and their other open
    questions to this person are declined too."""
    locked = _locked_open_request(contact_request, contact)
    reason = clean_line(reason, field="reason")
    if len(reason) > MAX_DECLINE_REASON_LENGTH:
        raise ValidationError(
            {"reason": _("Bitte fassen Sie die Begründung in höchstens 300 Zeichen.")}
        )
    declined = [locked]
    if block:
        forum_services.block_person(blocker=contact, blocked=locked.asker)
        declined += list(
            ContactRequest.objects.select_for_update()
            .filter(asker=locked.asker, contact_person=contact, state=ContactRequest.State.OPEN)
            .exclude(pk=locked.pk)
        )
    now = timezone.now()
    for item in declined:
        item.state = ContactRequest.State.DECLINED
        item.answered_at = now
        item.decline_reason = reason
        item.save(update_fields=["state", "answered_at", "decline_reason"])
        notifications.notify(
            kind=NotificationKind.CONTACT_ANSWERED,
            recipient_ids=[item.asker_id],
            title=_("Ihre Frage zu „%(page)s“ wurde abgelehnt") % {"page": item.page_title},
            url=reverse("cms:contact_requests") + f"#anfrage-{item.pk}",
            actor=contact,
            excerpt=reason,
        )
    return locked


def remove_old_contact_requests(*, before: datetime) -> int:
    """Retention: questions asked before ``before`` that were declined or never answered
    (an answered one lives on in its conversation)."""
    deleted, _per_model = ContactRequest.objects.filter(
        created_at__lt=before, state__in=[ContactRequest.State.OPEN, ContactRequest.State.DECLINED]
    ).delete()
    return deleted
