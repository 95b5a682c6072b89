"""The peer finder ("Wer hat das schon gemacht?"): the permission matrix over results, counts
and reasons, the agreement of its table with the selectors, the filters and bad input."""

import pytest
from django.urls import reverse

from cms import selectors
from cms.models import Outcome
from cms.peer_finder.entries import EntryKind, PeerFinderEntry
from cms.peer_finder.search import entries_visible_to
from forum import selectors as forum_selectors
from forum.models import Challenge, Format
from tests.helpers.cast import ROLES, client_for
from tests.helpers.peer_finder import build_finder_world, search

pytestmark = [pytest.mark.shared_world("forum", "case_site"), pytest.mark.django_db]

URL = reverse("cms:peer_finder")

# Who reads what, stated independently of the policy (DESIGN.md). The "outsider" is a member of
# the other consortium.
READS = {
    "own_public": set(ROLES),
    "other_public": set(ROLES),
    "module": set(ROLES),
    "own_internal": {"member", "coach", "core_team", "editor", "admin"},
    "other_internal": {"outsider", "editor", "admin"},
    "closed_lesson": {"member", "coach", "core_team", "admin"},
    "academy_lesson": {"outsider", "member", "coach", "core_team", "editor", "admin"},
    "other_closed_lesson": {"outsider", "admin"},
}
SECRET_WORDS = {
    "own_internal": "Vertrauliche Bilanz",
    "other_internal": "Fremdes Internes Labor",
    "closed_lesson": "Co-Working im Rathaus",
    "other_closed_lesson": "Geheime Co-Working-Erkenntnis",
}


@pytest.fixture(scope="module")
def world(shared_world, django_db_blocker):
    with django_db_blocker.unblock():
        return build_finder_world(shared_world.cast, shared_world.forum, shared_world.case_site)


def _key(world, name):
    thing = getattr(world, name)
    return ("lesson", thing.pk) if name.endswith("lesson") else ("page", thing.pk)


def _keys(results):
    return {
        ("lesson", r.entry.topic_id) if r.entry.topic_id else ("page", r.entry.page_id)
        for r in results
    }


@pytest.mark.parametrize("role", ROLES)
def test_table_agrees_with_the_selectors(cast, world, role):
    user = cast.user(role)
    visible = entries_visible_to(user)
    assert set(visible.filter(kind=EntryKind.CASE).values_list("page_id", flat=True)) == set(
        selectors.case_pages_visible_to(user).values_list("pk", flat=True)
    )
    assert set(visible.filter(kind=EntryKind.MODULE).values_list("page_id", flat=True)) == set(
        selectors.action_modules_visible_to(user).values_list("pk", flat=True)
    )
    assert set(visible.filter(kind=EntryKind.LESSON).values_list("topic_id", flat=True)) == set(
        forum_selectors.topics_visible_to(user).filter(is_lesson=True).values_list("pk", flat=True)
    )


@pytest.mark.parametrize("role", ROLES)
def test_results_are_exactly_what_the_role_may_read(cast, world, role):
    results, counts = search(cast.user(role), "Co-Working Leerstand Befragung Büro")
    expected = {_key(world, name) for name, readers in READS.items() if role in readers}
    found = _keys(results)
    # Whatever matched, nothing outside the readable set; the internal pages and lessons that
    # share the words are found by those who may read them.
    assert found <= expected
    for name in ("own_internal", "other_internal", "closed_lesson", "other_closed_lesson"):
        assert (_key(world, name) in found) == (role in READS[name])
    assert sum(counts.values()) == len(found)


@pytest.mark.parametrize("role", ROLES)
def test_page_shows_no_unreadable_title_reason_or_count(client, cast, world, role):
    client = client_for(client, cast.user(role))
    response = client.get(URL, {"frage": "Co-Working Leerstand Befragung"})
    assert response.status_code == 200
    html = response.content.decode()
    for name, words in SECRET_WORDS.items():
        assert (words in html) == (role in READS[name]), name
    # Reasons come from the rows the viewer reads only: the other consortium's failure notes
    # show as "gescheitert – mit Gründen" only to its readers.
    failures = sum(1 for name in ("own_internal", "other_internal") if role in READS[name])
    assert html.count("gescheitert – mit Gründen") == failures
    counts = response.context["counts"]
    cases = sum(
        role in READS[name]
        for name in ("own_public", "other_public", "own_internal", "other_internal")
    )
    assert counts[EntryKind.CASE] <= cases
    lessons = sum(
        role in READS[name] for name in ("closed_lesson", "academy_lesson", "other_closed_lesson")
    )
    assert counts[EntryKind.LESSON] <= lessons


