"""Query budgets: the overview, a case page and a town page ask the database as often with 500
transfers as with 5."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cms.models import ActionModulePage, TownPage, Transfer, TransferStatus
from forum.models import Challenge, Town

pytestmark = pytest.mark.django_db

STATUSES = list(TransferStatus)


def add_transfers(n, *, start, cast, case_site):
    towns = Town.objects.bulk_create(
        Town(name=f"Übernahmestadt {i}", slug=f"uebernahme-{i}", state="HE", population=9000)
        for i in range(start, start + n)
    )
    rows = []
    for i, town in enumerate(towns):
        source = {"case_page": case_site.public_case} if i % 3 else {}
        if not source:
            source = {"action_module": case_site.module}
        rows.append(
            Transfer(
                town=town,
                consortium=cast.consortium if i % 2 else cast.other_consortium,
                visibility="internal" if i % 4 == 0 else "public",
                status=STATUSES[i % 4],
                started_on=datetime.date(2024, 1 + i % 12, 1),
                **source,
            )
        )
    Transfer.objects.bulk_create(rows)


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["anonymous", "member", "admin"])
def test_same_queries_with_5_and_500_transfers(role, cast, case_site):
    challenges = list(Challenge.objects.all()[:2])
    case_site.public_case.challenges.set(challenges)
    case_site.public_case.save()
    module = ActionModulePage.objects.get(pk=case_site.module.pk)
    module.challenges.set(challenges[:1])
    module.save()
    town = case_site.public_case.town
    town_page = case_site.consortium_page.add_child(
        instance=TownPage(title=town.name, slug="stadt", town=town)
    )
    client = Client()
    if role != "anonymous":
        client.force_login(cast.user(role))
    urls = ["/uebertragungen/", case_site.public_case.url, case_site.module.url, town_page.url]
    add_transfers(5, start=0, cast=cast, case_site=case_site)
    for url in urls:  # warm caches (site root, navigation)
        client.get(url)
    few = [queries(client, url) for url in urls]
    add_transfers(495, start=5, cast=cast, case_site=case_site)
    many = [queries(client, url) for url in urls]
    assert few == many
    print(role, dict(zip(urls, many, strict=True)))


def test_who_hears_of_a_transfer_costs_the_same_for_2_and_for_12_staff(cast, case_site):
    """The policy asks whether each candidate is an editor: that comes with the candidates."""
    from cms.transfers.notifications import origin_people
    from tests.factories import MembershipFactory, UserFactory

    page = case_site.public_case
    transfer = Transfer.objects.create(
        town=Town.objects.create(name="Nachahmerstadt", slug="nachahmer", state="HE", population=1),
        consortium=cast.consortium,
        visibility="internal",  # so the policy asks about every candidate
        status=TransferStatus.PLANNED,
        started_on=datetime.date(2025, 1, 1),
        case_page=page,
    )

    def staff(count):
        for number in range(count):
            person = UserFactory(profile__town=page.town)
            if number % 2:  # the others are staff of the town without a membership
                MembershipFactory(user=person, consortium=cast.consortium)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            heard = origin_people(transfer)
        return len(captured), len(heard)

    staff(2)
    few, heard_few = queries()
    staff(10)
    many, heard_many = queries()
    assert heard_many == heard_few + 5  # the members
    assert many == few
