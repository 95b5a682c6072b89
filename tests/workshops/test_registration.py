"""Registration: capacity, town quota, waiting list, move-up email, deadline, the last seat."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from forum.models import Role
from tests.factories import ConsortiumFactory, MembershipFactory, UserFactory
from tests.helpers.site_tree import ensure_site_tree
from tests.helpers.workshops import make_workshop, members_of_the_cast
from workshops import services
from workshops.models import Registration, Workshop
from workshops.services import RegistrationDetails

YES = RegistrationDetails(attending=True)


def test_seats_then_waiting_list_in_order(cast):
    workshop = make_workshop(cast, capacity=2)
    first, second, third, fourth = members_of_the_cast(cast, 4)
    statuses = [
        services.register(workshop=workshop, user=person, details=YES).status
        for person in (first, second, third, fourth)
    ]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]


def test_cancelling_moves_the_first_on_the_list_up_and_tells_them(
    cast, django_capture_on_commit_callbacks
):
    workshop = make_workshop(cast, capacity=1)
    holder, waiting, later = members_of_the_cast(cast, 3)
    services.register(workshop=workshop, user=holder, details=YES)
    services.register(workshop=workshop, user=waiting, details=YES)
    services.register(workshop=workshop, user=later, details=YES)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(workshop=workshop, user=holder)
    statuses = dict(Registration.objects.filter(workshop=workshop).values_list("user", "status"))
    assert statuses == {holder.pk: "declined", waiting.pk: "confirmed", later.pk: "waitlisted"}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [waiting.email]
    assert "nachgerückt" in message.subject
    assert workshop.get_absolute_url() in message.body
    assert message.alternatives and "nachgerückt" in message.alternatives[0][0]


def test_answering_no_frees_the_seat_too(cast, django_capture_on_commit_callbacks):
    workshop = make_workshop(cast, capacity=1)
    holder, waiting = members_of_the_cast(cast, 2)
    services.register(workshop=workshop, user=holder, details=YES)
    services.register(workshop=workshop, user=waiting, details=YES)
    with django_capture_on_commit_callbacks(execute=True):
        services.register(
            workshop=workshop, user=holder, details=RegistrationDetails(attending=False)
        )
    assert Registration.objects.get(user=waiting).status == "confirmed"


def test_more_seats_move_people_up(cast, django_capture_on_commit_callbacks):
    from tests.helpers.workshops import host_town, workshop_data

    workshop = make_workshop(cast, capacity=1)
    people = members_of_the_cast(cast, 3)
    for person in people:
        services.register(workshop=workshop, user=person, details=YES)
    data = workshop_data(host_town(cast), capacity=3, title=workshop.title)
    data = data.__class__(
        **{
            **data.__dict__,
            "starts_at": workshop.starts_at,
            "ends_at": workshop.ends_at,
            "registration_deadline": workshop.registration_deadline,
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.update_workshop(workshop=workshop, actor=cast.user("coach"), data=data)
    assert Registration.objects.filter(workshop=workshop, status="confirmed").count() == 3
    assert len(mail.outbox) == 2


def test_town_quota_skips_to_the_next_town_on_the_list(cast):
    towns = list(cast.consortium.towns.all()[:2])
    workshop = make_workshop(cast, capacity=3, seats_per_town=1)
    a1, a2 = members_of_the_cast(cast, 2, town=towns[0])
    (b1,) = members_of_the_cast(cast, 1, town=towns[1])
    assert services.register(workshop=workshop, user=a1, details=YES).status == "confirmed"
    assert services.register(workshop=workshop, user=a2, details=YES).status == "waitlisted"
    assert services.register(workshop=workshop, user=b1, details=YES).status == "confirmed"


def test_registration_keeps_the_answers_and_can_be_updated(cast):
    workshop = make_workshop(cast)
    (person,) = members_of_the_cast(cast, 1)
    details = RegistrationDetails(
        needs_overnight_stay=True, dietary_needs="vegetarisch", arrival="car", remarks="Spät"
    )
    services.register(workshop=workshop, user=person, details=details)
    registration = services.register(
        workshop=workshop, user=person, details=RegistrationDetails(dietary_needs="vegan")
    )
    assert registration.status == "confirmed"
    assert registration.dietary_needs == "vegan"
    assert Registration.objects.filter(workshop=workshop).count() == 1


def test_late_registration_gets_a_clear_message(client, cast):
    workshop = make_workshop(cast)
    Workshop.objects.filter(pk=workshop.pk).update(
        registration_deadline=timezone.now() - timedelta(minutes=1)
    )
    workshop.refresh_from_db()
    member = cast.user("member")
    with pytest.raises(ValidationError) as error:
        services.register(workshop=workshop, user=member, details=YES)
    assert "Die Anmeldung ist seit" in error.value.messages[0]
    client.force_login(member)
    url = reverse("workshops:register", kwargs={"slug": cast.consortium.slug, "pk": workshop.pk})
    response = client.post(url, {"attending": "ja", "arrival": "train"})
    assert response.status_code == 400
    assert "Die Anmeldung ist seit" in response.content.decode()
    assert not Registration.objects.filter(workshop=workshop).exists()


@pytest.mark.parametrize("status", ["planned", "closed", "held", "cancelled"])
def test_no_registration_unless_open(cast, status):
    workshop = make_workshop(cast, status=status)
    with pytest.raises(ValidationError):
        services.register(workshop=workshop, user=cast.user("member"), details=YES)


@pytest.mark.parametrize("role", ["outsider", "editor"])
def test_outsiders_cannot_register(cast, role):
    workshop = make_workshop(cast)
    with pytest.raises(PermissionDenied):
        services.register(workshop=workshop, user=cast.user(role), details=YES)


def test_register_view_round_trip(client, cast):
    workshop = make_workshop(cast)
    member = cast.user("member")
    client.force_login(member)
    url = reverse("workshops:register", kwargs={"slug": cast.consortium.slug, "pk": workshop.pk})
    response = client.post(
        url,
        {
            "attending": "ja",
            "arrival": "car",
            "dietary_needs": "vegan",
            "remarks": "Komme um 14 Uhr",
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get(workshop=workshop, user=member)
    assert (registration.status, registration.arrival, registration.dietary_needs) == (
        "confirmed",
        "car",
        "vegan",
    )
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert "Sie sind angemeldet." in page
    # An invalid answer keeps what was typed.
    response = client.post(url, {"attending": "vielleicht", "dietary_needs": "ohne Nüsse"})
    assert response.status_code == 400
    assert "ohne Nüsse" in response.content.decode()


def test_cancelling_after_the_workshop_is_refused(cast):
    workshop = make_workshop(cast, capacity=1)
    member = cast.user("member")
    services.register(workshop=workshop, user=member, details=YES)
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.HELD)
    with pytest.raises(ValidationError):
        services.cancel_registration(workshop=workshop, user=member)


def test_participant_csv_for_the_host_and_coaches(client, cast):
    workshop = make_workshop(cast)
    services.register(
        workshop=workshop,
        user=cast.user("member"),
        details=RegistrationDetails(dietary_needs="=HYPERLINK(1)"),
    )
    client.force_login(cast.user("coach"))
    url = reverse(
        "workshops:participants_csv", kwargs={"slug": cast.consortium.slug, "pk": workshop.pk}
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = [line.split(";") for line in text.strip().splitlines()]
    assert rows[0][0] == "Name"
    assert rows[1][0] == cast.user("member").profile.display_name
    assert rows[1][6] == "'=HYPERLINK(1)"  # no formula injection into spreadsheets
    assert rows[0][-2:] == ["Angemeldet am", "Zuletzt geändert"]
    assert len(rows[1]) == len(rows[0])


@pytest.mark.django_db(transaction=True)
def test_two_people_taking_the_last_seat_at_once_only_one_gets_it():
    """The row lock at work, on PostgreSQL (the CI's second pass). The in-memory SQLite test
    database uses a shared cache that refuses concurrent writers with "table is locked"."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's shared-cache test database locks whole tables")
    ensure_site_tree()
    consortium = ConsortiumFactory()
    coach = UserFactory()
    MembershipFactory(user=coach, consortium=consortium, role=Role.COACH)
    people = [UserFactory(), UserFactory()]
    for person in people:
        MembershipFactory(user=person, consortium=consortium, role=Role.MEMBER)
    from tests.factories import enable_mfa

    enable_mfa(coach)
    from workshops.services import WorkshopData, create_workshop, default_schedule, set_status

    starts_at, ends_at = default_schedule(timezone.localdate() + timedelta(days=20))
    workshop = create_workshop(
        consortium=consortium,
        actor=coach,
        data=WorkshopData(
            host_town=consortium.towns.first(),
            title="Letzter Platz",
            starts_at=starts_at,
            ends_at=ends_at,
            venue_name="Rathaus",
            venue_address="Markt 1",
            capacity=1,
            registration_deadline=starts_at - timedelta(days=1),
        ),
    )
    set_status(workshop=workshop, actor=coach, status=Workshop.Status.OPEN)

    barrier = threading.Barrier(len(people))
    outcomes, errors = [], []

    def take_seat(person):
        try:
            barrier.wait(timeout=10)
            outcomes.append(services.register(workshop=workshop, user=person, details=YES).status)
        except Exception as error:  # reported below, with the vendor
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take_seat, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [], (connection.vendor, errors)
    assert sorted(outcomes) == ["confirmed", "waitlisted"]
    assert Registration.objects.filter(workshop=workshop, status="confirmed").count() == 1


