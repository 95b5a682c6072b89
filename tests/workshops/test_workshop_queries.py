"""Query budget: workshop list and detail cost the same with few and with many rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.models import Role
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.workshops import make_workshop
from workshops import services
from workshops.services import RegistrationDetails


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _register_people(cast, workshop, count):
    for _index in range(count):
        person = UserFactory(profile__town=cast.consortium.towns.first())
        MembershipFactory(user=person, consortium=cast.consortium, role=Role.MEMBER)
        services.register(workshop=workshop, user=person, details=RegistrationDetails())


def test_detail_page_does_not_grow_with_participants(client, cast):
    workshop = make_workshop(cast, capacity=20)
    client.force_login(cast.user("coach"))
    _register_people(cast, workshop, 1)
    client.get(workshop.get_absolute_url())
    few = _count(client, workshop.get_absolute_url())
    _register_people(cast, workshop, 30)  # 19 seats, 11 on the waiting list
    many = _count(client, workshop.get_absolute_url())
    print(f"workshop detail: {few} queries with 1 participant, {many} with many")
    assert few == many, (few, many)


def test_list_page_does_not_grow_with_workshops(client, cast):
    url = reverse("workshops:list", kwargs={"slug": cast.consortium.slug})
    client.force_login(cast.user("member"))
    make_workshop(cast)
    client.get(url)
    few = _count(client, url)
    for status in ("planned", "closed", "held", "cancelled", "open", "held"):
        make_workshop(cast, status=status)
    client.get(url)  # the bell counts once after its notifications changed
    many = _count(client, url)
    print(f"workshop list: {few} queries with 1 workshop, {many} with 7")
    assert few == many, (few, many)
