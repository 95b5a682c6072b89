"""The academy's library of question templates: the seeded topics, adding them to a survey
(keys kept for comparison), who keeps the library, and its snippet in the Wagtail admin, which
writes through the services and keeps what surveys use."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from cms import services as cms_services
from cms.surveys import selectors
from cms.surveys.models import QuestionKind, QuestionTemplate, SurveyStatus, TemplateTopic
from cms.surveys.services import authoring as services
from cms.surveys.services.authoring import library
from forum import rules as policy
from tests.helpers.cast import ROLES, client_for
from tests.helpers.surveys import make_survey

pytestmark = pytest.mark.django_db

KEEPERS = {"core_team", "editor", "admin"}


def test_library_is_seeded_from_the_report_topics():
    templates = list(QuestionTemplate.objects.all())
    assert 14 <= len(templates) <= 18
    assert {t.topic for t in templates} == set(TemplateTopic.values)
    by_key = {t.key: t for t in templates}
    means = by_key["verkehrsmittel"]
    assert means.kind == QuestionKind.MULTIPLE and means.has_other
    assert [o["key"] for o in means.options] == ["auto", "bahn", "bus", "rad", "fahrgemeinschaft"]
    assert by_key["mobil-tage"].min_value == 0 and by_key["mobil-tage"].max_value == 5
    assert by_key["pendelziel"].kind == QuestionKind.SHORT_TEXT
    assert by_key["coworking-interesse"].kind == QuestionKind.SCALE
    assert all(t.text_en for t in templates)
    assert all(o["label_en"] for t in templates for o in t.options)


def test_adding_templates_keeps_the_template_and_its_option_keys(client, cast):
    survey = make_survey(cast.consortium, status=SurveyStatus.DRAFT).survey
    chosen = list(QuestionTemplate.objects.filter(key__in=["pendeln", "verkehrsmittel"]))
    client_for(client, cast.user("member"))
    page = client.get(reverse("cms:survey_templates_add", args=[survey.pk])).content.decode()
    assert "<legend>Pendeln</legend>" in page and "<legend>Co-Working</legend>" in page
    response = client.post(
        reverse("cms:survey_templates_add", args=[survey.pk]),
        {"templates": [str(t.pk) for t in chosen]},
    )
    assert response.status_code == 302
    added = list(survey.questions.filter(template__isnull=False).order_by("position"))
    assert [q.position for q in added] == [7, 8]
    assert {q.template.key for q in added} == {"pendeln", "verkehrsmittel"}
    means = next(q for q in added if q.template.key == "verkehrsmittel")
    assert list(means.options.values_list("key", flat=True)) == [
        "auto",
        "bahn",
        "bus",
        "rad",
        "fahrgemeinschaft",
    ]
    again = client.get(reverse("cms:survey_templates_add", args=[survey.pk])).content.decode()
    assert f'value="{chosen[0].pk}"' not in again  # used templates are not offered twice


def test_choosing_no_template_is_refused_clearly(client, cast):
    survey = make_survey(cast.consortium, status=SurveyStatus.DRAFT).survey
    client_for(client, cast.user("coach"))
    url = reverse("cms:survey_templates_add", args=[survey.pk])
    for data in ({}, {"templates": ["999999"]}, {"templates": ["abc"]}):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "error-summary" in response.content.decode()
    assert survey.questions.count() == 6


@pytest.mark.parametrize("role", ROLES)
def test_who_keeps_the_library(cast, role):
    user = cast.user(role)
    keeps = policy.allowed(user, "cms.manage_question_templates")
    assert keeps is (role in KEEPERS)
    assert (user in selectors.question_template_keepers()) is (role in KEEPERS)
    template = QuestionTemplate(key="neu", topic="wishes", kind="long_text", text="Neu?")
    if role in KEEPERS:
        services.save_question_template(template=template, actor=user)
        assert QuestionTemplate.objects.filter(key="neu").exists()
    else:
        with pytest.raises(PermissionDenied):
            services.save_question_template(template=template, actor=user)


def test_used_template_keeps_its_keys_and_is_not_deleted(cast):
    survey = make_survey(cast.consortium, status=SurveyStatus.DRAFT).survey
    template = QuestionTemplate.objects.get(key="pendeln")
    editor = cast.user("editor")
    services.add_questions_from_templates(
        actor=cast.user("coach"), survey=survey, templates=[template]
    )
    template.text = "Pendeln Sie regelmäßig?"
    services.save_question_template(template=template, actor=editor)
    template.options = [*template.options, {"key": "manchmal", "label": "Manchmal"}]
    with pytest.raises(ValidationError, match="vergleichen"):
        services.save_question_template(template=template, actor=editor)
    template.refresh_from_db()
    template.key = "pendeln-neu"
    with pytest.raises(ValidationError, match="Kennung"):
        services.save_question_template(template=template, actor=editor)
    with pytest.raises(ValidationError, match="1 Befragung"):
        services.delete_question_template(template=template, actor=editor)
    assert QuestionTemplate.objects.get(pk=template.pk).key == "pendeln"
    unused = QuestionTemplate.objects.get(key="wuensche")
    services.delete_question_template(template=unused, actor=editor)
    assert not QuestionTemplate.objects.filter(key="wuensche").exists()


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("ja | Ja\nja | Nochmal", "nur einmal"),
        ("Ja ohne Kennung", "Zeile 1"),
        ("Groß | Ja", "Kleinbuchstaben"),
    ],
)
def test_option_lines_are_validated(lines, message):
    with pytest.raises(ValidationError, match=message):
        services.parse_option_lines(lines)


def test_option_lines_round_trip():
    options = services.parse_option_lines("bahn | Bahn | Train\n\nauto | Auto\n")
    assert options == [
        {"key": "bahn", "label": "Bahn", "label_en": "Train"},
        {"key": "auto", "label": "Auto", "label_en": ""},
    ]
    assert services.option_lines(options) == "bahn | Bahn | Train\nauto | Auto"


# --- the snippet in the admin ----------------------------------------------------------------


@pytest.fixture
def admin_access(cast):
    """Consortium members get admin access with their consortium's editing group."""
    cms_services.ensure_consortium_editing(consortium=cast.consortium)
    cms_services.ensure_consortium_editing(consortium=cast.other_consortium)


