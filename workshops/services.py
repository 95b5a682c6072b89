"""Every write of the workshops app: plan, register (with capacity, quota and waiting list),
run and document a Transferwerkstatt."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forum import events, notifications
from forum import rules as policy
from forum import services as forum_services
from forum.markdown import render_markdown
from forum.models import Consortium, NotificationKind, Town
from forum.services import require_unchanged
from forum.templatetags.dates import abs_datetime
from forum.text import clean_line
from forum.uploads import MAX_ATTACHMENTS_PER_POST, check_uploads, make_thumbnail

from . import selectors
from .models import (
    AGENDA_TEMPLATE,
    AgendaItem,
    CalendarFeed,
    IdeaCard,
    Registration,
    RoadmapItem,
    Workshop,
    WorkshopFile,
    new_feed_token,
)
from .streams import workshop_stream

logger = logging.getLogger(__name__)

REMINDER_DAYS_AHEAD = 3
MAX_PROTOCOL_LENGTH = 50_000
MAX_IDEAS_PER_WORKSHOP = 500
# forum.uploads.check_uploads refuses more anyway; one limit for both.
MAX_FILES_PER_UPLOAD = MAX_ATTACHMENTS_PER_POST

# Which status a workshop may move to from which.
TRANSITIONS: dict[str, set[str]] = {
    Workshop.Status.PLANNED: {Workshop.Status.OPEN, Workshop.Status.CANCELLED},
    Workshop.Status.OPEN: {
        Workshop.Status.CLOSED,
        Workshop.Status.PLANNED,
        Workshop.Status.CANCELLED,
    },
    Workshop.Status.CLOSED: {Workshop.Status.OPEN, Workshop.Status.HELD, Workshop.Status.CANCELLED},
    Workshop.Status.HELD: set(),
    Workshop.Status.CANCELLED: set(),
}


def _require(user: Any, permission: str, obj: Any) -> None:
    if not policy.allowed(user, permission, obj):
        raise PermissionDenied


def default_schedule(day: date) -> tuple[datetime, datetime]:
    """The 24-hour format: from 13:00 on the first day to 14:00 on the next, local time."""
    zone = timezone.get_default_timezone()
    starts_at = datetime.combine(day, datetime.min.time().replace(hour=13), tzinfo=zone)
    ends_at = datetime.combine(
        day + timedelta(days=1), datetime.min.time().replace(hour=14), tzinfo=zone
    )
    return starts_at, ends_at


@dataclass(frozen=True)
class WorkshopData:
    host_town: Town
    title: str
    starts_at: datetime
    ends_at: datetime
    venue_name: str
    venue_address: str
    capacity: int
    registration_deadline: datetime
    directions: str = ""
    description: str = ""
    seats_per_town: int | None = None
    announce_publicly: bool = False


def _validate(workshop: Workshop) -> None:
    errors: dict[str, str] = {}
    if workshop.ends_at <= workshop.starts_at:
        errors["ends_at"] = _("Das Ende muss nach dem Beginn liegen.")
    if workshop.registration_deadline > workshop.starts_at:
        errors["registration_deadline"] = _(
            "Der Anmeldeschluss muss vor dem Beginn der Transferwerkstatt liegen."
        )
    if not workshop.consortium.own_towns().filter(pk=workshop.host_town_id).exists():
        errors["host_town"] = _("Die gastgebende Kleinstadt gehört nicht zu diesem Verbund.")
    if errors:
        raise ValidationError(errors)
    workshop.full_clean(exclude=["discussion", "created_by"])


def _apply(workshop: Workshop, data: WorkshopData) -> None:
    for field in WorkshopData.__dataclass_fields__:
        value = getattr(data, field)
        setattr(workshop, field, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def create_workshop(
    *, consortium: Consortium, actor: Any, data: WorkshopData, at: datetime | None = None
) -> Workshop:
    """Plan a workshop with the 24-hour agenda template and its discussion topic. ``at``: when
    it was planned, for demo history (workshops/demo); people plan now."""
    _require(actor, "workshops.create_workshop", consortium)
    workshop = Workshop(consortium=consortium, created_by=actor, created_at=at or timezone.now())
    _apply(workshop, data)
    _validate(workshop)
    workshop.save()
    with translation.override(settings.LANGUAGE_CODE):
        AgendaItem.objects.bulk_create(
            AgendaItem(workshop=workshop, day=day, start=start, kind=kind, title=str(title))
            for day, start, kind, title in AGENDA_TEMPLATE
        )
        space = forum_services.create_consortium_space(consortium=consortium)
        # No date in the text: it would go stale when the workshop moves; the page is right.
        topic = forum_services.create_topic(
            space=space,
            author=actor,
            title=_("Transferwerkstatt: %(title)s") % {"title": workshop.title},
            body=_(
                "Hier bereiten wir die Transferwerkstatt in %(town)s vor und tragen danach "
                "zusammen, was wir mitnehmen. Termin, Programm und Anmeldung: %(url)s"
            )
            % {"town": workshop.host_town.name, "url": workshop.get_absolute_url()},
            at=at,
        )
    workshop.discussion = topic
    workshop.save(update_fields=["discussion"])
    return workshop


def _when_and_where(workshop: Workshop) -> tuple:
    return (workshop.starts_at, workshop.ends_at, workshop.venue_name, workshop.venue_address)


def _in_calendars(workshop: Workshop) -> tuple:
    """What a calendar entry shows (the agenda aside); a change to it is a new revision."""
    return (
        *_when_and_where(workshop),
        workshop.title,
        workshop.directions,
        workshop.description,
        workshop.status == Workshop.Status.CANCELLED,
    )


def _mark_changed(workshop: Workshop, calendar_before: tuple) -> None:
    workshop.updated_at = timezone.now()
    if _in_calendars(workshop) != calendar_before:
        workshop.sequence += 1


def _tell_registered_of_move(workshop: Workshop, when_and_where_before: tuple) -> None:
    """Everyone with a seat or a waiting-list place hears when the date or venue changes:
    they book trains and rooms by it."""
    if _when_and_where(workshop) == when_and_where_before:
        return
    if workshop.status in (Workshop.Status.HELD, Workshop.Status.CANCELLED):
        return
    notifications.notify_workshop(
        kind=NotificationKind.WORKSHOP_MOVED,
        workshop=workshop,
        recipient_ids=selectors.holding_a_place(workshop).values_list("user_id", flat=True),
    )


@transaction.atomic
def update_workshop(
    *, workshop: Workshop, actor: Any, data: WorkshopData, based_on: str | None = None
) -> Workshop:
    """``based_on``: the ``Workshop.version`` the form was loaded with (see require_unchanged)."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    _require(actor, "workshops.edit_workshop", workshop)
    require_unchanged(version=workshop.version, based_on=based_on)
    calendar_before, when_and_where_before = _in_calendars(workshop), _when_and_where(workshop)
    _apply(workshop, data)
    _validate(workshop)
    _mark_changed(workshop, calendar_before)
    workshop.save()
    _fill_free_seats(workshop)
    _tell_registered_of_move(workshop, when_and_where_before)
    return workshop


