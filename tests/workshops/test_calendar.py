"""Calendar: the .ics of a workshop, the personal feed behind a secret address, and the
"Nächste Transferwerkstätten" on the home page."""

from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from forum import services as forum_services
from forum.models import Membership
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.cast import ROLES, client_for
from tests.helpers.workshops import SITE, make_workshop, plan_workshop, register
from workshops import services
from workshops.models import CalendarFeed, Workshop
from workshops.services import WorkshopData

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.WAGTAILADMIN_BASE_URL = SITE


def next_date(month: int, day: int, *, at_least_days: int = 30) -> date:
    """The first ``month``/``day`` at least ``at_least_days`` ahead: winter and summer dates
    that stay in the future whenever the tests run."""
    earliest = timezone.localdate() + timedelta(days=at_least_days)
    candidate = date(earliest.year, month, day)
    return candidate if candidate >= earliest else date(earliest.year + 1, month, day)


def ics_url(workshop) -> str:
    return reverse("workshops:ics", kwargs={"slug": workshop.consortium.slug, "pk": workshop.pk})


def feed_url(user) -> str:
    return services.calendar_feed_for(user=user).get_absolute_url()


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def only_event(calendar: icalendar.Calendar) -> icalendar.Event:
    (event,) = calendar.walk("VEVENT")
    return event


# --- one workshop as .ics ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "day", "utc_hour"),
    [(1, 14, 12), (7, 15, 11)],
    ids=["winter", "summer"],
)
def test_workshop_ics_carries_the_times_in_europe_berlin(client, cast, month, day, utc_hour):
    workshop = plan_workshop(cast, day=next_date(month, day))
    response = client_for(client, cast.user("member")).get(ics_url(workshop))
    calendar = parse(response)

    event = only_event(calendar)
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["DTEND"].params["TZID"] == "Europe/Berlin"
    assert str(start.tzinfo) == "Europe/Berlin" and str(end.tzinfo) == "Europe/Berlin"
    assert start == workshop.starts_at and end == workshop.ends_at
    assert (start.hour, start.minute) == (13, 0)
    assert start.astimezone(UTC).hour == utc_hour
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    # Defined before it is used, as strict clients expect.
    assert response.content.index(b"BEGIN:VTIMEZONE") < response.content.index(b"BEGIN:VEVENT")


def test_workshop_ics_describes_the_workshop(client, cast):
    workshop = plan_workshop(cast)
    response = client_for(client, cast.user("member")).get(ics_url(workshop))
    calendar = parse(response)

    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "PUBLISH"
    assert "Kleinstadtakademie" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == workshop.title
    event = only_event(calendar)
    url = f"{SITE}{workshop.get_absolute_url()}"
    assert str(event["UID"]) == f"workshop-{workshop.pk}@akademie.example"
    assert str(event["SUMMARY"]) == workshop.title
    assert str(event["LOCATION"]) == "Rathaus, Großer Saal, Marktplatz 1, 12345 Musterstadt"
    assert str(event["URL"]) == url
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    assert "DTSTAMP" in event
    description = str(event["DESCRIPTION"])
    assert workshop.host_town.name in description
    assert "Tag 1 13:00 Ankommen und Begrüßung" in description
    assert "Tag 2 09:00 Arbeitsphase: Stand der Labore" in description
    assert url in description
    assert response["Content-Disposition"].startswith('attachment; filename="transferwerkstatt-')
    assert response["Content-Disposition"].endswith('.ics"')
    assert response["Cache-Control"] == "private, no-store"


def test_workshop_ics_carries_hostile_text_as_text(client, cast):
    """Calendar fields are plain text: line breaks and separators typed into a title cannot
    start a property or component of their own, and markup stays characters."""
    title = "Werkstatt\r\nBEGIN:VALARM\r\nATTACH:http://evil.example;x,y <script>alert(1)</script>"
    workshop = plan_workshop(cast)
    # Titles are single lines since forum.text's rule; one stored before must still be harmless.
    Workshop.objects.filter(pk=workshop.pk).update(title=title)
    workshop.refresh_from_db()
    response = client_for(client, cast.user("member")).get(ics_url(workshop))
    calendar = parse(response)

    event = only_event(calendar)
    assert not event.walk("VALARM")
    assert "ATTACH" not in event
    # iCalendar text has one kind of line break.
    typed = workshop.title.replace("\r\n", "\n")
    assert str(event["SUMMARY"]) == typed
    # icalendar parses X- properties without unescaping: check the escaped line itself.
    unfolded = response.content.replace(b"\r\n ", b"")
    assert b"X-WR-CALNAME:Werkstatt\\nBEGIN:VALARM\\nATTACH:http://evil.example\\;x\\,y" in unfolded
    assert b"\r\nBEGIN:VALARM" not in response.content


