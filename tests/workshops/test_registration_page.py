"""The registration section of a workshop page: giving up a place asks first and is called
"Teilnahme absagen", a full workshop says before submitting that the answer goes on the waiting
list, and the register button has its own words (not the forum's "Post reply")."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.helpers.cast import ROLES, client_for
from tests.helpers.workshops import make_workshop, members_of_the_cast, register
from workshops.models import Registration, Workshop

STATES = [s.value for s in Workshop.Status]
CONSORTIUM_ROLES = {"member", "coach", "core_team"}
STILL_AHEAD = {"planned", "open", "closed"}


def _url(workshop, name):
    return reverse(
        f"workshops:{name}", kwargs={"slug": workshop.consortium.slug, "pk": workshop.pk}
    )


def _main(response) -> str:
    """The page without the header, which has its own "Abmelden" (signing out)."""
    content = response.content.decode()
    return content[content.index("<main") : content.index("</main>")]


def _forms(html: str) -> list[str]:
    return re.findall(r"<form\b.*?</form>", html, flags=re.S)


def test_giving_up_a_seat_is_called_teilnahme_absagen_not_abmelden(client, cast):
    workshop = make_workshop(cast)
    member = cast.user("member")
    register(workshop, member)
    main = _main(client_for(client, member).get(workshop.get_absolute_url()))
    assert "Teilnahme absagen" in main
    assert "Abmelden" not in main


def test_cancel_sits_apart_from_the_save_button_in_its_own_section(client, cast):
    workshop = make_workshop(cast)
    member = cast.user("member")
    register(workshop, member)
    main = _main(client_for(client, member).get(workshop.get_absolute_url()))
    register_form = next(form for form in _forms(main) if _url(workshop, "register") in form)
    assert "Angaben speichern" in register_form
    assert _url(workshop, "cancel") not in register_form
    section = re.search(r'<section aria-labelledby="absagen".*?</section>', main, flags=re.S)
    assert section and _url(workshop, "cancel") in section.group(0)


def test_cancel_asks_for_confirmation_before_the_seat_is_given_away(client, cast):
    workshop = make_workshop(cast, capacity=1)
    member, waiting = cast.user("member"), members_of_the_cast(cast, 1)[0]
    register(workshop, member)
    register(workshop, waiting)
    response = client_for(client, member).get(_url(workshop, "cancel"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Teilnahme absagen?" in page
    assert "Ihr Platz geht sofort an die nächste Person auf der Warteliste" in page
    assert "Ja, Teilnahme absagen" in page
    assert Registration.objects.get(workshop=workshop, user=member).status == "confirmed"
    assert Registration.objects.get(workshop=workshop, user=waiting).status == "waitlisted"


def test_confirmed_cancel_moves_the_waiting_list_up_and_says_so(client, cast):
    workshop = make_workshop(cast, capacity=1)
    member, waiting = cast.user("member"), members_of_the_cast(cast, 1)[0]
    register(workshop, member)
    register(workshop, waiting)
    response = client_for(client, member).post(_url(workshop, "cancel"), follow=True)
    assert response.redirect_chain[-1][0].endswith("#anmeldung")
    assert "Sie haben Ihre Teilnahme an" in response.content.decode()
    assert "Ihr Platz ist frei" in response.content.decode()
    assert Registration.objects.get(workshop=workshop, user=member).status == "declined"
    assert Registration.objects.get(workshop=workshop, user=waiting).status == "confirmed"


def test_saving_details_cannot_give_up_the_seat_without_confirmation(client, cast):
    """The registration form of someone with a seat has no "Nein, ich kann nicht": saving the
    details never hands the seat away; that is what "Teilnahme absagen" (with its question)
    is for."""
    workshop = make_workshop(cast)
    member = cast.user("member")
    register(workshop, member)
    client = client_for(client, member)
    assert "Nein, ich kann nicht" not in _main(client.get(workshop.get_absolute_url()))
    answer = client.post(
        _url(workshop, "register"), {"attending": "nein", "arrival": "car", "remarks": "später"}
    )
    assert answer.status_code == 302
    registration = Registration.objects.get(workshop=workshop, user=member)
    assert (registration.status, registration.remarks) == ("confirmed", "später")


def test_full_workshop_says_before_submitting_it_goes_on_the_waiting_list_at_position(client, cast):
    workshop = make_workshop(cast, capacity=1)
    for person in members_of_the_cast(cast, 2):
        register(workshop, person)
    main = _main(client_for(client, cast.user("member")).get(workshop.get_absolute_url()))
    assert "Alle Plätze sind vergeben: Wenn Sie zusagen, kommen Sie auf die Warteliste, " in main
    assert "auf Platz 2." in main
    assert 'aria-describedby="warteliste-hinweis"' in main
    # The promise holds: registering now gives exactly that place.
    assert register(workshop, cast.user("member")).status == "waitlisted"
    page = _main(client.get(workshop.get_absolute_url()))
    assert "Sie stehen auf Platz 2 der Warteliste" in page


def test_full_town_quota_says_before_submitting_it_goes_on_the_waiting_list(client, cast):
    member = cast.user("member")
    workshop = make_workshop(cast, capacity=5, seats_per_town=1)
    register(workshop, members_of_the_cast(cast, 1, town=member.profile.town)[0])
    main = _main(client_for(client, member).get(workshop.get_absolute_url()))
    assert "Die Plätze für Ihre Kleinstadt sind vergeben" in main
    assert "auf Platz 1." in main


def test_no_waiting_list_warning_while_seats_are_free(client, cast):
    workshop = make_workshop(cast, capacity=2)
    register(workshop, members_of_the_cast(cast, 1)[0])
    main = _main(client_for(client, cast.user("member")).get(workshop.get_absolute_url()))
    assert "Warteliste, auf Platz" not in main


def test_register_button_has_its_own_msgid_not_post_reply(client, cast):
    workshop = make_workshop(cast)
    client = client_for(client, cast.user("member"))
    with translation.override("en"):
        main = _main(client.get(workshop.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"))
        register_form = next(form for form in _forms(main) if _url(workshop, "register") in form)
    assert "Post reply" not in register_form


# --- permission matrix of the confirmation page ---------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_cancel_confirmation_page_matrix(client, cast, role):
    """GET never changes anything; who may see it: a consortium role holding a place in a
    workshop still ahead. Others: login, 404 (hidden), 403 (no registration) or back to the
    workshop with the reason."""
    user = cast.user(role)
    client = client_for(client, user)
    for state in STATES:
        workshop = make_workshop(cast, status=state)
        if role in CONSORTIUM_ROLES:
            Registration.objects.create(
                workshop=workshop, user=user, status=Registration.Status.CONFIRMED
            )
        response = client.get(_url(workshop, "cancel"))
        if role == "anonymous":
            assert response.status_code == 302 and "/konto/login/" in response["Location"]
        elif role in ("outsider", "editor"):
            assert response.status_code == 404
        elif role == "admin":
            assert response.status_code == 403
        elif state in STILL_AHEAD:
            assert response.status_code == 200, state
            assert "Ja, Teilnahme absagen" in response.content.decode()
        else:
            assert response.status_code == 302, state
            assert response["Location"] == workshop.get_absolute_url() + "#anmeldung"
        statuses = set(
            Registration.objects.filter(workshop=workshop).values_list("status", flat=True)
        )
        assert statuses <= {"confirmed"}, (role, state)


def test_cancel_page_for_a_place_already_given_up_leads_back(client, cast):
    workshop = make_workshop(cast)
    member = cast.user("member")
    register(workshop, member, attending=False)
    response = client_for(client, member).get(_url(workshop, "cancel"), follow=True)
    assert response.redirect_chain[-1][0].endswith("#anmeldung")
    assert "Sie haben bereits abgesagt." in response.content.decode()


def test_waiting_list_cancel_page_names_the_place_given_up(client, cast):
    workshop = make_workshop(cast, capacity=1)
    register(workshop, members_of_the_cast(cast, 1)[0])
    member = cast.user("member")
    register(workshop, member)
    page = client_for(client, member).get(_url(workshop, "cancel")).content.decode()
    assert "Sie stehen auf Platz 1 der Warteliste" in page
    assert "Nein, auf der Warteliste bleiben" in page


def test_a_refused_registration_takes_focus_to_its_error_notice(client, cast):
    """Like every form's error summary: announced, focusable and focused on arrival."""
    workshop = make_workshop(cast)
    Workshop.objects.filter(pk=workshop.pk).update(
        registration_deadline=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(cast.user("member"))
    url = reverse("workshops:register", kwargs={"slug": cast.consortium.slug, "pk": workshop.pk})
    html = client.post(url, {"attending": "ja", "arrival": "train"}).content.decode()
    notice = html[html.index('class="message message-error"') :]
    assert notice.index("data-error-summary") < notice.index("Die Anmeldung ist seit")
    assert 'tabindex="-1"' in notice[: notice.index(">")]
    assert "js/error-summary.js" in html
