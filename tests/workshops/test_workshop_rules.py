"""Permission matrix: roles × workshop state × view / register / edit / agenda / export / document.

Each case checks the rule, the view's answer and (for viewing) the selector together.
"""

import pytest
from django.urls import reverse

from forum.rules import allowed
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.cast import ROLES, client_for
from tests.helpers.workshops import make_workshop
from workshops import selectors
from workshops.models import Registration, Workshop

STATES = [s.value for s in Workshop.Status]
CONSORTIUM_ROLES = {"member", "coach", "core_team"}
RUNNERS = {"coach", "core_team", "admin"}

EXPECTED = {
    "view": lambda role, state: role in CONSORTIUM_ROLES | {"admin"},
    "register": lambda role, state: role in CONSORTIUM_ROLES and state == "open",
    "cancel": lambda role, state: (
        role in CONSORTIUM_ROLES and state in ("planned", "open", "closed")
    ),
    "edit": lambda role, state: role in RUNNERS and state != "cancelled",
    # The member of the cast works for the host town: they prepare agenda and venue.
    "agenda": lambda role, state: (
        role in RUNNERS | {"member"} and state in ("planned", "open", "closed")
    ),
    "export": lambda role, state: role in RUNNERS | {"member"},
    "document": lambda role, state: role in RUNNERS and state == "held",
}
PERMISSIONS = {
    "view": "workshops.see_workshop",
    "register": "workshops.register",
    "cancel": "workshops.cancel_registration",
    "edit": "workshops.edit_workshop",
    "agenda": "workshops.edit_agenda",
    "export": "workshops.export_participants",
    "document": "workshops.document",
}


# The cast is built once for the module (the ``shared_world`` fixture); each
# test reads a copy, and whatever one writes is rolled back before the next.
pytestmark = pytest.mark.shared_world()


@pytest.fixture
def workshops(cast):
    return {state: make_workshop(cast, status=state) for state in STATES}


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_rule_matrix(cast, workshops, role, action):
    user = cast.user(role)
    for state, workshop in workshops.items():
        assert allowed(user, PERMISSIONS[action], workshop) is EXPECTED[action](role, state), state


@pytest.mark.parametrize("role", ROLES)
def test_selector_agrees_with_the_view_rule(cast, workshops, role):
    user = cast.user(role)
    visible = set(selectors.workshops_visible_to(user).values_list("pk", flat=True))
    by_rule = {w.pk for w in workshops.values() if allowed(user, "workshops.see_workshop", w)}
    assert visible == by_rule


def _url(workshop, name):
    return reverse(
        f"workshops:{name}", kwargs={"slug": workshop.consortium.slug, "pk": workshop.pk}
    )


@pytest.mark.parametrize("role", ROLES)
def test_pages_answer_by_the_matrix(client, cast, workshops, role):
    client = client_for(client, cast.user(role))
    for state, workshop in workshops.items():
        detail = client.get(_url(workshop, "detail"))
        if role == "anonymous":
            assert detail.status_code == 302 and "/konto/login/" in detail["Location"]
            continue
        if not EXPECTED["view"](role, state):
            # Outsiders and editors learn nothing: 404 as for a workshop that does not exist.
            assert detail.status_code == 404
            for name in ("edit", "agenda", "participants_csv"):
                assert client.get(_url(workshop, name)).status_code == 404
            continue
        assert detail.status_code == 200
        content = detail.content.decode()
        assert workshop.title in content
        assert (f'action="{_url(workshop, "register")}"' in content) is EXPECTED["register"](
            role, state
        )
        edit = client.get(_url(workshop, "edit"))
        assert edit.status_code == (200 if EXPECTED["edit"](role, state) else 403), state
        agenda = client.get(_url(workshop, "agenda"))
        assert agenda.status_code == (200 if EXPECTED["agenda"](role, state) else 403), state
        export = client.get(_url(workshop, "participants_csv"))
        assert export.status_code == (200 if EXPECTED["export"](role, state) else 403), state


# A status each state may move to, to try the status form with.
NEXT_STATUS = {"planned": "open", "open": "closed", "closed": "open"}