def test_moving_up_past_a_full_town_costs_no_query_per_skipped_person(cast):
    """Quota 1 per town: the waiting list holds people of a town that has its seat, then one
    of another town. A seat frees up: the last one moves up, and how many were skipped does
    not change the number of queries."""
    from django.test.utils import CaptureQueriesContext

    towns = list(cast.consortium.towns.order_by("pk")[:3])

    def cancel_with(blocked: int) -> int:
        workshop = make_workshop(cast, capacity=2, seats_per_town=1)
        [holder] = members_of_the_cast(cast, 1, town=towns[0])
        [leaver] = members_of_the_cast(cast, 1, town=towns[1])
        for person in (holder, leaver, *members_of_the_cast(cast, blocked, town=towns[0])):
            services.register(workshop=workshop, user=person, details=YES)
        [eligible] = members_of_the_cast(cast, 1, town=towns[2])
        services.register(workshop=workshop, user=eligible, details=YES)
        with CaptureQueriesContext(connection) as queries:
            services.cancel_registration(workshop=workshop, user=leaver)
        assert Registration.objects.get(workshop=workshop, user=eligible).status == "confirmed"
        waiting = Registration.objects.filter(workshop=workshop, status="waitlisted")
        assert waiting.count() == blocked
        return len(queries)

    assert cancel_with(2) == cancel_with(8)
