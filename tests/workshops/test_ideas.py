"""The live idea board: who may see, post, group and remove cards in which workshop state; the
forms keep what was typed; the websocket stream; the cards in the documentation."""

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.models import Membership
from forum.rules import allowed
from forum.services import remove_member
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.cast import ROLES, client_for
from tests.helpers.realtime import connect, receive, subscribe, unexpected
from tests.helpers.workshops import make_workshop
from workshops import services
from workshops.models import IdeaCard, Workshop

STATES = [s.value for s in Workshop.Status]
CONSORTIUM_ROLES = {"member", "coach", "core_team"}
RUNNERS = {"coach", "core_team", "admin"}
BOARD_STATES = {"open", "closed", "held"}


def board_url(workshop) -> str:
    return reverse("workshops:ideas", kwargs={"slug": workshop.consortium.slug, "pk": workshop.pk})


def fragment_url(workshop) -> str:
    return reverse(
        "workshops:idea_board", kwargs={"slug": workshop.consortium.slug, "pk": workshop.pk}
    )


def new_member(cast):
    user = UserFactory()
    MembershipFactory(user=user, consortium=cast.consortium)
    return user


@pytest.fixture
def workshops(cast):
    return {state: make_workshop(cast, status=state) for state in STATES}


# --- the rules ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_rule_matrix_for_seeing_and_posting(cast, workshops, role):
    user = cast.user(role)
    for state, workshop in workshops.items():
        sees = role in CONSORTIUM_ROLES | {"admin"} and state in BOARD_STATES
        posts = role in CONSORTIUM_ROLES and state in BOARD_STATES
        assert allowed(user, "workshops.see_idea_board", workshop) is sees, state
        assert allowed(user, "workshops.post_idea", workshop) is posts, state


@pytest.mark.parametrize("role", ROLES)
def test_rule_matrix_for_removing_a_card(cast, role):
    """Authors take back their own cards while the board is up; coaches, core team and admins
    remove any card; nobody touches a card once the workshop is cancelled."""
    workshop = make_workshop(cast, status=Workshop.Status.OPEN)
    user = cast.user(role)
    others = services.add_idea(workshop=workshop, actor=new_member(cast), text="Fremde Karte")
    assert allowed(user, "workshops.remove_idea", others) is (role in RUNNERS)
    if role in CONSORTIUM_ROLES:
        own = services.add_idea(workshop=workshop, actor=user, text="Eigene Karte")
        assert allowed(user, "workshops.remove_idea", own)
        services.set_status(workshop=workshop, actor=cast.user("coach"), status="cancelled")
        own.workshop.refresh_from_db()
        assert not allowed(user, "workshops.remove_idea", own)


# --- the pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_board_page_fragment_and_posting_by_role(client, cast, workshops, role):
    user = cast.user(role)
    client = client_for(client, user)
    for state, workshop in workshops.items():
        page, fragment = client.get(board_url(workshop)), client.get(fragment_url(workshop))
        response = client.post(board_url(workshop), {"text": f"Idee von {role} ({state})"})
        if role == "anonymous":
            assert page.status_code == fragment.status_code == response.status_code == 302
            continue
        sees = role in CONSORTIUM_ROLES | {"admin"} and state in BOARD_STATES
        posts = role in CONSORTIUM_ROLES and state in BOARD_STATES
        assert page.status_code == (200 if sees else 404), state
        assert fragment.status_code == (200 if sees else 404), state
        expected = 302 if posts else (403 if sees else 404)
        assert response.status_code == expected, state
        saved = IdeaCard.objects.filter(workshop=workshop, text=f"Idee von {role} ({state})")
        assert saved.exists() is posts
        if sees:
            assert ('name="text"' in page.content.decode()) is posts
    if role in CONSORTIUM_ROLES:
        detail = client.get(workshops["held"].get_absolute_url()).content.decode()
        assert f'href="{board_url(workshops["held"])}"' in detail
        assert f"Idee von {role} (held)" in detail  # part of the documentation


def test_the_board_shows_cards_by_group_with_author_and_town(client, cast):
    workshop = make_workshop(cast)
    member, coach = cast.user("member"), cast.user("coach")
    services.add_idea(workshop=workshop, actor=coach, text="Noch lose", group="")
    services.add_idea(workshop=workshop, actor=member, text="Bahnhof nutzen", group=" Orte  ")
    services.add_idea(
        workshop=workshop, actor=coach, text="Leerstand <b>kartieren</b>", group="Orte"
    )

    content = client_for(client, member).get(board_url(workshop)).content.decode()

    assert content.index("Noch ohne Gruppe") < content.index("Noch lose")
    assert content.index(">Orte <") < content.index("Bahnhof nutzen")
    assert content.index("Bahnhof nutzen") < content.index("Leerstand &lt;b&gt;kartieren")
    assert f"({member.profile.town.name})" in content
    assert '<option value="Orte">' in content
    assert 'data-group="Orte"' in content and "(2)" in content
    # The member may remove their own card only; the coach's cards have no remove button.
    assert content.count("Karte entfernen") == 1


