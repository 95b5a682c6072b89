"""Changing a workshop's status from its page: the two with no way back (cancelled, which tells
everyone holding a place, and held) ask first; the others apply at once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.helpers.cast import ROLES, client_for
from tests.helpers.workshops import make_workshop, register
from workshops.models import Workshop


def _status_url(workshop):
    return reverse("workshops:status", kwargs={"slug": workshop.consortium.slug, "pk": workshop.pk})


def test_cancelling_a_workshop_asks_first_before_telling_everyone(client, cast):
    workshop = make_workshop(cast)
    register(workshop, cast.user("member"))
    client = client_for(client, cast.user("coach"))
    response = client.post(_status_url(workshop), {"status": "cancelled"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Transferwerkstatt absagen?" in page
    assert "1 Person mit Platz oder auf der Warteliste erfährt" in page
    assert "Ja, Transferwerkstatt absagen" in page
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.OPEN

    answer = client.post(_status_url(workshop), {"status": "cancelled", "confirmed": "on"})
    assert answer.status_code == 302
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.CANCELLED


def test_marking_a_workshop_held_asks_first(client, cast):
    workshop = make_workshop(cast, status=Workshop.Status.CLOSED)
    Workshop.objects.filter(pk=workshop.pk).update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=1)
    )
    client = client_for(client, cast.user("coach"))
    response = client.post(_status_url(workshop), {"status": "held"})
    assert response.status_code == 200
    assert "Als stattgefunden markieren?" in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.CLOSED
    client.post(_status_url(workshop), {"status": "held", "confirmed": "on"})
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.HELD


def test_reversible_status_changes_apply_at_once(client, cast):
    workshop = make_workshop(cast)
    answer = client_for(client, cast.user("coach")).post(
        _status_url(workshop), {"status": "closed"}
    )
    assert answer.status_code == 302
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.CLOSED


@pytest.mark.parametrize("role", ROLES)
def test_cancel_workshop_confirmation_matrix(client, cast, role):
    workshop = make_workshop(cast)
    response = client_for(client, cast.user(role)).post(
        _status_url(workshop), {"status": "cancelled"}
    )
    expected = {"anonymous": 302, "outsider": 404, "editor": 404, "member": 403}
    assert response.status_code == expected.get(role, 200)
    assert ("Ja, Transferwerkstatt absagen" in response.content.decode()) is (
        response.status_code == 200
    )
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.OPEN
