"""Authoring citizen surveys: who sees and does what on the staff pages (a matrix over roles,
own/other consortium, town and state), the services' validation, and that questions stay as
they were once answers exist."""

import itertools
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms.surveys.models import (
    AccessCode,
    Option,
    Question,
    QuestionKind,
    ResultsRelease,
    Survey,
    SurveyStatus,
)
from cms.surveys.services import authoring as services
from cms.surveys.services.authoring import OptionLine
from cms.surveys.views.authoring import SURVEYS_PER_PAGE
from tests.helpers.cast import ROLES, client_for
from tests.helpers.surveys import add_responses, make_survey

pytestmark = pytest.mark.django_db

SEES = {
    "own": {"member", "coach", "core_team", "admin"},
    "elsewhere": {"member", "coach", "core_team", "admin"},
    "other": {"outsider", "admin"},
}
RUNS = {
    "own": {"member", "coach", "core_team", "admin"},
    "elsewhere": {"coach", "core_team", "admin"},
    "other": {"admin"},
}
NEXT_STATE = {
    SurveyStatus.DRAFT: SurveyStatus.OPEN,
    SurveyStatus.OPEN: SurveyStatus.CLOSED,
    SurveyStatus.CLOSED: SurveyStatus.OPEN,
}


def _survey_where(cast, where: str, status: str, release: str) -> Survey:
    member_town = cast.user("member").profile.town
    fields = {"status": status, "release": release, "requires_code": True}
    if where == "own":
        built = make_survey(cast.consortium, member_town, **fields)
    elif where == "elsewhere":
        town = cast.consortium.towns.exclude(pk=member_town.pk).first()
        built = make_survey(cast.consortium, town, **fields)
    else:
        built = make_survey(cast.other_consortium, **fields)
    return built.survey


def _actions(survey: Survey) -> list[tuple[str, str, str, dict, int]]:
    """(name, method, url, data, status when allowed)."""
    question = survey.questions.first()
    url = lambda name, *args: reverse(f"cms:{name}", args=[survey.pk, *args])  # noqa: E731
    return [
        ("edit", "get", url("survey_edit"), {}, 200),
        ("question_add", "get", url("survey_question_add") + "?art=single", {}, 200),
        ("question_edit", "get", url("survey_question_edit", question.pk), {}, 200),
        ("templates", "get", url("survey_templates_add"), {}, 200),
        ("codes", "get", url("survey_codes"), {}, 200),
        ("release", "post", url("survey_release"), {"release": ResultsRelease.PUBLIC}, 302),
        ("move", "post", url("survey_question_move", question.pk), {"richtung": "runter"}, 302),
        ("copy", "post", url("survey_copy"), {}, 302),
        ("status", "post", url("survey_status", NEXT_STATE[survey.status]), {}, 302),
    ]


@pytest.mark.parametrize(
    ("role", "where", "status", "release"),
    list(
        itertools.product(
            ROLES,
            ["own", "elsewhere", "other"],
            SurveyStatus.values,
            [ResultsRelease.CONSORTIUM, ResultsRelease.ACADEMY],
        )
    ),
)
def test_authoring_matrix(client, cast, role, where, status, release):
    """Released results widen who sees the results page, not who sees or runs the survey."""
    survey = _survey_where(cast, where, status, release)
    user = cast.user(role)
    client_for(client, user)
    detail = client.get(survey.get_absolute_url())
    if role == "anonymous":
        assert detail.status_code == 302 and "/login/" in detail["Location"]
    elif role in SEES[where]:
        assert detail.status_code == 200
        assert survey.title in detail.content.decode()
        runs_marker = reverse("cms:survey_edit", args=[survey.pk])
        assert (runs_marker in detail.content.decode()) is (role in RUNS[where])
    else:
        assert detail.status_code == 404
    for name, method, url, data, ok in _actions(survey):
        response = getattr(client, method)(url, data)
        if role == "anonymous":
            expected = 302
            assert "/login/" in response["Location"], name
        elif role in RUNS[where]:
            expected = ok
        elif role in SEES[where]:
            expected = 403
        else:
            expected = 404
        assert response.status_code == expected, (name, response.status_code)
    survey.refresh_from_db()
    if role in RUNS[where]:
        assert survey.results_release == ResultsRelease.PUBLIC
        assert survey.status == NEXT_STATE[status]
        assert Survey.objects.filter(copied_from=survey).count() == 1
    else:
        assert survey.results_release == release
        assert survey.status == status
        assert not Survey.objects.filter(copied_from=survey).exists()


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_the_consortium_surveys_and_the_new_button(client, cast, role):
    add_responses(make_survey(cast.consortium, title="Unsere Pendlerbefragung"), 3)
    make_survey(cast.other_consortium, title="Fremde Befragung")
    client_for(client, cast.user(role))
    response = client.get(reverse("cms:survey_list"))
    if role == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
        return
    content = response.content.decode()
    assert response.status_code == 200
    assert ("Unsere Pendlerbefragung" in content) is (role in SEES["own"])
    assert ("Fremde Befragung" in content) is (role in SEES["other"])
    assert ("Neue Befragung" in content) is (role in RUNS["own"])
    elsewhere = client.get(reverse("cms:peer_finder")).content.decode()
    nav_link = f'<a href="{reverse("cms:survey_list")}"'
    assert (nav_link in elsewhere) is (role in SEES["own"] | SEES["other"])
    create = client.get(reverse("cms:survey_create"))
    assert create.status_code == (200 if role in RUNS["own"] else 403)