@transaction.atomic
def update_venue(
    *,
    workshop: Workshop,
    actor: Any,
    venue_name: str,
    venue_address: str,
    directions: str,
    based_on: str | None = None,
) -> Workshop:
    """Venue and directions: the host town prepares them as well as the coaches. The agenda
    form saves both: ``based_on`` checks that nobody saved the workshop since it was loaded."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    _require(actor, "workshops.edit_agenda", workshop)
    require_unchanged(version=workshop.version, based_on=based_on)
    calendar_before, when_and_where_before = _in_calendars(workshop), _when_and_where(workshop)
    workshop.venue_name = venue_name.strip()
    workshop.venue_address = venue_address.strip()
    workshop.directions = directions.strip()
    workshop.full_clean(exclude=["discussion", "created_by"])
    _mark_changed(workshop, calendar_before)
    workshop.save(
        update_fields=["venue_name", "venue_address", "directions", "sequence", "updated_at"]
    )
    _tell_registered_of_move(workshop, when_and_where_before)
    return workshop


@dataclass(frozen=True)
class AgendaEntry:
    day: int
    start: Any
    title: str
    kind: str
    speaker: str = ""
    description: str = ""


@transaction.atomic
def save_agenda(*, workshop: Workshop, actor: Any, entries: list[AgendaEntry]) -> None:
    """Replace the agenda as a whole: the form always shows and sends all of it."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    _require(actor, "workshops.edit_agenda", workshop)
    days = (timezone.localdate(workshop.ends_at) - timezone.localdate(workshop.starts_at)).days
    items = []
    for entry in entries:
        item = AgendaItem(workshop=workshop, **entry.__dict__)
        if not 1 <= item.day <= days + 1:
            raise ValidationError(
                _("Tag %(day)s liegt nicht im Zeitraum der Transferwerkstatt.") % {"day": item.day}
            )
        item.full_clean(exclude=["workshop"])
        items.append(item)
    fields = ("day", "start", "title", "kind", "speaker", "description")
    before = list(workshop.agenda.order_by("day", "start", "pk").values_list(*fields))
    after = sorted(
        (tuple(getattr(item, field) for field in fields) for item in items),
        key=lambda row: (row[0], row[1]),
    )
    if before == after:
        return
    workshop.agenda.all().delete()
    AgendaItem.objects.bulk_create(items)
    # The agenda is part of the calendar entry's description.
    workshop.sequence += 1
    workshop.updated_at = timezone.now()
    workshop.save(update_fields=["sequence", "updated_at"])