def test_workshop_uid_is_stable_across_downloads(client, cast):
    workshop = plan_workshop(cast)
    client = client_for(client, cast.user("member"))
    first = only_event(parse(client.get(ics_url(workshop))))
    second = only_event(parse(client.get(ics_url(workshop))))
    feed = events(parse(client.get(feed_url(cast.user("member")))))  # not registered: empty
    assert first["UID"] == second["UID"] == f"workshop-{workshop.pk}@akademie.example"
    assert feed == {}


def test_cancelled_workshop_is_cancelled_in_the_calendar(client, cast):
    workshop = plan_workshop(cast)
    register(workshop, cast.user("member"))
    services.set_status(
        workshop=workshop, actor=cast.user("coach"), status=Workshop.Status.CANCELLED
    )
    client = client_for(client, cast.user("member"))

    for calendar in (
        parse(client.get(ics_url(workshop))),
        parse(client.get(feed_url(cast.user("member")))),
    ):
        event = only_event(calendar)
        assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["SUMMARY"]) == f"Abgesagt: {workshop.title}"
        assert event["SEQUENCE"] == 1  # a revision after the first copy


def _data_of(workshop, **changes) -> WorkshopData:
    values = {field: getattr(workshop, field) for field in WorkshopData.__dataclass_fields__}
    return WorkshopData(**{**values, **changes})