def test_module_takes_facts_only_from_public_evidence(world):
    entry = PeerFinderEntry.objects.get(page_id=world.module.pk)
    survey = Format.objects.get(slug="befragung")
    popup = Format.objects.get(slug="pop-up-space")
    # The internal evidence page tried a survey; the public one a pop-up space.
    assert survey.pk not in entry.key_ids("format_keys")
    assert entry.key_ids("format_keys") == {popup.pk}


def test_reasons_name_the_matching_facts(cast, world):
    results, _counts = search(cast.user("member"), "Befragung mit QR-Code")
    by_key = {key: result for result in results for key in _keys([result])}
    reasons = by_key[_key(world, "other_public")].reasons
    assert "Format Befragung" in reasons
    assert any(reason.startswith("im Text:") and "QR-Code" in reason for reason in reasons)
    internal = by_key[_key(world, "own_internal")].reasons
    assert "gescheitert – mit Gründen" in internal


def test_question_hints_rank_failures_first(cast, world):
    results, _counts = search(cast.user("member"), "gescheitert Co-Working")
    assert _keys(results[:1]) == {_key(world, "own_internal")}


def test_population_hint_and_own_size_band(cast, world):
    member = cast.user("member")
    town = member.profile.town
    results, _counts = search(member, "Leerstand unter 15.000", viewer_town=town)
    own = next(r for r in results if r.entry.page_id == world.own_public.pk)
    assert "unter 15.000 Einwohnern" in own.reasons
    assert "gleiche Größenklasse" in own.reasons
    other = next(r for r in results if r.entry.page_id == world.other_public.pk)
    assert "unter 15.000 Einwohnern" not in other.reasons
    assert "gleiches Bundesland" in other.reasons


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # The academy lesson "Leerstand nutzen" names the Handlungsfeld in its text.
        ({"challenge": "leerstand"}, {"own_public", "other_public", "module", "academy_lesson"}),
        ({"format": "befragung"}, {"own_internal", "other_public"}),
        ({"outcome": Outcome.FAILED}, {"own_internal"}),
        ({"size": "klein"}, {"own_public", "own_internal"}),
        ({"size": "mittel"}, {"other_public"}),
        ({"state": "BB"}, {"own_public", "own_internal", "other_public"}),
        ({"kind": EntryKind.MODULE}, {"module"}),
    ],
)
def test_filters(cast, world, filters, expected):
    if "challenge" in filters:
        filters["challenge"] = Challenge.objects.get(slug=filters["challenge"])
    if "format" in filters:
        filters["format"] = Format.objects.get(slug=filters["format"])
    results, _counts = search(cast.user("member"), **filters)
    assert _keys(results) == {_key(world, name) for name in expected}


def test_radius_around_own_town(cast, world):
    member = cast.user("member")
    town = member.profile.town
    near, _counts = search(member, "Befragung", viewer_town=town, radius=50)
    assert _key(world, "other_public") in _keys(near)  # Wittenberge, about 20 km
    result = next(r for r in near if r.entry.page_id == world.other_public.pk)
    assert result.distance_km == pytest.approx(20, abs=5)
    assert f"{round(result.distance_km)} km entfernt" in result.reasons
    # Mölln is about 140 km away and has no lab; nothing beyond the radius is listed.
    assert all(r.distance_km is not None and r.distance_km <= 50 for r in near)


def test_form_radius_only_with_coordinates(client, cast, world):
    client.force_login(cast.user("coach"))  # no town in the profile
    response = client.get(URL, {"frage": "Befragung", "umkreis": "50"})
    assert response.status_code == 400
    assert "Koordinaten" in response.content.decode()
    assert 'value="Befragung"' in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"handlungsfeld": "gibt-es-nicht"},
        {"format": "<script>"},
        {"ergebnis": "super"},
        {"groesse": "riesig"},
        {"land": "XX"},
        {"umkreis": "-5"},
        {"art": "alles"},
        {"frage": "x" * 201},
    ],
)
def test_bad_filter_values_answer_with_a_message(client, world, params):
    response = client.get(URL, {"frage": "Befragung", **params})
    assert response.status_code == 400
    assert "Bitte prüfen Sie die markierten Angaben." in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"frage": "Befragung", "seite": "999"},
        {"frage": "Befragung", "seite": "abc"},
        {"frage": "' OR 1=1 -- & | ! :* (( <%"},
        {"frage": "und mit im"},
        {"frage": ""},
    ],
)
def test_odd_input_never_fails(client, world, params):
    assert client.get(URL, params).status_code == 200


def test_empty_result_offers_suggestions(client, world):
    response = client.get(URL, {"frage": "Zeppelinlandeplatz", "land": "BY"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dazu haben wir nichts gefunden." in html
    assert "Ohne Filter suchen" in html


def test_page_is_linked_from_the_menu_and_the_case_index(client, world, case_site):
    html = client.get(case_site.case_index.url).content.decode()
    assert html.count(f'href="{URL}"') == 2
