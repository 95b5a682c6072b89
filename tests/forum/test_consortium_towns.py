"""Wherever a town of a consortium is chosen (invitation, workshop host, case page), only the
consortium's own towns are offered and accepted — also when the consortium object arrives with
its towns prefetched, where modelcluster's manager used to ignore filters and list every town."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import reverse

from forum import services
from forum.models import Consortium, Invitation, Role, Town
from tests.factories import TownFactory
from tests.helpers.workshops import make_workshop, workshop_data
from workshops import services as workshop_services
from workshops.models import Workshop


@pytest.fixture
def foreign_town(cast):
    """A town of no consortium of the cast, plus the other consortium's towns."""
    return TownFactory(name="Fremdstadt")


def _offered_town_ids(html: str, field: str) -> set[int]:
    select = re.search(rf'<select name="{field}".*?</select>', html, re.S)
    assert select, html
    return {int(pk) for pk in re.findall(r'<option value="(\d+)"', select.group(0))}


def _own_town_ids(consortium) -> set[int]:
    return set(Town.objects.filter(consortia=consortium).values_list("pk", flat=True))


def test_invitation_form_offers_only_the_consortiums_towns(client, cast, foreign_town):
    client.force_login(cast.user("coach"))
    response = client.get(reverse("forum:invitations", kwargs={"slug": cast.consortium.slug}))
    assert response.status_code == 200
    assert _offered_town_ids(response.content.decode(), "town") == _own_town_ids(cast.consortium)


@pytest.mark.parametrize("which", ["unrelated", "other_consortium"])
def test_invitation_with_a_tampered_town_is_refused(client, cast, foreign_town, which):
    town = foreign_town if which == "unrelated" else cast.other_consortium.lead_town
    client.force_login(cast.user("coach"))
    url = reverse("forum:invitations", kwargs={"slug": cast.consortium.slug})
    response = client.post(url, {"email": "neu@example.org", "role": Role.MEMBER, "town": town.pk})
    assert response.status_code == 400
    assert "gültige Auswahl" in response.content.decode()
    assert not Invitation.objects.filter(email="neu@example.org").exists()


def test_invite_service_refuses_a_foreign_town_on_a_prefetched_consortium(cast, foreign_town):
    consortium = Consortium.objects.prefetch_related(
        Prefetch("towns", queryset=Town.objects.order_by("name"))
    ).get(pk=cast.consortium.pk)
    with pytest.raises(ValidationError) as raised:
        services.invite_member(
            consortium=consortium,
            inviter=cast.user("coach"),
            email="neu@example.org",
            role=Role.MEMBER,
            town=foreign_town,
        )
    assert "town" in raised.value.error_dict


def test_workshop_form_offers_only_the_consortiums_towns(client, cast, foreign_town):
    client.force_login(cast.user("coach"))
    response = client.get(reverse("workshops:create", kwargs={"slug": cast.consortium.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert _offered_town_ids(html, "host_town") == _own_town_ids(cast.consortium)


def _workshop_post(town) -> dict:
    data = workshop_data(town)
    return {
        "title": data.title,
        "host_town": town.pk,
        "starts_at": data.starts_at.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": data.ends_at.strftime("%Y-%m-%dT%H:%M"),
        "registration_deadline": data.registration_deadline.strftime("%Y-%m-%dT%H:%M"),
        "capacity": "10",
        "venue_name": data.venue_name,
        "venue_address": data.venue_address,
    }


def test_workshop_with_a_tampered_host_town_is_refused(client, cast, foreign_town):
    client.force_login(cast.user("coach"))
    url = reverse("workshops:create", kwargs={"slug": cast.consortium.slug})
    response = client.post(url, _workshop_post(foreign_town))
    assert response.status_code == 400
    assert "gültige Auswahl" in response.content.decode()
    assert not Workshop.objects.exists()


def test_workshop_edit_with_a_tampered_host_town_is_refused(client, cast, foreign_town):
    workshop = make_workshop(cast, status=Workshop.Status.PLANNED)
    client.force_login(cast.user("coach"))
    url = reverse("workshops:edit", kwargs={"slug": cast.consortium.slug, "pk": workshop.pk})
    response = client.post(url, _workshop_post(foreign_town))
    assert response.status_code == 400
    workshop.refresh_from_db()
    assert workshop.host_town_id != foreign_town.pk


def test_workshop_service_refuses_a_foreign_host_on_a_prefetched_consortium(cast, foreign_town):
    consortium = Consortium.objects.prefetch_related("towns").get(pk=cast.consortium.pk)
    with pytest.raises(ValidationError) as raised:
        workshop_services.create_workshop(
            consortium=consortium, actor=cast.user("coach"), data=workshop_data(foreign_town)
        )
    assert "host_town" in raised.value.error_dict


@pytest.mark.parametrize("value", ["１２", "٣", "²", str(2**70)])
def test_workshop_host_town_accepts_only_ascii_ids(client, cast, value):
    client.force_login(cast.user("coach"))
    url = reverse("workshops:create", kwargs={"slug": cast.consortium.slug})
    data = {**_workshop_post(cast.consortium.lead_town), "host_town": value}
    response = client.post(url, data)
    assert response.status_code == 400
    assert not Workshop.objects.exists()