@transaction.atomic
def save_programme(
    *,
    workshop: Workshop,
    actor: Any,
    venue_name: str,
    venue_address: str,
    directions: str,
    entries: list[AgendaEntry],
    based_on: str | None = None,
) -> None:
    """The "Programm und Ort" form: venue and agenda saved together, or neither."""
    update_venue(
        workshop=workshop,
        actor=actor,
        venue_name=venue_name,
        venue_address=venue_address,
        directions=directions,
        based_on=based_on,
    )
    save_agenda(workshop=workshop, actor=actor, entries=entries)


@transaction.atomic
def set_status(*, workshop: Workshop, actor: Any, status: str) -> Workshop:
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    _require(actor, "workshops.edit_workshop", workshop)
    if status not in TRANSITIONS[workshop.status]:
        raise ValidationError(
            _("Von „%(old)s“ kann die Transferwerkstatt nicht auf „%(new)s“ gesetzt werden.")
            % {
                "old": workshop.get_status_display(),
                "new": Workshop.Status(status).label,
            }
        )
    if status == Workshop.Status.HELD and workshop.starts_at > timezone.now():
        raise ValidationError(
            _("Eine Transferwerkstatt in der Zukunft kann nicht stattgefunden haben.")
        )
    previous = workshop.status
    calendar_before = _in_calendars(workshop)
    workshop.status = status
    _mark_changed(workshop, calendar_before)
    workshop.save(update_fields=["status", "sequence", "updated_at"])
    if status == Workshop.Status.OPEN and previous != status:
        notifications.notify_workshop(
            kind=NotificationKind.WORKSHOP_OPEN,
            actor=actor,
            workshop=workshop,
            recipient_ids=workshop.consortium.memberships.values_list("user_id", flat=True),
        )
    if status == Workshop.Status.CANCELLED and previous != status:
        notifications.notify_workshop(
            kind=NotificationKind.WORKSHOP_CANCELLED,
            actor=actor,
            workshop=workshop,
            recipient_ids=selectors.holding_a_place(workshop).values_list("user_id", flat=True),
        )
    return workshop


# --- registration --------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationDetails:
    attending: bool = True
    needs_overnight_stay: bool = False
    dietary_needs: str = ""
    arrival: str = Registration.Arrival.TRAIN
    remarks: str = ""


def _confirmed(workshop: Workshop):
    return workshop.registrations.filter(status=Registration.Status.CONFIRMED)


def _seats_by_town(workshop: Workshop) -> Counter:
    """Confirmed seats per town (``None``: people without a town), in one query."""
    return Counter(_confirmed(workshop).values_list("town_id", flat=True))


def _has_seat_for(workshop: Workshop, town_id: int | None, taken: Counter) -> bool:
    """A free seat, within the town's quota if the workshop has one."""
    if sum(taken.values()) >= workshop.capacity:
        return False
    if workshop.seats_per_town is None or town_id is None:
        return True
    return taken[town_id] < workshop.seats_per_town