def test_list_filters_by_state_and_counts_responses(client, cast):
    open_one = make_survey(cast.consortium, title="Offene Befragung")
    make_survey(cast.consortium, title="Entwurf A", status=SurveyStatus.DRAFT)
    add_responses(open_one, 7)
    client_for(client, cast.user("coach"))
    everything = client.get(reverse("cms:survey_list")).content.decode()
    assert "Offene Befragung" in everything and "Entwurf A" in everything
    assert "<td>7</td>" in everything
    drafts = client.get(reverse("cms:survey_list") + "?stand=draft").content.decode()
    assert "Entwurf A" in drafts and "Offene Befragung" not in drafts
    odd = client.get(reverse("cms:survey_list") + "?stand=<x>")
    assert odd.status_code == 200 and "Offene Befragung" in odd.content.decode()


def test_the_list_is_paginated_and_keeps_the_state_filter(client, cast):
    town = cast.user("member").profile.town
    Survey.objects.bulk_create(
        Survey(consortium=cast.consortium, town=town, title=f"Befragung {n:02d}", privacy_note="x")
        for n in range(SURVEYS_PER_PAGE + 3)
    )
    client_for(client, cast.user("coach"))
    first = client.get(reverse("cms:survey_list") + "?stand=draft")
    second = client.get(reverse("cms:survey_list") + "?stand=draft&seite=2")
    assert first.content.decode().count('<th scope="row">') == SURVEYS_PER_PAGE
    assert second.content.decode().count('<th scope="row">') == 3
    assert "stand=draft&amp;seite=2" in first.content.decode()
    assert client.get(reverse("cms:survey_list") + "?seite=x").status_code == 200


def test_empty_list_says_so(client, cast):
    client_for(client, cast.user("member"))
    assert "noch keine Befragung" in client.get(reverse("cms:survey_list")).content.decode()


# --- creating and editing ----------------------------------------------------------------------


def _form(cast, **changes):
    town = cast.user("member").profile.town
    data = {
        "town": f"{town.pk}:{cast.consortium.pk}",
        "title": "Arbeiten in Dießen",
        "intro": "Kurz",
        "privacy_note": services.DEFAULT_PRIVACY_NOTE,
        "opens_on": "2026-03-01",
        "closes_on": "2026-03-31",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_member_creates_a_draft_for_their_town(client, cast):
    client_for(client, cast.user("member"))
    form = client.get(reverse("cms:survey_create")).content.decode()
    assert "keine IP-Adresse" in form  # the prefilled privacy note
    response = client.post(reverse("cms:survey_create"), _form(cast))
    survey = Survey.objects.get(title="Arbeiten in Dießen")
    assert response.status_code == 302 and response["Location"] == survey.get_absolute_url()
    assert survey.status == SurveyStatus.DRAFT
    assert survey.consortium == cast.consortium
    assert survey.town == cast.user("member").profile.town
    assert survey.created_by == cast.user("member")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"closes_on": "2026-02-01"}, "closes_on", "Das Ende liegt vor dem Beginn"),
        ({"title": ""}, "title", "Dieses Feld muss ausgefüllt werden"),
        ({"privacy_note": ""}, "privacy_note", "Dieses Feld muss ausgefüllt werden"),
        ({"has_english": "on"}, "title_en", "englische Fassung"),
        ({"asks_contact": "on"}, "contact_prompt", "wonach Sie fragen"),
        ({"opens_on": "morgen"}, "opens_on", "gültiges Datum"),
        ({"town": "999:999"}, "town", "gültige Auswahl"),
    ],
)
def test_bad_survey_input_is_refused_next_to_the_field_keeping_the_input(
    client, cast, changes, field, message
):
    client_for(client, cast.user("coach"))
    response = client.post(reverse("cms:survey_create"), _form(cast, **changes))
    assert response.status_code == 400
    content = response.content.decode()
    assert "error-summary" in content and message in content
    assert f'href="#id_{field}"' in content
    assert "Arbeiten in Dießen" in content or field == "title"
    assert not Survey.objects.exists()


