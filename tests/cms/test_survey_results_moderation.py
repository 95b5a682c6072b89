"""Hiding a free-text answer that names a person: only those who run the survey, through the
service, and the answer is then left out of what others see."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cms.surveys.models import Answer, SurveyStatus
from cms.surveys.services.results import hide_answer, unhide_answer
from tests.helpers.cast import ROLES, client_for
from tests.helpers.surveys import add_responses, make_survey

pytestmark = pytest.mark.django_db

RUNS = {"member", "coach", "core_team", "admin"}  # the member works for the survey's town


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("status", SurveyStatus.values)
@pytest.mark.parametrize("hide", [True, False], ids=["hide", "unhide"])
def test_hide_and_unhide_matrix(client, cast, role, status, hide):
    built = make_survey(cast.consortium, status=status)
    add_responses(built, 1)
    answer = Answer.objects.get(question=built.wish)
    if not hide:
        hide_answer(answer=answer, actor=cast.user("admin"))
    before = Answer.objects.get(pk=answer.pk).hidden_at
    name = "cms:survey_hide_answer" if hide else "cms:survey_unhide_answer"
    address = reverse(name, kwargs={"pk": built.survey.pk, "answer_pk": answer.pk})
    response = client_for(client, cast.user(role)).post(address)
    answer.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 302 and "/konto/login/" in response["Location"]
        assert answer.hidden_at == before
    elif role in RUNS:
        assert response.status_code == 302
        assert (answer.hidden_at is not None) is hide
        assert answer.hidden_by == (cast.user(role) if hide else None)
    else:
        assert response.status_code == 404  # outside the consortium
        assert answer.hidden_at == before


def test_member_who_does_not_run_the_survey_gets_403(client, cast):
    member_town = cast.user("member").profile.town
    built = make_survey(cast.consortium, cast.consortium.towns.exclude(pk=member_town.pk).first())
    add_responses(built, 1)
    answer = Answer.objects.get(question=built.wish)
    client.force_login(cast.user("member"))
    address = reverse(
        "cms:survey_hide_answer", kwargs={"pk": built.survey.pk, "answer_pk": answer.pk}
    )
    assert client.post(address).status_code == 403
    with pytest.raises(PermissionDenied):
        hide_answer(answer=answer, actor=cast.user("member"))


def test_hide_and_unhide_round_trip(cast):
    built = make_survey(cast.consortium)
    add_responses(built, 1)
    answer = Answer.objects.get(question=built.wish)
    coach = cast.user("coach")
    hide_answer(answer=answer, actor=coach)
    hide_answer(answer=answer, actor=coach)
    answer.refresh_from_db()
    assert answer.hidden_by == coach
    unhide_answer(answer=answer, actor=coach)
    answer.refresh_from_db()
    assert answer.hidden_at is None and answer.hidden_by is None


def test_only_free_text_can_be_hidden(client, cast):
    built = make_survey(cast.consortium)
    add_responses(built, 1)
    choice = Answer.objects.get(question=built.commute)
    with pytest.raises(ValidationError):
        hide_answer(answer=choice, actor=cast.user("coach"))
    client.force_login(cast.user("coach"))
    address = reverse(
        "cms:survey_hide_answer", kwargs={"pk": built.survey.pk, "answer_pk": choice.pk}
    )
    response = client.post(address, follow=True)
    assert "Nur Freitext-Antworten" in response.content.decode()


def test_an_answer_of_another_survey_is_404(client, cast):
    built, other = make_survey(cast.consortium), make_survey(cast.consortium, title="Andere")
    add_responses(other, 1)
    answer = Answer.objects.get(question=other.wish)
    client.force_login(cast.user("coach"))
    address = reverse(
        "cms:survey_hide_answer", kwargs={"pk": built.survey.pk, "answer_pk": answer.pk}
    )
    assert client.post(address).status_code == 404


def test_all_texts_page_lists_newest_first_and_paginates(client, cast):
    built = make_survey(cast.consortium)
    add_responses(built, 60)
    client.force_login(cast.user("member"))
    results_body = client.get(
        reverse("cms:survey_results", kwargs={"pk": built.survey.pk})
    ).content.decode()
    address = reverse(
        "cms:survey_texts", kwargs={"pk": built.survey.pk, "question_pk": built.wish.pk}
    )
    assert "Alle 60 Antworten anzeigen" in results_body
    body = client.get(address).content.decode()
    assert body.index("Nummer 59") < body.index("Nummer 58")
    assert "Nummer 9<" not in body
    assert "Nummer 9<" in client.get(address + "?seite=2").content.decode()
    client.force_login(cast.user("outsider"))
    assert client.get(address).status_code == 404