@dataclass(frozen=True)
class WaitingPlace:
    """Where registering now would put someone who has no seat: their place on the waiting
    list, and whether only their town's quota (not the whole workshop) is full."""

    position: int
    town_quota_full: bool


def waiting_place_for(workshop: Workshop, user: Any) -> WaitingPlace | None:
    """What ``register`` would decide now for ``user``: ``None`` for a seat, else the waiting
    list (behind everyone already on it). Told before submitting, so nobody is surprised."""
    profile = getattr(user, "profile", None)
    town_id = profile.town_id if profile else None
    places = list(selectors.holding_a_place(workshop).values_list("status", "town_id"))
    taken = Counter(town for status, town in places if status == Registration.Status.CONFIRMED)
    if _has_seat_for(workshop, town_id, taken):
        return None
    waiting = sum(status == Registration.Status.WAITLISTED for status, _town in places)
    return WaitingPlace(
        position=waiting + 1, town_quota_full=sum(taken.values()) < workshop.capacity
    )


def _closed_message(workshop: Workshop) -> str:
    if workshop.status == Workshop.Status.OPEN and timezone.now() > workshop.registration_deadline:
        deadline = abs_datetime(workshop.registration_deadline)
        return _(
            "Die Anmeldung ist seit %(deadline)s Uhr geschlossen. Bitte wenden Sie sich an die "
            "Kleinstadtpaten des Verbunds, wenn Sie noch teilnehmen möchten."
        ) % {"deadline": deadline}
    return _("Für diese Transferwerkstatt ist die Anmeldung derzeit nicht möglich.")


@transaction.atomic
def register(*, workshop: Workshop, user: Any, details: RegistrationDetails) -> Registration:
    """Sign up (or answer "no") for a workshop; the seat is decided under a row lock on the
    workshop, so two people taking the last seat at once cannot both get it."""
    workshop = Workshop.objects.select_for_update().select_related("consortium").get(pk=workshop.pk)
    _require(user, "workshops.see_workshop", workshop)
    if not policy.allowed(user, "workshops.register", workshop):
        raise ValidationError(_closed_message(workshop))
    registration = Registration.objects.filter(workshop=workshop, user=user).first()
    was_confirmed = (
        registration is not None and registration.status == Registration.Status.CONFIRMED
    )
    if registration is None:
        profile = getattr(user, "profile", None)
        registration = Registration(
            workshop=workshop, user=user, town_id=profile.town_id if profile else None
        )
    registration.needs_overnight_stay = details.needs_overnight_stay
    registration.dietary_needs = details.dietary_needs.strip()
    registration.arrival = details.arrival
    registration.remarks = details.remarks.strip()
    registration.updated_at = timezone.now()
    if not details.attending:
        registration.status = Registration.Status.DECLINED
    elif registration.status not in (
        Registration.Status.CONFIRMED,
        Registration.Status.WAITLISTED,
    ):
        registration.queued_at = timezone.now()
        seat = _has_seat_for(workshop, registration.town_id, _seats_by_town(workshop))
        registration.status = (
            Registration.Status.CONFIRMED if seat else Registration.Status.WAITLISTED
        )
    registration.full_clean(exclude=["workshop", "user", "town"])
    registration.save()
    if was_confirmed and registration.status == Registration.Status.DECLINED:
        _fill_free_seats(workshop)
    return registration


