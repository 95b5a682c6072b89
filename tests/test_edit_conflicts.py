"""Two people editing the same thing: the second save does not silently overwrite the first.
It is refused with both texts shown and what the second person typed kept; sending it again
then replaces the other save deliberately."""

import pytest
from django.urls import reverse

from forum import services
from tests.helpers.browser_forms import unchanged_form_data
from tests.helpers.workshops import make_workshop, workshop_data
from workshops import services as workshop_services
from workshops.models import Workshop


def test_edit_post_refuses_a_stale_version(cast, forum):
    post = forum.closed_post
    loaded = post.version
    services.edit_post(
        post=post, editor=cast.user("member"), body="Erste Änderung", based_on=loaded
    )
    with pytest.raises(services.EditConflict):
        services.edit_post(
            post=post, editor=cast.user("member"), body="Zweite Änderung", based_on=loaded
        )
    post.refresh_from_db()
    assert post.body == "Erste Änderung"


def test_post_edit_form_shows_both_texts_and_keeps_the_typed_one(client, cast, forum):
    post = forum.closed_post
    client.force_login(cast.user("member"))
    url = reverse("forum:post_edit", kwargs={"pk": post.pk})
    second_tab = unchanged_form_data(client.get(url).content.decode(), "based_on")
    first_tab = {**second_tab, "body": ["Aus dem ersten Fenster"]}
    assert client.post(url, first_tab).status_code == 302

    second_tab["body"] = ["Aus dem zweiten Fenster"]
    conflict = client.post(url, second_tab)
    assert conflict.status_code == 409
    html = conflict.content.decode()
    assert "Aus dem ersten Fenster" in html  # the version saved meanwhile
    assert "Aus dem zweiten Fenster" in html  # what was typed, kept in the form
    assert "Inzwischen hat jemand anderes hier gespeichert" in html
    post.refresh_from_db()
    assert post.body == "Aus dem ersten Fenster"

    # Sending the kept text again is a deliberate overwrite.
    again = client.post(url, unchanged_form_data(html, "based_on"))
    assert again.status_code == 302
    post.refresh_from_db()
    assert post.body == "Aus dem zweiten Fenster"


def test_update_workshop_refuses_a_stale_version(cast):
    workshop = make_workshop(cast, status=Workshop.Status.PLANNED)
    loaded = workshop.version
    coach = cast.user("coach")
    town = workshop.host_town
    workshop_services.update_workshop(
        workshop=workshop,
        actor=coach,
        data=workshop_data(town, title="Erster Titel"),
        based_on=loaded,
    )
    with pytest.raises(services.EditConflict):
        workshop_services.update_workshop(
            workshop=workshop,
            actor=coach,
            data=workshop_data(town, title="Zweiter Titel"),
            based_on=loaded,
        )
    workshop.refresh_from_db()
    assert workshop.title == "Erster Titel"


@pytest.mark.parametrize(
    ("view", "field", "value"),
    [
        ("workshops:edit", "title", "Transferwerkstatt mit neuem Titel"),
        ("workshops:agenda", "ort-directions", "Vom Bahnhof mit dem Bus 12."),
    ],
)
def test_workshop_forms_refuse_a_stale_save_and_keep_the_input(client, cast, view, field, value):
    workshop = make_workshop(cast, status=Workshop.Status.PLANNED)
    client.force_login(cast.user("coach"))
    url = reverse(view, kwargs={"slug": cast.consortium.slug, "pk": workshop.pk})
    page = client.get(url).content.decode()
    first = unchanged_form_data(page, field)
    second = unchanged_form_data(page, field)
    first[field] = ["Zuerst gespeichert"]
    assert client.post(url, first).status_code == 302

    second[field] = [value]
    conflict = client.post(url, second)
    assert conflict.status_code == 409
    assert value in conflict.content.decode()
    assert "Inzwischen hat jemand anderes hier gespeichert" in conflict.content.decode()
    workshop.refresh_from_db()
    saved = workshop.title if field == "title" else workshop.directions
    assert saved == "Zuerst gespeichert"
