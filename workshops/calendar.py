"""Workshops as iCalendar (RFC 5545): one workshop as a file, a person's workshops as a feed.

The ``icalendar`` package does the format (escaping, line folding, VTIMEZONE); this module
only decides what a workshop looks like in someone's calendar. Times are written in
Europe/Berlin with a TZID and the matching VTIMEZONE, so calendar apps show 13:00 as 13:00
in winter and in summer.

Callers are responsible for access: pass only workshops and registrations the reader may see
(``selectors.workshop_for``, ``selectors.registrations_of_user``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from forum.mail import site_url

from .models import CalendarFeed, Registration, Workshop

# The academy meets in Germany: the calendar speaks the local time of the workshops.
CALENDAR_TIMEZONE = ZoneInfo("Europe/Berlin")
CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Kleinstadtakademie//Transferwerkstaetten//DE"
# How often subscribing apps should fetch the personal feed again.
REFRESH_INTERVAL = timedelta(hours=1)


def webcal_url(url: str) -> str:
    """The same address with the ``webcal://`` scheme, which opens the subscribe dialog."""
    return "webcal://" + url.split("://", 1)[-1]


def _host() -> str:
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "kleinstadtakademie"


def uid_for(workshop: Workshop) -> str:
    """Stable across downloads and feed refreshes, so apps update the event instead of
    adding a copy."""
    return f"workshop-{workshop.pk}@{_host()}"


def filename_for(workshop: Workshop) -> str:
    return f"transferwerkstatt-{slugify(workshop.title)[:60] or workshop.pk}.ics"


def feed_owner(token: str) -> Any | None:
    """The active user whose personal feed has ``token``, or ``None``."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    return feed.user if feed else None


def _local(value: Any) -> Any:
    return timezone.localtime(value, CALENDAR_TIMEZONE)


def _location(workshop: Workshop) -> str:
    lines = [workshop.venue_name, *workshop.venue_address.splitlines()]
    return ", ".join(line.strip() for line in lines if line.strip())


def _agenda_line(item: Any) -> str:
    line = _("Tag %(day)s %(time)s %(title)s") % {
        "day": item.day,
        "time": f"{item.start:%H:%M}",
        "title": item.title,
    }
    if item.speaker:
        line += " – " + _("mit %(speaker)s") % {"speaker": item.speaker}
    return line


def _description(workshop: Workshop, *, waitlisted: bool) -> str:
    parts: list[str] = []
    if workshop.status == Workshop.Status.CANCELLED:
        parts.append(_("Diese Transferwerkstatt ist abgesagt."))
    elif waitlisted:
        parts.append(
            _(
                "Sie stehen auf der Warteliste. Wird ein Platz frei, rücken Sie nach und "
                "bekommen eine E-Mail."
            )
        )
    parts.append(
        _("Transferwerkstatt des Verbunds %(consortium)s in %(town)s")
        % {"consortium": workshop.consortium.name, "town": workshop.host_town.name}
    )
    agenda = [_agenda_line(item) for item in workshop.agenda.all()]
    if agenda:
        parts.append(_("Programm:") + "\n" + "\n".join(agenda))
    parts.append(
        _("Programm, Anreise und Anmeldung: %(url)s")
        % {"url": site_url(workshop.get_absolute_url())}
    )
    return "\n\n".join(parts)


def _status(workshop: Workshop, *, waitlisted: bool) -> str:
    if workshop.status == Workshop.Status.CANCELLED:
        return "CANCELLED"
    return "TENTATIVE" if waitlisted else "CONFIRMED"


def event_for(workshop: Workshop, *, stamp: Any, waitlisted: bool = False) -> icalendar.Event:
    """One VEVENT. Precondition: ``workshop`` has ``consortium``, ``host_town`` and ``agenda``
    loaded (the selectors do that), or each event costs queries."""
    cancelled = workshop.status == Workshop.Status.CANCELLED
    event = icalendar.Event()
    event.add("uid", uid_for(workshop))
    event.add("dtstamp", stamp)
    event.add("created", workshop.created_at)
    event.add("dtstart", _local(workshop.starts_at))
    event.add("dtend", _local(workshop.ends_at))
    event.add(
        "summary",
        _("Abgesagt: %(title)s") % {"title": workshop.title} if cancelled else workshop.title,
    )
    event.add("location", _location(workshop))
    event.add("description", _description(workshop, waitlisted=waitlisted))
    event.add("url", site_url(workshop.get_absolute_url()))
    event.add("status", _status(workshop, waitlisted=waitlisted))
    event.add("sequence", workshop.sequence)
    event.add("last-modified", workshop.updated_at)
    return event


def _calendar(
    name: str, events: Iterable[icalendar.Event], *, refresh: timedelta | None = None
) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    # icalendar writes unknown X- properties verbatim: text must be escaped as text explicitly.
    calendar.add("x-wr-calname", icalendar.vText(name))
    calendar.add("x-wr-timezone", CALENDAR_TIMEZONE.key)
    if refresh is not None:
        # RFC 7986, and the older name Outlook and Apple Calendar read.
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", icalendar.vDuration(refresh).to_ical().decode())
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def workshop_calendar(workshop: Workshop) -> bytes:
    """A single workshop, for "add to my calendar"."""
    stamp = timezone.now()
    return _calendar(workshop.title, [event_for(workshop, stamp=stamp)])


def personal_calendar(registrations: Iterable[Registration]) -> bytes:
    """A person's seats and waiting-list places; waiting-list places are TENTATIVE."""
    stamp = timezone.now()
    events = [
        event_for(
            registration.workshop,
            stamp=stamp,
            waitlisted=registration.status == Registration.Status.WAITLISTED,
        )
        for registration in registrations
    ]
    return _calendar(
        _("Meine Transferwerkstätten – Kleinstadtakademie"), events, refresh=REFRESH_INTERVAL
    )