@transaction.atomic
def cancel_registration(*, workshop: Workshop, user: Any) -> Registration:
    """Withdraw; a freed seat goes to the first person on the waiting list who fits."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    registration = Registration.objects.filter(workshop=workshop, user=user).first()
    _require(user, "workshops.see_workshop", workshop)
    if registration is None:
        raise PermissionDenied
    if not policy.allowed(user, "workshops.cancel_registration", workshop):
        raise ValidationError(_("Diese Transferwerkstatt ist vorbei oder abgesagt."))
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    registration.status = Registration.Status.DECLINED
    registration.updated_at = timezone.now()
    registration.save(update_fields=["status", "updated_at"])
    if was_confirmed:
        _fill_free_seats(workshop)
    return registration


def _fill_free_seats(workshop: Workshop) -> list[Registration]:
    """Move people up from the waiting list, in order, as long as seats (and their town's
    quota) allow. Call with the workshop row locked."""
    if workshop.status in (Workshop.Status.HELD, Workshop.Status.CANCELLED):
        return []
    moved = []
    taken = _seats_by_town(workshop)
    waiting = workshop.registrations.filter(status=Registration.Status.WAITLISTED).order_by(
        "queued_at", "pk"
    )
    for registration in waiting:
        if sum(taken.values()) >= workshop.capacity:
            break
        if not _has_seat_for(workshop, registration.town_id, taken):
            continue
        registration.status = Registration.Status.CONFIRMED
        registration.updated_at = timezone.now()
        registration.save(update_fields=["status", "updated_at"])
        taken[registration.town_id] += 1
        moved.append(registration)
        notifications.notify_workshop(
            kind=NotificationKind.WORKSHOP_MOVED_UP,
            workshop=workshop,
            recipient_ids=[registration.user_id],
        )
    return moved


# --- documentation -------------------------------------------------------------------------


@transaction.atomic
def save_protocol(
    *, workshop: Workshop, actor: Any, protocol: str, at: datetime | None = None
) -> Workshop:
    """``at``: when it was written, for demo history (workshops/demo); people write now."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    _require(actor, "workshops.document", workshop)
    protocol = (protocol or "").replace("\x00", "").strip()
    if len(protocol) > MAX_PROTOCOL_LENGTH:
        raise ValidationError(
            {"protocol": _("Das Protokoll darf höchstens 50.000 Zeichen lang sein.")}
        )
    workshop.protocol = protocol
    workshop.protocol_html, _mentions = render_markdown(protocol)
    workshop.documented_at = at or timezone.now()
    workshop.save(update_fields=["protocol", "protocol_html", "documented_at"])
    return workshop


@dataclass(frozen=True)
class RoadmapEntry:
    what: str
    who: str
    due: date | None = None
    status: str = RoadmapItem.Status.OPEN


@transaction.atomic
def save_roadmap(*, workshop: Workshop, actor: Any, entries: list[RoadmapEntry]) -> None:
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    _require(actor, "workshops.document", workshop)
    items = []
    for entry in entries:
        item = RoadmapItem(workshop=workshop, **entry.__dict__)
        item.full_clean(exclude=["workshop"])
        items.append(item)
    workshop.roadmap.all().delete()
    RoadmapItem.objects.bulk_create(items)


@transaction.atomic
def record_attendance(*, workshop: Workshop, actor: Any, present_user_ids: set[int]) -> None:
    """Who came, among those who had a seat or were on the waiting list."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    _require(actor, "workshops.document", workshop)
    registrations = workshop.registrations.exclude(status=Registration.Status.DECLINED)
    registrations.filter(user_id__in=present_user_ids).update(attended=True)
    registrations.exclude(user_id__in=present_user_ids).update(attended=False)


@transaction.atomic
def save_documentation(
    *,
    workshop: Workshop,
    actor: Any,
    protocol: str,
    roadmap: list[RoadmapEntry],
    present_user_ids: set[int],
) -> None:
    """The documentation form: protocol, roadmap and attendance saved together, or none."""
    save_protocol(workshop=workshop, actor=actor, protocol=protocol)
    save_roadmap(workshop=workshop, actor=actor, entries=roadmap)
    record_attendance(workshop=workshop, actor=actor, present_user_ids=present_user_ids)


@transaction.atomic
def add_files(
    *, workshop: Workshop, actor: Any, uploads: list[Any], caption: str = ""
) -> list[WorkshopFile]:
    _require(actor, "workshops.document", workshop)
    caption = clean_line(caption, field="caption")[:300]
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        raise ValidationError(
            _("Bitte laden Sie höchstens %(max)s Dateien auf einmal hoch.")
            % {"max": MAX_FILES_PER_UPLOAD}
        )
    stored = []
    for checked, upload in zip(check_uploads(uploads), uploads, strict=True):
        item = WorkshopFile(
            workshop=workshop,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
            caption=caption,
            uploaded_by=actor,
        )
        upload.seek(0)
        item.file.save(f"upload.{checked.extension}", upload, save=False)
        if checked.kind == "image":
            upload.seek(0)
            thumbnail = make_thumbnail(upload)
            item.thumbnail.save(thumbnail.name, thumbnail, save=False)
        item.save()
        stored.append(item)
    return stored


@transaction.atomic
def delete_file(*, item: WorkshopFile, actor: Any) -> None:
    _require(actor, "workshops.document", item.workshop)
    item.delete()
    for field in (item.file, item.thumbnail):
        if field:
            transaction.on_commit(
                lambda name=field.name, storage=field.storage: storage.delete(name)
            )


# --- calendar and reminders ----------------------------------------------------------------


@transaction.atomic
def calendar_feed_for(*, user: Any, regenerate: bool = False) -> CalendarFeed:
    """The person's secret calendar address; regenerating makes the old address stop working."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    if regenerate and not created:
        feed.token = new_feed_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed


def send_reminders(*, now: datetime | None = None, days_ahead: int = REMINDER_DAYS_AHEAD) -> int:
    """Remind everyone with a seat a few days before (in the app, and by email as they chose);
    each person once per workshop. Safe to run as often as cron likes."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        workshop__status__in=[Workshop.Status.OPEN, Workshop.Status.CLOSED],
        workshop__starts_at__gt=now,
        workshop__starts_at__lte=now + timedelta(days=days_ahead),
    ).select_related("workshop__consortium", "workshop__host_town", "user__profile")
    sent = 0
    for registration in due:
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            # Access is checked again when sending: someone removed from the consortium
            # meanwhile gets nothing.
            if not policy.allowed(
                registration.user, "workshops.see_workshop", registration.workshop
            ):
                continue
            notifications.notify_workshop(
                kind=NotificationKind.WORKSHOP_REMINDER,
                workshop=registration.workshop,
                recipient_ids=[registration.user_id],
            )
            sent += 1
    return sent


# --- idea board ----------------------------------------------------------------------------


def _one_line(value: str) -> str:
    return " ".join((value or "").replace("\x00", "").split())


def _card_text(value: str) -> str:
    return (value or "").replace("\x00", "").replace("\r\n", "\n").strip()


def publish_idea(card: IdeaCard, change: str) -> None:
    events.publish(
        workshop_stream(card.workshop_id),
        "idea.changed",
        {"workshop_id": card.workshop_id, "card_id": card.pk, "change": change},
    )


@transaction.atomic
def add_idea(
    *, workshop: Workshop, actor: Any, text: str, group: str = "", at: datetime | None = None
) -> IdeaCard:
    """``at``: when the card was written, for demo history (workshops/demo)."""
    # The workshop row lock makes the size limit hold under many people posting at once.
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    _require(actor, "workshops.post_idea", workshop)
    card = IdeaCard(
        workshop=workshop,
        author=actor,
        text=_card_text(text),
        group=_one_line(group),
        created_at=at or timezone.now(),
    )
    card.full_clean(exclude=["workshop", "author"])
    if workshop.ideas.count() >= MAX_IDEAS_PER_WORKSHOP:
        raise ValidationError(
            _("Die Ideenwand ist voll (%(count)s Karten). Fassen Sie Karten zusammen.")
            % {"count": MAX_IDEAS_PER_WORKSHOP}
        )
    card.save()
    publish_idea(card, "added")
    return card


@transaction.atomic
def regroup_idea(*, card: IdeaCard, actor: Any, group: str) -> IdeaCard:
    card = IdeaCard.objects.select_for_update().select_related("workshop").get(pk=card.pk)
    _require(actor, "workshops.post_idea", card.workshop)
    group = _one_line(group)
    if group == card.group:
        return card
    card.group = group
    card.full_clean(exclude=["workshop", "author"])
    card.save(update_fields=["group"])
    publish_idea(card, "moved")
    return card


@transaction.atomic
def remove_idea(*, card: IdeaCard, actor: Any) -> None:
    card = IdeaCard.objects.select_for_update().select_related("workshop").get(pk=card.pk)
    _require(actor, "workshops.remove_idea", card)
    card_id = card.pk
    card.delete()
    card.pk = card_id
    publish_idea(card, "removed")