def test_member_may_not_create_for_a_town_of_another_pair(cast):
    other_town = cast.consortium.towns.exclude(pk=cast.user("member").profile.town_id).first()
    with pytest.raises(ValidationError) as refused:
        services.create_survey(
            actor=cast.user("member"),
            town=other_town,
            consortium=cast.consortium,
            title="X",
            privacy_note="Y",
        )
    assert "town" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.create_survey(
            actor=cast.user("editor"),
            town=other_town,
            consortium=cast.consortium,
            title="X",
            privacy_note="Y",
        )


def test_coach_sees_towns_of_the_consortium_only(client, cast):
    client_for(client, cast.user("coach"))
    content = client.get(reverse("cms:survey_create")).content.decode()
    for town in cast.consortium.towns.all():
        assert town.name in content
    for town in cast.other_consortium.towns.all():
        assert f">{town.name}<" not in content


def test_texts_stay_editable_once_answered(client, cast):
    built = make_survey(cast.consortium)
    add_responses(built, 2)
    client_for(client, cast.user("coach"))
    data = {
        "title": "Neuer Titel",
        "privacy_note": "Anonym.",
        "intro": "Neu",
        "opens_on": "",
        "closes_on": "",
    }
    response = client.post(reverse("cms:survey_edit", args=[built.survey.pk]), data)
    assert response.status_code == 302
    built.survey.refresh_from_db()
    assert built.survey.title == "Neuer Titel" and built.survey.town_id is not None


# --- questions -----------------------------------------------------------------------------------


def test_adding_a_choice_question_generates_unique_keys(client, cast):
    survey = make_survey(cast.consortium, status=SurveyStatus.DRAFT).survey
    client_for(client, cast.user("coach"))
    url = reverse("cms:survey_question_add", args=[survey.pk]) + "?art=multiple"
    response = client.post(
        url,
        {"text": "Was fehlt?", "options": "Café\nCafé\nBüro | Office\n\n", "has_other": "on"},
    )
    assert response.status_code == 302
    question = survey.questions.get(text="Was fehlt?")
    assert question.position == 7 and question.has_other
    assert list(question.options.values_list("key", "label", "label_en")) == [
        ("cafe", "Café", ""),
        ("cafe-2", "Café", ""),
        ("buro", "Büro", "Office"),
    ]


