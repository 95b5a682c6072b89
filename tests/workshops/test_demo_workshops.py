"""The demo Transferwerkstätten of "StadtLabor Kleinstadt" (workshops.demo, run by seed_demo)."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from forum.models import Consortium, Post, Role, Topic
from workshops import services
from workshops.demo import WORKSHOPS, upcoming_day
from workshops.models import AgendaItem, Registration, RoadmapItem, Workshop

# Every test starts from the demo seeded once for this module (tests/conftest.py: seeded_demo).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]

SLUG = "stadtlabor-kleinstadt"


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def _user(local: str):
    return get_user_model().objects.get(email=f"{local}@kleinstadtakademie.example")


def _counts() -> dict[str, int]:
    models = (Workshop, Registration, RoadmapItem, AgendaItem, Topic, Post)
    return {model.__name__: model.objects.count() for model in models}


def _upcoming() -> Workshop:
    return Workshop.objects.get(consortium__slug=SLUG, status=Workshop.Status.OPEN)


def test_seeding_twice_creates_the_five_workshops_once(seeded_demo):
    first = seeded_demo
    counts = _counts()

    second = _seed()

    assert "workshops.Workshop" in first
    assert _counts() == counts
    assert "nothing created or changed" in second
    consortium = Consortium.objects.get(slug=SLUG)
    workshops = Workshop.objects.filter(consortium=consortium)
    assert workshops.count() == len(WORKSHOPS) == 5
    # One in each town of the consortium, as in the report.
    assert sorted(workshops.values_list("host_town_id", flat=True)) == sorted(
        consortium.towns.values_list("pk", flat=True)
    )


def test_four_held_workshops_are_documented():
    consortium = Consortium.objects.get(slug=SLUG)
    held = list(Workshop.objects.filter(consortium=consortium, status=Workshop.Status.HELD))
    runners = dict(consortium.memberships.values_list("user_id", "role"))

    assert len(held) == 4
    assert {w.host_town.slug for w in held} == {
        "wittenberge",
        "diessen-am-ammersee",
        "dippoldiswalde",
        "moelln",
    }
    for workshop in held:
        local = timezone.localtime(workshop.starts_at)
        assert consortium.start <= local.date() < consortium.end
        assert (local.hour, local.weekday()) == (13, 3)  # Thursday 13:00, 24-hour format
        assert workshop.registration_deadline < workshop.starts_at
        assert "angenommen" in workshop.description
        assert runners[workshop.created_by_id] in (Role.COACH, Role.CORE_TEAM)
        assert workshop.agenda.count() == 7
        assert workshop.agenda.exclude(speaker="").exists()

        protocol_lines = [line for line in workshop.protocol.splitlines() if line.strip()]
        assert 10 <= len(protocol_lines) <= 20
        assert "<h3>" in workshop.protocol_html and "<li>" in workshop.protocol_html
        assert workshop.documented_at is not None

        roadmap = list(workshop.roadmap.all())
        assert 3 <= len(roadmap) <= 5
        assert all(item.what and item.who for item in roadmap)

        registrations = workshop.registrations.all()
        answered = registrations.exclude(status=Registration.Status.DECLINED)
        assert answered.count() >= 5
        assert not answered.filter(attended__isnull=True).exists()
        assert answered.filter(attended=True).count() >= 5
        for registration in registrations.select_related("user__profile"):
            assert registration.user_id in runners
            assert registration.town_id == registration.user.profile.town_id
            assert registration.queued_at <= workshop.registration_deadline
    # The held ones follow the project: one before each phase ends, then a lab visit.
    assert [w.host_town.slug for w in sorted(held, key=lambda w: w.starts_at)] == [
        "wittenberge",
        "diessen-am-ammersee",
        "dippoldiswalde",
        "moelln",
    ]


def test_the_upcoming_workshop_is_in_oestrich_winkel_and_open_for_anna_berger():
    workshop = _upcoming()
    now = timezone.now()

    assert workshop.host_town.slug == "oestrich-winkel"
    assert workshop.starts_at > now + timedelta(days=27)
    assert workshop.is_registration_open
    deadline = timezone.localtime(workshop.registration_deadline)
    assert deadline.date() == timezone.localdate() + timedelta(days=14)
    assert workshop.starts_at - workshop.registration_deadline >= timedelta(days=13)
    assert (workshop.capacity, workshop.seats_per_town) == (20, 4)
    assert workshop.announce_publicly
    assert workshop.venue_name == "Pop-up-Co-Working-Space"
    assert "65375 Oestrich-Winkel" in workshop.venue_address
    assert "Bahnhof Oestrich-Winkel" in workshop.directions
    assert "Demo" in workshop.description
    assert not workshop.protocol and not workshop.roadmap.exists()

    confirmed = workshop.registrations.filter(status=Registration.Status.CONFIRMED)
    assert confirmed.count() >= 3
    anna = _user("anna.berger")
    assert not workshop.registrations.filter(user=anna).exists()

    # What the browser test does: she can still sign up and gets a seat.
    registration = services.register(
        workshop=workshop, user=anna, details=services.RegistrationDetails()
    )
    assert registration.status == Registration.Status.CONFIRMED


def test_every_workshop_has_its_discussion_in_the_consortium_space():
    for workshop in Workshop.objects.select_related("discussion__space", "consortium"):
        topic = workshop.discussion
        assert topic is not None
        assert topic.space.consortium_id == workshop.consortium_id
        assert workshop.title in topic.title
        post = topic.posts.get()
        assert post.author_id == workshop.created_by_id


def test_an_old_demo_database_gets_its_upcoming_workshop_moved_ahead():
    workshop = _upcoming()
    registrations = workshop.registrations.count()
    past = timezone.now() - timedelta(days=40)
    Workshop.objects.filter(pk=workshop.pk).update(
        starts_at=past,
        ends_at=past + timedelta(days=1),
        registration_deadline=past - timedelta(days=14),
    )

    output = _seed()

    workshop.refresh_from_db()
    assert workshop.is_registration_open
    assert timezone.localdate(workshop.starts_at) == upcoming_day()
    assert workshop.registrations.count() == registrations
    assert "updated    1  workshops.Workshop" in output
    assert Workshop.objects.count() == len(WORKSHOPS)


def test_the_upcoming_day_is_a_thursday_about_four_weeks_ahead_outside_the_holidays():
    today = date(2026, 1, 1)
    while today < date(2028, 1, 1):
        day = upcoming_day(today)
        assert day.weekday() == 3
        assert 28 <= (day - today).days <= 60
        assert not ((day.month, day.day) >= (12, 20) or (day.month, day.day) <= (1, 6))
        today += timedelta(days=1)
    assert upcoming_day(date(2027, 3, 2)) == date(2027, 4, 1)


def test_demo_workshop_history_is_dated_along_the_workshop():
    for workshop in Workshop.objects.filter(consortium__slug=SLUG).select_related("discussion"):
        assert workshop.created_at < workshop.starts_at
        assert workshop.discussion.created_at == workshop.created_at
        assert workshop.created_at < timezone.now()
        if workshop.status == Workshop.Status.HELD:
            assert workshop.documented_at > workshop.ends_at
            for card in workshop.ideas.all():
                assert workshop.starts_at < card.created_at < workshop.ends_at