@pytest.mark.parametrize("role", ROLES)
def test_forms_answer_by_the_matrix(client, cast, workshops, role):
    """Every POST entry point, per role and state: refused (login, 404, 403 or the closed
    message) or done, and only then something changed."""
    user = cast.user(role)
    client = client_for(client, user)
    for state, workshop in workshops.items():
        answers = {
            name: client.post(_url(workshop, name), data)
            for name, data in (
                ("register", {"attending": "ja", "arrival": "train"}),
                ("edit", {"title": ""}),
                ("agenda", {"venue_name": ""}),
                ("upload_files", {"dateien-caption": ""}),
            )
        }
        if role == "anonymous":
            assert {answer.status_code for answer in answers.values()} == {302}
            assert not Registration.objects.filter(workshop=workshop).exists()
            continue
        if not EXPECTED["view"](role, state):
            assert {answer.status_code for answer in answers.values()} == {404}, state
            assert client.post(_url(workshop, "cancel")).status_code == 404
            assert client.post(_url(workshop, "status"), {"status": "cancelled"}).status_code == 404
            continue
        registered = Registration.objects.filter(workshop=workshop, user=user)
        if EXPECTED["register"](role, state):
            assert answers["register"].status_code == 302, state
            assert registered.get().status == Registration.Status.CONFIRMED
        else:
            assert answers["register"].status_code == 400, state
            assert "Anmeldung" in answers["register"].content.decode()
            assert not registered.exists()
        # Invalid on purpose: the form comes back (400) for who may, 403 for who may not.
        for name, action in (("edit", "edit"), ("agenda", "agenda"), ("upload_files", "document")):
            expected = 400 if EXPECTED[action](role, state) else 403
            assert answers[name].status_code == expected, (name, state)

        # Withdrawing needs a registration; the member roles get one whatever the state.
        if role in CONSORTIUM_ROLES:
            Registration.objects.get_or_create(
                workshop=workshop, user=user, defaults={"status": Registration.Status.CONFIRMED}
            )
            assert client.post(_url(workshop, "cancel")).status_code == 302
            declined = registered.get().status == Registration.Status.DECLINED
            assert declined is EXPECTED["cancel"](role, state), state
        else:
            assert client.post(_url(workshop, "cancel")).status_code == 403

        if state in NEXT_STATUS:
            target = NEXT_STATUS[state]
            answer = client.post(_url(workshop, "status"), {"status": target})
            workshop.refresh_from_db()
            if EXPECTED["edit"](role, state):
                assert (answer.status_code, workshop.status) == (302, target), state
            else:
                assert (answer.status_code, workshop.status) == (403, state), state


@pytest.mark.parametrize("role", ROLES)
def test_consortium_workshop_list(client, cast, workshops, role):
    url = reverse("workshops:list", kwargs={"slug": cast.consortium.slug})
    response = client_for(client, cast.user(role)).get(url)
    if role == "anonymous":
        assert response.status_code == 302
    elif role in CONSORTIUM_ROLES | {"admin"}:
        assert response.status_code == 200
        assert workshops["open"].title in response.content.decode()
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_create_workshop_page(client, cast, role):
    url = reverse("workshops:create", kwargs={"slug": cast.consortium.slug})
    response = client_for(client, cast.user(role)).get(url)
    expected = {"anonymous": 302, "outsider": 404, "editor": 404, "member": 403}
    assert response.status_code == expected.get(role, 200)


def test_staff_of_another_town_may_not_prepare_the_agenda(client, cast, workshops):
    other_town = cast.consortium.towns.exclude(pk=cast.user("member").profile.town_id).first()
    colleague = UserFactory(profile__town=other_town)
    MembershipFactory(user=colleague, consortium=cast.consortium)
    workshop = workshops["open"]
    assert allowed(colleague, "workshops.see_workshop", workshop)
    assert not allowed(colleague, "workshops.edit_agenda", workshop)
    assert not allowed(colleague, "workshops.export_participants", workshop)
    client.force_login(colleague)
    assert client.get(_url(workshop, "agenda")).status_code == 403
    assert client.get(_url(workshop, "participants_csv")).status_code == 403