@pytest.mark.parametrize(
    ("kind", "data", "field", "message"),
    [
        ("single", {"text": "A", "options": "nur eine"}, "options", "mindestens zwei"),
        ("number", {"text": "A", "min_value": "5", "max_value": "1"}, "max_value", "unter dem"),
        ("number", {"text": "A", "min_value": "x"}, "min_value", "ganze Zahl"),
        ("number", {"text": "A", "max_value": "9" * 30}, "max_value", "kleiner oder gleich"),
        ("multiple", {"text": "A", "options": "\n".join(map(str, range(41)))}, "options", "40"),
        ("scale", {"text": ""}, "text", "muss ausgefüllt"),
        ("scale", {"text": "Wie zufrieden?", "help_text": " "}, "help_text", "1 und 5 bedeuten"),
        ("single", {"text": "A", "options": "a\nb", "show_if_keys": ["1:ja"]}, "show_if", ""),
    ],
)
def test_bad_question_input_is_refused_keeping_the_input(client, cast, kind, data, field, message):
    built = make_survey(cast.consortium, status=SurveyStatus.DRAFT)
    client_for(client, cast.user("coach"))
    if "show_if_keys" in data:
        data = {**data, "show_if_keys": [f"{built.commute.pk}:ja"], "show_if": ""}
    url = reverse("cms:survey_question_add", args=[built.survey.pk]) + f"?art={kind}"
    response = client.post(url, data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "error-summary" in content and message in content
    assert f'href="#id_{field}"' in content
    assert built.survey.questions.count() == 6


def test_skip_rule_only_on_earlier_choice_questions(cast):
    built = make_survey(cast.consortium, status=SurveyStatus.DRAFT)
    coach = cast.user("coach")
    with pytest.raises(ValidationError) as refused:
        services.update_question(
            actor=coach, question=built.commute, show_if=built.means, show_if_keys=["auto"]
        )
    assert "show_if" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.update_question(
            actor=coach, question=built.wish, show_if=built.distance, show_if_keys=["1"]
        )
    with pytest.raises(ValidationError) as no_keys:
        services.update_question(
            actor=coach, question=built.wish, show_if=built.commute, show_if_keys=["vielleicht"]
        )
    assert "show_if_keys" in no_keys.value.message_dict
    services.update_question(
        actor=coach, question=built.wish, show_if=built.commute, show_if_keys=["nein"]
    )
    built.wish.refresh_from_db()
    assert built.wish.show_if == built.commute and built.wish.show_if_keys == ["nein"]


def test_editing_options_keeps_keys_of_unchanged_labels_and_drops_stale_conditions(client, cast):
    built = make_survey(cast.consortium, status=SurveyStatus.DRAFT)
    client_for(client, cast.user("coach"))
    url = reverse("cms:survey_question_edit", args=[built.survey.pk, built.commute.pk])
    assert "Ja\nNein" in client.get(url).content.decode()
    response = client.post(
        url, {"text": "Pendeln Sie?", "options": "Manchmal\nJa", "required": "on"}
    )
    assert response.status_code == 302
    assert list(built.commute.options.values_list("key", flat=True)) == ["manchmal", "ja"]
    built.means.refresh_from_db()
    assert built.means.show_if == built.commute and built.means.show_if_keys == ["ja"]
    client.post(url, {"text": "Pendeln Sie?", "options": "Manchmal\nSelten"})
    built.means.refresh_from_db()
    assert built.means.show_if is None and built.means.show_if_keys == []


def test_skip_rule_set_in_the_editor(client, cast):
    built = make_survey(cast.consortium, status=SurveyStatus.DRAFT)
    client_for(client, cast.user("coach"))
    url = reverse("cms:survey_question_edit", args=[built.survey.pk, built.distance.pk])
    page = client.get(url).content.decode()
    assert "Nur fragen, wenn die Antwort auf Frage" in page
    response = client.post(
        url,
        {
            "text": "Wie weit?",
            "show_if": str(built.commute.pk),
            "show_if_keys": [f"{built.commute.pk}:ja"],
        },
    )
    assert response.status_code == 302
    built.distance.refresh_from_db()
    assert built.distance.show_if == built.commute and built.distance.show_if_keys == ["ja"]
    detail = client.get(built.survey.get_absolute_url()).content.decode()
    assert (
        "Nur gefragt, wenn die Antwort auf Frage 1 („Pendeln Sie zur Arbeit?“) eine dieser ist: Ja"
        in detail
    )


def test_moving_questions_without_javascript(client, cast):
    built = make_survey(cast.consortium, status=SurveyStatus.DRAFT)
    client_for(client, cast.user("coach"))
    move = reverse("cms:survey_question_move", args=[built.survey.pk, built.distance.pk])
    assert client.post(move, {"richtung": "hoch"}).status_code == 302
    order = list(built.survey.questions.order_by("position").values_list("pk", flat=True))
    assert order.index(built.distance.pk) == 2
    # "means" depends on "commute": it may not move above it.
    refused = reverse("cms:survey_question_move", args=[built.survey.pk, built.means.pk])
    response = client.post(refused, {"richtung": "hoch"}, follow=True)
    assert "muss deshalb danach kommen" in response.content.decode()
    built.means.refresh_from_db()
    assert built.means.position == 2


def test_deleting_a_question_frees_its_dependents(client, cast):
    built = make_survey(cast.consortium, status=SurveyStatus.DRAFT)
    client_for(client, cast.user("coach"))
    url = reverse("cms:survey_question_delete", args=[built.survey.pk, built.commute.pk])
    assert "immer gestellt" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not Question.objects.filter(pk=built.commute.pk).exists()
    built.means.refresh_from_db()
    assert built.means.show_if is None and built.means.position == 1


def _every_question_write(built, actor):
    yield lambda: services.add_question(actor=actor, survey=built.survey, kind="scale", text="X")
    yield lambda: services.update_question(actor=actor, question=built.wish, text="Anders")
    yield lambda: services.delete_question(actor=actor, question=built.wish)
    yield lambda: services.move_question(actor=actor, question=built.wish, up=True)
    yield lambda: services.add_questions_from_templates(
        actor=actor, survey=built.survey, templates=[]
    )


def test_no_question_changes_once_answered(client, cast):
    built = make_survey(cast.consortium)
    add_responses(built, 1)
    coach = cast.user("coach")
    for write in _every_question_write(built, coach):
        with pytest.raises(ValidationError) as refused:
            write()
        assert refused.value.code == "answered"
        assert "Kopie" in refused.value.messages[0]
    assert built.survey.questions.count() == 6
    assert built.wish.text == Question.objects.get(pk=built.wish.pk).text
    client_for(client, coach)
    pk = built.survey.pk
    for url in (
        reverse("cms:survey_question_add", args=[pk]) + "?art=scale",
        reverse("cms:survey_question_edit", args=[pk, built.wish.pk]),
        reverse("cms:survey_templates_add", args=[pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200 and "Kopie anlegen" in page.content.decode()
        refused = client.post(url, {"text": "Neu", "templates": []})
        assert refused.status_code == 400 and "schon Antworten" in refused.content.decode()
    delete = client.post(reverse("cms:survey_question_delete", args=[pk, built.wish.pk]))
    assert delete.status_code == 400
    assert built.survey.questions.count() == 6
    detail = client.get(built.survey.get_absolute_url()).content.decode()
    assert "schon Antworten" in detail
    assert reverse("cms:survey_question_edit", args=[pk, built.wish.pk]) not in detail


# --- state, copy, delete ----------------------------------------------------------------------


def test_a_survey_without_questions_does_not_open(cast):
    survey = Survey.objects.create(
        consortium=cast.consortium,
        town=cast.user("member").profile.town,
        title="Leer",
        privacy_note="x",
    )
    with pytest.raises(ValidationError, match="mindestens eine Frage"):
        services.change_status(actor=cast.user("coach"), survey=survey, status="open")


def test_open_close_and_reopen(client, cast):
    survey = make_survey(cast.consortium, status=SurveyStatus.DRAFT).survey
    client_for(client, cast.user("member"))
    url = reverse("cms:survey_status", args=[survey.pk, "open"])
    assert "Sobald die erste Antwort" in client.get(url).content.decode()
    client.post(url)
    survey.refresh_from_db()
    assert survey.status == "open" and survey.opened_at is not None
    client.post(reverse("cms:survey_status", args=[survey.pk, "closed"]))
    survey.refresh_from_db()
    assert survey.status == "closed" and survey.closed_at is not None
    survey.closes_on = timezone.localdate() - timedelta(days=1)
    survey.save()
    response = client.post(url, follow=True)
    assert "Der letzte Tag der Befragung ist vorbei" in response.content.decode()
    survey.refresh_from_db()
    assert survey.status == "closed"
    assert client.post(reverse("cms:survey_status", args=[survey.pk, "draft"])).status_code == 404


def test_copy_remaps_questions_options_and_skip_rules(cast):
    built = make_survey(cast.consortium)
    add_responses(built, 3)
    AccessCode.objects.create(survey=built.survey, code="abcdefgh")
    copy = services.copy_survey(actor=cast.user("coach"), survey=built.survey)
    assert copy.status == SurveyStatus.DRAFT and copy.copied_from == built.survey
    assert copy.title == "Kopie von Pendeln in der Kleinstadt"
    assert copy.results_release == ResultsRelease.CONSORTIUM
    assert not copy.responses.exists() and not copy.codes.exists()
    questions = list(copy.questions.order_by("position"))
    assert [q.text for q in questions] == [
        q.text for q in built.survey.questions.order_by("position")
    ]
    means = questions[1]
    assert means.show_if == questions[0] and means.show_if_keys == ["ja"]
    assert list(means.options.values_list("key", flat=True)) == ["auto", "bahn", "rad"]
    assert Option.objects.filter(question__survey=copy).count() == 5


def test_only_unanswered_drafts_are_deleted(client, cast):
    draft = make_survey(cast.consortium, status=SurveyStatus.DRAFT).survey
    opened = make_survey(cast.consortium).survey
    client_for(client, cast.user("coach"))
    assert client.post(reverse("cms:survey_delete", args=[opened.pk])).status_code == 302
    assert Survey.objects.filter(pk=opened.pk).exists()
    assert client.post(reverse("cms:survey_delete", args=[draft.pk])).status_code == 302
    assert not Survey.objects.filter(pk=draft.pk).exists()


# --- codes and release ------------------------------------------------------------------------


def test_codes_are_generated_counted_and_printable(client, cast):
    survey = make_survey(cast.consortium, requires_code=True).survey
    client_for(client, cast.user("coach"))
    url = reverse("cms:survey_codes", args=[survey.pk])
    assert client.post(url, {"count": "12"}).status_code == 302
    assert survey.codes.count() == 12
    AccessCode.objects.filter(pk=survey.codes.first().pk).update(used_at=timezone.now())
    page = client.get(url).content.decode()
    assert page.count('class="code-value"') == 11
    assert "<dd>1</dd>" in page and survey.title in page
    for bad in ("0", "501", "viele"):
        assert client.post(url, {"count": bad}).status_code == 400
    assert survey.codes.count() == 12
    no_codes = make_survey(cast.consortium, title="Offen").survey
    assert client.get(reverse("cms:survey_codes", args=[no_codes.pk])).status_code == 404


def test_release_form_explains_each_level_and_refuses_nonsense(client, cast):
    survey = make_survey(cast.consortium).survey
    client_for(client, cast.user("core_team"))
    page = client.get(survey.get_absolute_url()).content.decode()
    assert "Freitexte und Kontaktdaten bleiben im Verbund" in page
    bad = client.post(reverse("cms:survey_release", args=[survey.pk]), {"release": "world"})
    assert bad.status_code == 400 and "error-summary" in bad.content.decode()
    survey.refresh_from_db()
    assert survey.results_release == ResultsRelease.CONSORTIUM


# --- query counts -----------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_query_count_does_not_grow_with_surveys(client, cast):
    client_for(client, cast.user("coach"))
    for number in range(5):
        add_responses(make_survey(cast.consortium, title=f"B{number}"), 2)
    url = reverse("cms:survey_list")
    _queries(client, url)
    few = _queries(client, url)
    for number in range(45):
        make_survey(cast.consortium, title=f"C{number}")
    assert _queries(client, url) == few


def test_detail_query_count_does_not_grow_with_questions(client, cast):
    built = make_survey(cast.consortium, status=SurveyStatus.DRAFT)
    client_for(client, cast.user("coach"))
    url = built.survey.get_absolute_url()
    _queries(client, url)
    few = _queries(client, url)
    for number in range(44):
        question = services.add_question(
            actor=cast.user("coach"),
            survey=built.survey,
            kind=QuestionKind.SINGLE,
            text=f"Frage {number}",
            options=[OptionLine("A"), OptionLine("B")],
            show_if=built.commute,
            show_if_keys=["ja"],
        )
        assert question.position == 7 + number
    assert _queries(client, url) == few


def test_batch_of_generated_responses_is_checked_like_one(cast):
    from cms.surveys.services.answering import Given, store_responses

    built = make_survey(cast.consortium, opens_on=timezone.localdate())
    yes = built.option(built.commute, "ja")
    day = timezone.localdate()
    stored = store_responses(survey=built.survey, batch=[([Given(built.commute, yes)], day)] * 3)
    assert len(stored) == 3 and built.survey.responses.count() == 3
    for batch in (
        [([Given(built.commute, yes)], day - timedelta(days=1))],
        [([Given(make_survey(cast.consortium).commute)], day)],
    ):
        with pytest.raises(ValidationError):
            store_responses(survey=built.survey, batch=batch)
    assert built.survey.responses.count() == 3


def test_a_new_scale_question_asks_what_1_and_5_mean(client, cast):
    built = make_survey(cast.consortium, status=SurveyStatus.DRAFT)
    client_for(client, cast.user("coach"))
    url = reverse("cms:survey_question_add", args=[built.survey.pk]) + "?art=scale"
    assert "Was bedeuten 1 und 5?" in client.get(url).content.decode()
    stored = client.post(url, {"text": "Wie zufrieden?", "help_text": "1 = gar nicht, 5 = sehr"})
    assert stored.status_code == 302
    assert built.survey.questions.get(text="Wie zufrieden?").help_text == "1 = gar nicht, 5 = sehr"