def test_a_moved_workshop_is_a_new_revision_and_the_registered_are_told(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    workshop = plan_workshop(cast, capacity=1)
    coach, member = cast.user("coach"), cast.user("member")
    waiting, declined = UserFactory(), UserFactory()
    for user in (waiting, declined):
        MembershipFactory(user=user, consortium=cast.consortium)
    register(workshop, member)
    register(workshop, waiting)
    register(workshop, declined, attending=False)
    client = client_for(client, member)
    first = only_event(parse(client.get(ics_url(workshop))))
    assert first["SEQUENCE"] == 0  # opening the registration changes no calendar entry

    # Only the description changes: a new revision, but nobody needs an email.
    with django_capture_on_commit_callbacks(execute=True):
        services.update_workshop(
            workshop=workshop, actor=coach, data=_data_of(workshop, description="Mit Stadtgang.")
        )
    assert mailoutbox == []
    assert only_event(parse(client.get(ics_url(workshop))))["SEQUENCE"] == 1

    later = workshop.starts_at + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_workshop(
            workshop=workshop,
            actor=coach,
            data=_data_of(
                workshop,
                starts_at=later,
                ends_at=later + timedelta(hours=25),
                registration_deadline=later - timedelta(days=7),
            ),
        )

    moved = only_event(parse(client.get(ics_url(workshop))))
    assert moved["SEQUENCE"] == 2
    assert moved.decoded("DTSTART") == later
    updated_at = Workshop.objects.get(pk=workshop.pk).updated_at
    assert moved.decoded("LAST-MODIFIED") == updated_at.replace(microsecond=0)
    assert only_event(parse(client.get(feed_url(member))))["SEQUENCE"] == 2
    assert sorted(message.to[0] for message in mailoutbox) == sorted([member.email, waiting.email])
    [to_member] = [message for message in mailoutbox if message.to == [member.email]]
    assert to_member.subject == f"[Kleinstadtakademie] Neuer Termin oder Ort: {workshop.title}"
    when = formats.date_format(timezone.localtime(later), "l, j. F Y, H:i")
    assert when in to_member.body
    assert "Termin oder Ort der Transferwerkstatt" in to_member.body


def test_the_host_moving_the_venue_tells_the_registered_and_an_unchanged_save_does_not(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    workshop = make_workshop(cast)  # in the member's town: its staff prepare the venue
    member = cast.user("member")
    register(workshop, member)
    sequence = Workshop.objects.get(pk=workshop.pk).sequence

    def save_venue(name):
        with django_capture_on_commit_callbacks(execute=True):
            return services.update_venue(
                workshop=workshop,
                actor=member,
                venue_name=name,
                venue_address=workshop.venue_address,
                directions="",
            )

    assert save_venue("Rathaus, Großer Saal").sequence == sequence
    assert mailoutbox == []
    assert save_venue("Alte Schule, Aula").sequence == sequence + 1
    [message] = mailoutbox
    assert message.to == [member.email]
    assert "Alte Schule, Aula\nMarktplatz 1\n12345 Musterstadt" in message.body


def test_a_changed_agenda_is_a_new_revision_an_unchanged_one_is_not(cast):
    workshop = plan_workshop(cast)
    coach = cast.user("coach")
    entries = [
        services.AgendaEntry(
            day=item.day,
            start=item.start,
            title=item.title,
            kind=item.kind,
            speaker=item.speaker,
            description=item.description,
        )
        for item in workshop.agenda.all()
    ]
    sequence = Workshop.objects.get(pk=workshop.pk).sequence

    services.save_agenda(workshop=workshop, actor=coach, entries=entries)
    assert Workshop.objects.get(pk=workshop.pk).sequence == sequence

    services.save_agenda(workshop=workshop, actor=coach, entries=entries[:-1])
    assert Workshop.objects.get(pk=workshop.pk).sequence == sequence + 1
    assert workshop.agenda.count() == len(entries) - 1


@pytest.mark.parametrize("role", ROLES)
def test_workshop_ics_role_matrix(client, cast, role):
    workshop = plan_workshop(cast)
    response = client_for(client, cast.user(role)).get(ics_url(workshop))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif role in ("outsider", "editor"):
        assert response.status_code == 404
    else:
        assert only_event(parse(response))["UID"] == f"workshop-{workshop.pk}@akademie.example"


def test_workshop_ics_of_another_consortium_slug_is_404(client, cast):
    workshop = plan_workshop(cast)
    url = reverse("workshops:ics", kwargs={"slug": cast.other_consortium.slug, "pk": workshop.pk})
    client_for(client, cast.user("admin"))
    assert client.get(url).status_code == 404


# --- personal feed -------------------------------------------------------------------------


def test_personal_feed_lists_the_owners_seats_without_login(client, cast):
    member = cast.user("member")
    mine = plan_workshop(cast, title="Meine Werkstatt")
    plan_workshop(cast, title="Ohne mich")
    declined = plan_workshop(cast, title="Abgesagt von mir")
    register(mine, member)
    register(declined, member, attending=False)
    register(declined, cast.user("coach"))

    response = client.get(feed_url(member))  # anonymous: calendar apps cannot log in

    calendar = parse(response)
    assert list(events(calendar)) == [f"workshop-{mine.pk}@akademie.example"]
    event = only_event(calendar)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART") == mine.starts_at
    assert str(event.decoded("DTSTART").tzinfo) == "Europe/Berlin"
    assert "Meine Transferwerkstätten" in str(calendar["X-WR-CALNAME"])
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]


def test_waitlisted_place_is_tentative(client, cast):
    workshop = plan_workshop(cast, capacity=1)
    register(workshop, cast.user("coach"))
    assert register(workshop, cast.user("member")).status == "waitlisted"

    event = only_event(parse(client.get(feed_url(cast.user("member")))))
    assert str(event["STATUS"]) == "TENTATIVE"
    assert "Warteliste" in str(event["DESCRIPTION"])
    coach_event = only_event(parse(client.get(feed_url(cast.user("coach")))))
    assert str(coach_event["STATUS"]) == "CONFIRMED"


def test_unknown_token_is_404(client, cast):
    services.calendar_feed_for(user=cast.user("member"))
    assert client.get(reverse("workshops:calendar_feed", args=["falsch"])).status_code == 404


def test_feed_of_deactivated_account_is_404(client, cast):
    member = cast.user("member")
    url = feed_url(member)
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert client.get(url).status_code == 404


def test_regenerated_address_replaces_the_old_one(client, cast):
    member = cast.user("member")
    old_url = feed_url(member)
    assert client.get(old_url).status_code == 200

    new_feed = services.calendar_feed_for(user=member, regenerate=True)

    assert new_feed.get_absolute_url() != old_url
    assert client.get(old_url).status_code == 404
    assert client.get(new_feed.get_absolute_url()).status_code == 200


def test_removed_member_no_longer_gets_the_workshop_in_the_feed(client, cast):
    member = cast.user("member")
    workshop = plan_workshop(cast)
    register(workshop, member)
    url = feed_url(member)
    assert f"workshop-{workshop.pk}@akademie.example" in events(parse(client.get(url)))

    forum_services.remove_member(
        membership=Membership.objects.get(user=member, consortium=cast.consortium),
        actor=cast.user("coach"),
    )

    assert events(parse(client.get(url))) == {}


def test_feed_query_count_does_not_grow_with_workshops(client, cast):
    member = cast.user("member")
    register(plan_workshop(cast), member)
    url = feed_url(member)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            parse(client.get(url))
        return len(queries)

    few = count()
    for _number in range(4):
        register(plan_workshop(cast), member)
    assert count() == few


# --- the page with the address -------------------------------------------------------------


def test_calendar_page_needs_login(client, cast):
    response = client.get(reverse("workshops:calendar_settings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_calendar_page_shows_the_address_and_upcoming_registrations(client, cast):
    member = cast.user("member")
    workshop = plan_workshop(cast, title="Werkstatt am Markt")
    register(workshop, member)
    client = client_for(client, member)

    response = client.get(reverse("workshops:calendar_settings"))

    assert response.status_code == 200
    token = CalendarFeed.objects.get(user=member).token
    content = response.content.decode()
    assert f"{SITE}/kalender/{token}.ics" in content
    assert f"webcal://akademie.example/kalender/{token}.ics" in content
    assert "Neue Adresse erzeugen" in content
    assert "Werkstatt am Markt" in content
    assert ics_url(workshop) in content
    assert "no-store" in response["Cache-Control"]
    # Reachable from the account navigation.
    profile = client.get(reverse("forum:profile_edit")).content.decode()
    assert reverse("workshops:calendar_settings") in profile


def test_calendar_page_regenerates_the_address(client, cast):
    member = cast.user("member")
    old_url = feed_url(member)
    client = client_for(client, member)

    response = client.post(reverse("workshops:calendar_settings"), follow=True)

    assert response.status_code == 200
    new_url = CalendarFeed.objects.get(user=member).get_absolute_url()
    assert new_url != old_url
    assert new_url in response.content.decode()
    assert client.get(old_url).status_code == 404
    assert client.get(new_url).status_code == 200


# --- home page -----------------------------------------------------------------------------


def _home(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_home_page_shows_the_members_next_workshop(client, cast, home_page):
    workshop = plan_workshop(cast, title="Werkstatt für Mitglieder")
    _queries, content = _home(client_for(client, cast.user("member")))
    assert "Nächste Transferwerkstätten" in content
    assert "Werkstatt für Mitglieder" in content
    assert f'href="{workshop.get_absolute_url()}"' in content
    assert workshop.host_town.name in content


@pytest.mark.parametrize("role", ["anonymous", "outsider"])
def test_home_page_shows_outsiders_only_announcements_without_links(client, cast, home_page, role):
    announced = plan_workshop(cast, title="Öffentlich angekündigt", announce_publicly=True)
    plan_workshop(cast, title="Nur im Verbund")
    _queries, content = _home(client_for(client, cast.user(role)))
    assert "Öffentlich angekündigt" in content
    assert "Nur im Verbund" not in content
    assert announced.get_absolute_url() not in content


def test_home_page_links_announcement_for_those_who_may_see_it(client, cast, home_page):
    announced = plan_workshop(cast, title="Öffentlich angekündigt", announce_publicly=True)
    _queries, content = _home(client_for(client, cast.user("coach")))
    # Listed once, among the coach's own workshops, not again as an announcement.
    assert content.count(f'href="{announced.get_absolute_url()}"') == 1


def test_home_page_links_announcement_beyond_the_members_next_five(client, cast, home_page):
    for number in range(5):
        plan_workshop(cast, title=f"Werkstatt {number}")
    later = plan_workshop(
        cast,
        day=timezone.localdate() + timedelta(days=60),
        title="Später angekündigt",
        announce_publicly=True,
    )
    _queries, content = _home(client_for(client, cast.user("member")))
    assert f'href="{later.get_absolute_url()}"' in content


def test_home_page_hides_cancelled_workshops(client, cast, home_page):
    workshop = plan_workshop(cast, title="Fällt aus", announce_publicly=True)
    services.set_status(
        workshop=workshop, actor=cast.user("coach"), status=Workshop.Status.CANCELLED
    )
    for role in ("anonymous", "member"):
        _queries, content = _home(client_for(client, cast.user(role)))
        assert "Nächste Transferwerkstätten" not in content


@pytest.mark.parametrize("role", ["anonymous", "member", "admin"])
def test_home_page_queries_do_not_grow_with_workshops(client, cast, home_page, role):
    client = client_for(client, cast.user(role))
    plan_workshop(cast, title="Werkstatt 0", announce_publicly=True)
    client.get("/")  # warm Wagtail's site root cache like any running server
    few, content = _home(client)
    assert "Werkstatt 0" in content
    for number in range(1, 5):
        plan_workshop(cast, title=f"Werkstatt {number}", announce_publicly=number % 2 == 0)
    client.get("/")  # the bell counts once after its notifications changed
    many, content = _home(client)
    assert "Werkstatt 4" in content
    assert few == many, (few, many)