@pytest.mark.parametrize("role", ROLES)
def test_snippet_matrix(client, cast, admin_access, role):
    template = QuestionTemplate.objects.get(key="pendeln")
    client_for(client, cast.user(role))
    index = client.get(reverse("wagtailsnippets_cms_questiontemplate:list"))
    edit = client.get(reverse("wagtailsnippets_cms_questiontemplate:edit", args=[template.pk]))
    if role == "anonymous":
        assert index.status_code == edit.status_code == 302
    elif role in KEEPERS:
        assert index.status_code == edit.status_code == 200
        assert "Pendeln Sie zur Arbeit" in index.content.decode()
        assert "ja | Ja | Yes" in edit.content.decode()
    else:
        assert index.status_code in (302, 403, 404)
        assert edit.status_code in (302, 403, 404)
        assert "Pendeln Sie zur Arbeit" not in edit.content.decode()


def _admin_form(**changes):
    data = {
        "topic": "commuting",
        "key": "pendel-grund",
        "kind": "single",
        "text": "Warum pendeln Sie?",
        "text_en": "",
        "help_text": "",
        "help_text_en": "",
        "options": "arbeit | Arbeit | Work\nausbildung | Ausbildung",
        "min_value": "",
        "max_value": "",
        "position": "0",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ROLES)
def test_snippet_write_matrix(client, cast, admin_access, role):
    """Add, edit, delete and bulk delete in the admin: the keepers write, nobody else does."""
    template = QuestionTemplate.objects.get(key="wuensche")
    client_for(client, cast.user(role))
    form = _admin_form(key="wuensche", kind=template.kind, options="", text="Was fehlt Ihnen?")
    responses = [
        client.post(reverse("wagtailsnippets_cms_questiontemplate:add"), _admin_form()),
        client.post(reverse("wagtailsnippets_cms_questiontemplate:edit", args=[template.pk]), form),
    ]
    keeps = role in KEEPERS
    assert QuestionTemplate.objects.filter(key="pendel-grund").exists() is keeps
    assert QuestionTemplate.objects.get(pk=template.pk).text == (
        "Was fehlt Ihnen?" if keeps else template.text
    )
    responses.append(
        client.post(reverse("wagtailsnippets_cms_questiontemplate:delete", args=[template.pk]))
    )
    bulk = reverse("wagtail_bulk_action", args=["cms", "questiontemplate", "delete"])
    other = QuestionTemplate.objects.get(key="attraktivitaet")
    responses.append(client.post(f"{bulk}?id={other.pk}"))
    assert QuestionTemplate.objects.filter(pk__in=[template.pk, other.pk]).exists() is not keeps
    if keeps:
        assert all(response.status_code == 302 for response in responses)
    elif role == "anonymous":
        assert all("/login/" in response.get("Location", "") for response in responses)
    else:
        assert all(response.status_code in (302, 403, 404) for response in responses)