@pytest.mark.parametrize("role", ROLES)
def test_a_single_card_as_the_viewer_sees_it(client, cast, role):
    """What the board's script fetches when a card is added or moved."""
    workshop = make_workshop(cast)
    member = cast.user("member")
    card = services.add_idea(workshop=workshop, actor=member, text="Markt beleben", group="Orte")
    url = reverse("workshops:idea_card", kwargs={"pk": card.pk})

    response = client_for(client, cast.user(role)).get(url)

    if role == "anonymous":
        assert response.status_code == 302
        return
    if role not in CONSORTIUM_ROLES | {"admin"}:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    content = response.content.decode()
    assert content.startswith(f'<li class="idea-card" id="idee-{card.pk}" data-group="Orte">')
    assert "Markt beleben" in content
    assert ("Karte entfernen" in content) is (role in {"member"} | RUNNERS)
    assert ('name="group"' in content) is (role in CONSORTIUM_ROLES)
    services.remove_idea(card=card, actor=member)
    assert client.get(url).status_code == 404


def test_empty_board_says_so(client, cast):
    workshop = make_workshop(cast)
    content = client_for(client, cast.user("member")).get(board_url(workshop)).content.decode()
    assert "Noch keine Karten an der Ideenwand." in content


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"text": "   ", "group": "Orte"}, "Bitte schreiben Sie Ihre Idee auf die Karte."),
        ({"text": "x" * 501, "group": "Orte"}, "höchstens 500 Zeichen"),
        ({"text": "Gute Idee", "group": "g" * 81}, "höchstens 80 Zeichen"),
    ],
    ids=["empty", "too long", "group too long"],
)
def test_a_failed_card_keeps_what_was_typed(client, cast, data, error):
    workshop = make_workshop(cast)
    response = client_for(client, cast.user("member")).post(board_url(workshop), data)

    assert response.status_code == 400
    content = response.content.decode()
    assert error in content
    if data["text"].strip():
        assert data["text"] in content
    assert data["group"] in content
    assert not IdeaCard.objects.exists()


def test_a_full_board_refuses_more_cards_and_keeps_the_text(client, cast, monkeypatch):
    workshop = make_workshop(cast)
    monkeypatch.setattr(services, "MAX_IDEAS_PER_WORKSHOP", 1)
    client = client_for(client, cast.user("member"))
    assert client.post(board_url(workshop), {"text": "Erste"}).status_code == 302

    response = client.post(board_url(workshop), {"text": "Zweite Idee"})

    assert response.status_code == 400
    assert "Die Ideenwand ist voll (1 Karten)" in response.content.decode()
    assert "Zweite Idee" in response.content.decode()
    assert IdeaCard.objects.count() == 1


def test_regrouping_by_any_member_and_a_failed_one_keeps_the_typed_group(client, cast):
    workshop = make_workshop(cast)
    card = services.add_idea(workshop=workshop, actor=cast.user("coach"), text="Schnuppertage")
    client = client_for(client, cast.user("member"))
    url = reverse("workshops:idea_regroup", kwargs={"pk": card.pk})

    assert client.post(url, {"group": "Co-Working"}).status_code == 302
    card.refresh_from_db()
    assert card.group == "Co-Working"

    response = client.post(url, {"group": "z" * 81})
    assert response.status_code == 400
    content = response.content.decode()
    assert 'aria-invalid="true"' in content and "z" * 81 in content
    card.refresh_from_db()
    assert card.group == "Co-Working"


@pytest.mark.parametrize("role", ROLES)
def test_regroup_and_remove_by_role(client, cast, role):
    workshop = make_workshop(cast)
    card = services.add_idea(workshop=workshop, actor=new_member(cast), text="Karte")
    client = client_for(client, cast.user(role))
    regroup = client.post(
        reverse("workshops:idea_regroup", kwargs={"pk": card.pk}), {"group": role}
    )
    remove = client.post(reverse("workshops:idea_remove", kwargs={"pk": card.pk}))

    if role == "anonymous":
        assert regroup.status_code == remove.status_code == 302
        assert IdeaCard.objects.filter(pk=card.pk, group="").exists()
        return
    sees = role in CONSORTIUM_ROLES | {"admin"}
    assert regroup.status_code == (302 if role in CONSORTIUM_ROLES else 403 if sees else 404)
    assert remove.status_code == (302 if role in RUNNERS else 403 if sees else 404)
    assert IdeaCard.objects.filter(pk=card.pk).exists() is (role not in RUNNERS)


