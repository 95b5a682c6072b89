"""Every edit form can be sent back exactly as it was rendered: nothing is refused, nothing
changes (an untouched extra row of the agenda used to demand title and times)."""

import pytest
from django.urls import reverse

from tests.helpers.browser_forms import unchanged_form_data
from tests.helpers.workshops import make_workshop
from workshops.models import Workshop


def _resubmit(client, url: str, containing: str):
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, unchanged_form_data(page.content.decode(), containing))


def test_profile_form_saves_unchanged(client, cast):
    member = cast.user("member")
    before = (member.profile.display_name, member.profile.function, member.profile.bio)
    client.force_login(member)
    response = _resubmit(client, reverse("forum:profile_edit"), "display_name")
    assert response.status_code == 302
    member.profile.refresh_from_db()
    assert (member.profile.display_name, member.profile.function, member.profile.bio) == before


def test_notification_preferences_save_unchanged(client, cast):
    client.force_login(cast.user("member"))
    url = reverse("forum:notification_preferences")
    before = unchanged_form_data(client.get(url).content.decode(), "kind_mention")
    assert client.post(url, before).status_code == 302
    after = unchanged_form_data(client.get(url).content.decode(), "kind_mention")
    del before["csrfmiddlewaretoken"], after["csrfmiddlewaretoken"]
    assert after == before


@pytest.mark.parametrize(
    ("view", "status", "field"),
    [
        ("workshops:edit", Workshop.Status.PLANNED, "host_town"),
        ("workshops:agenda", Workshop.Status.OPEN, "programm-TOTAL_FORMS"),
        ("workshops:document", Workshop.Status.HELD, "fahrplan-TOTAL_FORMS"),
    ],
)
def test_workshop_forms_save_unchanged(client, cast, view, status, field):
    workshop = make_workshop(cast, status=status)
    sequence = workshop.sequence
    client.force_login(cast.user("coach"))
    url = reverse(view, kwargs={"slug": cast.consortium.slug, "pk": workshop.pk})
    response = _resubmit(client, url, field)
    assert response.status_code == 302, response.content.decode()[-3000:]
    workshop.refresh_from_db()
    assert workshop.sequence == sequence