def test_core_team_adds_a_template_in_the_admin_through_the_service(
    client, cast, admin_access, monkeypatch
):
    called = []
    real = library.save_question_template

    def recording(**kwargs):
        called.append(kwargs["actor"])
        return real(**kwargs)

    monkeypatch.setattr(library, "save_question_template", recording)
    client_for(client, cast.user("core_team"))
    response = client.post(reverse("wagtailsnippets_cms_questiontemplate:add"), _admin_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    assert called == [cast.user("core_team")]
    template = QuestionTemplate.objects.get(key="pendel-grund")
    assert history(template) == [("wagtail.create", cast.user("core_team"))]
    assert template.options == [
        {"key": "arbeit", "label": "Arbeit", "label_en": "Work"},
        {"key": "ausbildung", "label": "Ausbildung", "label_en": ""},
    ]


def history(template):
    return [
        (entry.action, entry.user)
        for entry in ModelLogEntry.objects.for_instance(template).order_by("timestamp", "pk")
    ]


def test_the_admin_history_shows_who_changed_and_deleted_a_template(client, cast):
    template = QuestionTemplate.objects.get(key="wuensche")
    editor = cast.user("editor")
    client_for(client, editor)
    form = _admin_form(key="wuensche", kind=template.kind, options="", text="Was fehlt?")
    edit = client.post(
        reverse("wagtailsnippets_cms_questiontemplate:edit", args=[template.pk]), form
    )
    assert edit.status_code == 302, edit.content.decode()[:3000]
    delete = client.post(reverse("wagtailsnippets_cms_questiontemplate:delete", args=[template.pk]))
    assert delete.status_code == 302
    assert history(template) == [("wagtail.edit", editor), ("wagtail.delete", editor)]


def test_a_scale_template_says_what_1_and_5_mean(client, cast):
    client_for(client, cast.user("editor"))
    form = _admin_form(kind="scale", options="", text="Wie zufrieden sind Sie?")
    refused = client.post(reverse("wagtailsnippets_cms_questiontemplate:add"), form)
    assert refused.status_code == 200
    assert "was 1 und 5 bedeuten" in refused.content.decode()
    assert not QuestionTemplate.objects.filter(key="pendel-grund").exists()
    form["help_text"] = "1 = gar nicht, 5 = sehr"
    stored = client.post(reverse("wagtailsnippets_cms_questiontemplate:add"), form)
    assert stored.status_code == 302
    assert QuestionTemplate.objects.get(key="pendel-grund").help_text == "1 = gar nicht, 5 = sehr"


def test_bad_options_in_the_admin_keep_the_input(client, cast):
    client_for(client, cast.user("editor"))
    response = client.post(
        reverse("wagtailsnippets_cms_questiontemplate:add"),
        _admin_form(options="arbeit | Arbeit\narbeit | Nochmal"),
    )
    assert response.status_code == 200
    assert "nur einmal" in response.content.decode()
    assert "arbeit | Nochmal" in response.content.decode()
    assert not QuestionTemplate.objects.filter(key="pendel-grund").exists()


def test_used_template_change_and_delete_are_refused_in_the_admin(client, cast):
    survey = make_survey(cast.consortium, status=SurveyStatus.DRAFT).survey
    template = QuestionTemplate.objects.get(key="pendeln")
    services.add_questions_from_templates(
        actor=cast.user("coach"), survey=survey, templates=[template]
    )
    client_for(client, cast.user("editor"))
    edit = client.post(
        reverse("wagtailsnippets_cms_questiontemplate:edit", args=[template.pk]),
        _admin_form(key="pendeln", options="ja | Ja\nvielleicht | Vielleicht"),
    )
    assert edit.status_code == 200 and "nicht mehr vergleichen" in edit.content.decode()
    delete = client.post(
        reverse("wagtailsnippets_cms_questiontemplate:delete", args=[template.pk]), follow=True
    )
    assert "bleibt deshalb" in delete.content.decode()
    template.refresh_from_db()
    assert [o["key"] for o in template.options] == ["ja", "nein"]


def test_bulk_deletion_keeps_all_when_one_is_used(client, cast):
    survey = make_survey(cast.consortium, status=SurveyStatus.DRAFT).survey
    used, unused = (
        QuestionTemplate.objects.get(key="pendeln"),
        QuestionTemplate.objects.get(key="wuensche"),
    )
    services.add_questions_from_templates(actor=cast.user("coach"), survey=survey, templates=[used])
    client_for(client, cast.user("editor"))
    url = (
        reverse("wagtail_bulk_action", args=["cms", "questiontemplate", "delete"])
        + f"?id={unused.pk}&id={used.pk}"
    )
    response = client.post(url)
    assert response.status_code == 302
    assert any("bleibt deshalb" in str(m) for m in get_messages(response.wsgi_request))
    assert QuestionTemplate.objects.filter(pk__in=[used.pk, unused.pk]).count() == 2


@pytest.mark.parametrize("role", ["coach", "core_team", "editor"])
def test_the_admin_menu_offers_the_library_to_its_keepers(client, cast, admin_access, role):
    client_for(client, cast.user(role))
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    listing = reverse("wagtailsnippets_cms_questiontemplate:list")
    assert (listing in home.content.decode()) is (role in KEEPERS)