@pytest.mark.parametrize("role", ROLES)
def test_removing_an_idea_card_asks_first(client, cast, role):
    workshop = make_workshop(cast)
    card = services.add_idea(workshop=workshop, actor=new_member(cast), text="Karte zum Entfernen")
    response = client_for(client, cast.user(role)).get(
        reverse("workshops:idea_remove", kwargs={"pk": card.pk})
    )
    sees = role in CONSORTIUM_ROLES | {"admin"}
    expected = 302 if role == "anonymous" else 200 if role in RUNNERS else 403 if sees else 404
    assert response.status_code == expected
    if expected == 200:
        content = response.content.decode()
        assert "Karte entfernen?" in content and "Karte zum Entfernen" in content
        assert 'method="post"' in content
    assert IdeaCard.objects.filter(pk=card.pk).exists()


def test_an_author_removes_their_own_card(client, cast):
    workshop = make_workshop(cast)
    member = cast.user("member")
    card = services.add_idea(workshop=workshop, actor=member, text="Doch nicht")
    response = client_for(client, member).post(
        reverse("workshops:idea_remove", kwargs={"pk": card.pk}), follow=True
    )
    assert "Die Karte ist entfernt." in response.content.decode()
    assert not IdeaCard.objects.exists()


def test_board_queries_do_not_grow_with_the_cards(client, cast):
    workshop = make_workshop(cast)
    client = client_for(client, cast.user("member"))
    people = [new_member(cast) for _index in range(5)]

    def count() -> int:
        client.get(board_url(workshop))  # the bell counts once after its notifications changed
        with CaptureQueriesContext(connection) as queries:
            assert client.get(board_url(workshop)).status_code == 200
        return len(queries)

    services.add_idea(workshop=workshop, actor=people[0], text="Eine", group="A")
    one = count()
    for number in range(30):
        services.add_idea(
            workshop=workshop,
            actor=people[number % 5],
            text=f"Karte {number}",
            group=f"G{number % 4}",
        )
    assert count() == one
    print(f"idea board: {one} queries for 1 card and for 31 cards")


# --- live ------------------------------------------------------------------------------------

db = database_sync_to_async


@pytest.fixture
def fresh_layer():
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


@pytest.mark.django_db(transaction=True)
async def test_the_board_stream_is_for_those_who_see_the_board(cast, fresh_layer):
    workshop = await db(make_workshop)(cast)
    planned = await db(make_workshop)(cast, status=Workshop.Status.PLANNED)
    member, outsider = cast.user("member"), cast.user("outsider")
    stream = f"workshop:{workshop.pk}"

    watching = await connect(member)
    await subscribe(watching, stream)
    await watching.send_json_to({"type": "subscribe", "stream": f"workshop:{planned.pk}"})
    assert await receive(watching) == {"type": "refused", "stream": f"workshop:{planned.pk}"}
    stranger = await connect(outsider)
    await stranger.send_json_to({"type": "subscribe", "stream": stream})
    assert await receive(stranger) == {"type": "refused", "stream": stream}
    await stranger.send_json_to({"type": "subscribe", "stream": "workshop:999999"})
    assert await receive(stranger) == {"type": "refused", "stream": "workshop:999999"}

    card = await db(services.add_idea)(workshop=workshop, actor=cast.user("coach"), text="Neu")
    await db(services.regroup_idea)(card=card, actor=member, group="Orte")
    await db(services.remove_idea)(card=card, actor=cast.user("coach"))

    changes = []
    for _index in range(3):
        message = await receive(watching)
        assert (message["stream"], message["kind"]) == (stream, "idea.changed")
        assert message["payload"]["card_id"] == card.pk
        changes.append(message["payload"]["change"])
    assert changes == ["added", "moved", "removed"]
    assert await unexpected(stranger) == []

    # Removed from the consortium: the board stream ends at once.
    membership = await db(Membership.objects.get)(user=member, consortium=cast.consortium)
    await db(remove_member)(membership=membership, actor=cast.user("coach"))
    assert await receive(watching) == {"type": "unsubscribed", "stream": stream, "reason": "access"}
    await watching.disconnect()
    await stranger.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
async def test_board_stream_role_matrix(cast, fresh_layer, role):
    """Who may subscribe to an open workshop's board (anonymous sockets are closed on connect,
    tests/forum/test_consumers.py)."""
    workshop = await db(make_workshop)(cast)
    stream = f"workshop:{workshop.pk}"
    socket = await connect(cast.user(role))
    await socket.send_json_to({"type": "subscribe", "stream": stream})
    answer = await receive(socket)
    expected = "subscribed" if role in CONSORTIUM_ROLES | {"admin"} else "refused"
    assert answer == {"type": expected, "stream": stream}
    await socket.disconnect()
