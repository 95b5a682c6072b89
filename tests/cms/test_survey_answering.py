"""The public form of a survey (``/b/<public_id>/``): what it shows, every bad input with its
message and the typed text kept, storing once and nothing about the sender, skip rules
applied by the server, the states of a survey, the trap field, the limit per network,
one-time codes, the English version and the storage period of contact details."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from cms.surveys.models import (
    LONG_TEXT_MAX,
    SHORT_TEXT_MAX,
    AccessCode,
    Answer,
    ContactDetail,
    Option,
    Question,
    QuestionKind,
    Response,
    SurveyStatus,
)
from cms.surveys.services.answering import remove_old_contact_details
from cms.surveys.throttle import network_of
from forum.privacy.retention import apply_retention
from tests.helpers.surveys import make_survey

pytestmark = pytest.mark.django_db

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def built(cast, home_page):
    return make_survey(cast.consortium, closes_on=timezone.localdate() + timedelta(days=20))


def field(question):
    return f"q{question.pk}"


def answers(built, **extra):
    """A complete, valid form: commutes by car and "other", satisfied, 12,5 km."""
    data = {
        "submission": str(uuid.uuid4()),
        field(built.commute): "ja",
        field(built.means): ["auto", ":other"],
        f"{field(built.means)}_other": "Mitfahrbank",
        field(built.satisfaction): "4",
        field(built.distance): "12,5",
        field(built.wish): "Mehr Busse",
        field(built.story): "Ich fahre jeden Tag.",
    }
    data.update(extra)
    return {key: value for key, value in data.items() if value is not None}


def post(client, built, data, **headers):
    return client.post(built.survey.get_public_url(), data, **headers)


def error_of(response, question) -> str:
    """The message shown next to ``question`` (the field's error list)."""
    html = response.content.decode()
    number = list(built_questions(response)).index(question.pk) + 1
    match = re.search(rf'<ul class="errorlist" id="error-{number}">(.*?)</ul>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def built_questions(response):
    return [question.question.pk for question in response.context["asked"]]


def summary(response) -> str:
    html = response.content.decode()
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    return match.group(0) if match else ""


# --- showing the form ----------------------------------------------------------------------


def test_the_form_shows_the_survey_and_every_kind_of_question(client, built):
    response = client.get(built.survey.get_public_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pendeln in der Kleinstadt" in html
    assert "Helfen Sie uns, die Stadt besser zu planen." in html
    assert "Wir speichern keine IP-Adressen." in html
    assert built.survey.town.name in html
    assert "Sie können bis einschließlich" in html
    assert html.index("Pendeln Sie zur Arbeit?") < html.index("Womit pendeln Sie?")
    assert f'type="radio" name="{field(built.commute)}" value="ja"' in html
    assert f'type="checkbox" name="{field(built.means)}" value="auto"' in html
    assert f'<label for="id_{field(built.means)}_other">Sonstiges, und zwar:</label>' in html
    assert f'type="radio" name="{field(built.satisfaction)}" value="5"' in html
    assert re.search(rf'type="number" name="{field(built.distance)}"[^>]*min="0"', html)
    assert 'max="500"' in html
    assert f'maxlength="{SHORT_TEXT_MAX}"' in html
    assert (
        f'<textarea name="{field(built.story)}"' in html and f'maxlength="{LONG_TEXT_MAX}"' in html
    )
    assert html.count("(Pflichtfrage)") == 2
    assert html.count("<fieldset") == 3 and html.count("<legend>") == 3
    assert "Nur beantworten, wenn Sie bei Frage 1 „Ja“ gewählt haben." in html
    assert 'name="submission"' in html
    assert 'name="website"' in html and 'aria-hidden="true"' in html
    assert "<script>" not in html  # CSP: scripts only as files
    assert 'name="code"' not in html and 'name="contact"' not in html


def test_a_scale_shows_its_end_labels_from_the_hint(client, built):
    built.satisfaction.help_text = "1 = gar nicht zufrieden, 5 = sehr zufrieden"
    built.satisfaction.save()
    html = client.get(built.survey.get_public_url()).content.decode()
    assert (
        f'<fieldset id="id_{field(built.satisfaction)}" tabindex="-1" aria-describedby="help-3">'
        in html
    )
    assert '<p class="helptext" id="help-3">1 = gar nicht zufrieden, 5 = sehr zufrieden</p>' in html


def test_every_rendering_carries_its_own_submission_id(client, built):
    first = client.get(built.survey.get_public_url()).context["form"]["submission"].value()
    second = client.get(built.survey.get_public_url()).context["form"]["submission"].value()
    assert first != second


def test_an_unknown_link_is_not_found(client, built):
    assert client.get("/b/gibtsnicht/").status_code == 404


def test_the_form_costs_the_same_queries_with_5_and_50_questions(client, built):
    def count(rows: int) -> int:
        questions = Question.objects.bulk_create(
            Question(survey=built.survey, position=9 + n, kind=QuestionKind.MULTIPLE, text=f"{n}?")
            for n in range(rows)
        )
        Option.objects.bulk_create(
            Option(question=question, position=n, key=f"k{n}", label=f"O{n}")
            for question in questions
            for n in range(rows)
        )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(built.survey.get_public_url()).status_code == 200
        Question.objects.filter(pk__in=[question.pk for question in questions]).delete()
        return len(captured)

    client.get(built.survey.get_public_url())  # the site's navigation is cached once
    assert count(5) == count(50)


def test_an_answered_surveys_questions_are_read_once_per_process(client, built):
    def question_reads() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(built.survey.get_public_url()).status_code == 200
        return sum('FROM "cms_question"' in query["sql"] for query in captured)

    before_answers = question_reads(), question_reads()
    post(client, built, answers(built))
    first, second = question_reads(), question_reads()
    assert before_answers == (1, 1)  # a survey without answers may still change: read each time
    assert (first, second) == (1, 0)


# --- storing -------------------------------------------------------------------------------


def test_a_complete_form_is_stored_and_thanked(client, built):
    response = post(client, built, answers(built))
    assert response.status_code == 302
    assert response["Location"] == f"/b/{built.survey.public_id}/danke/"
    stored = Response.objects.get()
    rows = {
        (a.question_id, a.option.key if a.option else None, a.is_other, a.number, a.text)
        for a in stored.answers.select_related("option")
    }
    assert rows == {
        (built.commute.pk, "ja", False, None, ""),
        (built.means.pk, "auto", False, None, ""),
        (built.means.pk, None, True, None, "Mitfahrbank"),
        (built.satisfaction.pk, None, False, 4, ""),
        (built.distance.pk, None, False, Decimal("12.50"), ""),
        (built.wish.pk, None, False, None, "Mehr Busse"),
        (built.story.pk, None, False, None, "Ich fahre jeden Tag."),
    }
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "Vielen Dank!" in thanks.content.decode()


def test_an_empty_post_is_refused_with_a_message(client, built):
    response = client.post(built.survey.get_public_url(), {})
    assert response.status_code == 400
    assert "Das Formular kam unvollständig an" in response.content.decode()
    assert not Response.objects.exists()


def test_a_form_sent_again_is_stored_once_and_thanked_again(client, built):
    data = answers(built)
    first, again = post(client, built, data), post(client, built, data)
    assert first.status_code == again.status_code == 302
    assert again["Location"].endswith("/danke/")
    assert Response.objects.count() == 1


def test_nothing_about_the_sender_is_stored(client, built):
    address = "203.0.113.77"
    post(
        client,
        built,
        answers(built),
        REMOTE_ADDR=address,
        HTTP_USER_AGENT="Sonderbrowser/9.9",
    )
    response = Response.objects.get()
    assert {f.name for f in Response._meta.concrete_fields} == {
        "id",
        "survey",
        "submission",
        "submitted_on",
        "in_english",
    }
    assert {f.name for f in Answer._meta.concrete_fields} == {
        "id",
        "response",
        "question",
        "option",
        "is_other",
        "number",
        "text",
        "hidden_at",
        "hidden_by",
    }
    assert response.submitted_on == timezone.localdate()
    assert not Answer.objects.filter(hidden_at__isnull=False).exists()
    dump = _database_text()
    assert address not in dump and "203.0.113" not in dump and "Sonderbrowser" not in dump


def _database_text() -> str:
    """Every text column of every table, as one string."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            parts.extend(str(row) for row in cursor.fetchall())
    return "\n".join(parts)


def test_only_the_days_answers_per_question_are_stored_not_skipped_ones(client, built):
    post(client, built, answers(built, **{field(built.commute): "nein"}))
    assert not Answer.objects.filter(question=built.means).exists()


# --- bad input: a message next to the question, the summary, what was typed kept ----------


def assert_refused(response, built, question, message):
    assert response.status_code == 400
    assert message in error_of(response, question)
    number = built_questions(response).index(question.pk) + 1
    assert f'href="#id_{field(question)}">Frage {number}: {message}' in summary(response)
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_a_missing_required_answer_is_asked_for_and_the_text_kept(client, built):
    response = post(client, built, answers(built, **{field(built.satisfaction): None}))
    assert_refused(response, built, built.satisfaction, "Bitte beantworten Sie diese Frage.")
    html = response.content.decode()
    assert "Ich fahre jeden Tag." in html and 'value="Mehr Busse"' in html
    assert 'value="Mitfahrbank"' in html
    assert re.search(r'value="auto"[^>]*checked', html)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("501", "Bitte geben Sie eine Zahl von 0 bis 500 ein."),
        ("-1", "Bitte geben Sie eine Zahl von 0 bis 500 ein."),
        ("zwölf", "Bitte geben Sie eine Zahl ein, zum Beispiel 12 oder 12,5."),
        ("1e400", "Bitte geben Sie eine Zahl ein, zum Beispiel 12 oder 12,5."),
        ("NaN", "Bitte geben Sie eine Zahl ein, zum Beispiel 12 oder 12,5."),
    ],
)
def test_a_number_out_of_range_or_not_a_number_is_refused(client, built, typed, message):
    response = post(client, built, answers(built, **{field(built.distance): typed}))
    assert_refused(response, built, built.distance, message)
    assert f'value="{typed}"' in response.content.decode()


def test_a_decimal_comma_is_read(client, built):
    post(client, built, answers(built, **{field(built.distance): "7,25"}))
    assert Answer.objects.get(question=built.distance).number == Decimal("7.25")


@pytest.mark.parametrize(
    ("question", "limit"), [("wish", SHORT_TEXT_MAX), ("story", LONG_TEXT_MAX)]
)
def test_an_over_long_text_is_refused(client, built, question, limit):
    question = getattr(built, question)
    response = post(client, built, answers(built, **{field(question): "x" * (limit + 1)}))
    message = f"Bitte kürzen Sie Ihren Text auf höchstens {limit} Zeichen (jetzt: {limit + 1})."
    assert_refused(response, built, question, message)


def test_an_unknown_option_is_refused(client, built):
    response = post(client, built, answers(built, **{field(built.commute): "vielleicht"}))
    message = "Diese Antwort gibt es bei dieser Frage nicht. Bitte wählen Sie neu."
    assert_refused(response, built, built.commute, message)


def test_an_option_of_another_question_is_refused(client, built):
    response = post(client, built, answers(built, **{field(built.means): ["ja"]}))
    message = "Diese Antwort gibt es bei dieser Frage nicht. Bitte wählen Sie neu."
    assert_refused(response, built, built.means, message)


def test_a_scale_value_outside_1_to_5_is_refused(client, built):
    response = post(client, built, answers(built, **{field(built.satisfaction): "6"}))
    message = "Diese Antwort gibt es bei dieser Frage nicht. Bitte wählen Sie neu."
    assert_refused(response, built, built.satisfaction, message)


def test_two_answers_to_a_single_choice_are_refused(client, built):
    response = post(client, built, answers(built, **{field(built.commute): ["ja", "nein"]}))
    assert_refused(response, built, built.commute, "Bitte wählen Sie hier nur eine Antwort.")


def test_other_without_its_text_is_refused(client, built):
    response = post(client, built, answers(built, **{f"{field(built.means)}_other": ""}))
    assert response.status_code == 400
    message = "Bitte schreiben Sie, was Sie mit „Sonstiges“ meinen."
    html = response.content.decode()
    assert message in html
    assert f'href="#id_{field(built.means)}_other">Frage 2: {message}' in summary(response)
    assert not Response.objects.exists()


def test_text_that_shows_nothing_is_refused(client, built):
    response = post(client, built, answers(built, **{field(built.wish): "\u200b\u200b"}))
    assert response.status_code == 400
    assert not Response.objects.exists()


@pytest.mark.parametrize("submission", ["nicht-eine-uuid", None])
def test_a_tampered_submission_id_is_refused_and_replaced(client, built, submission):
    response = post(client, built, answers(built, submission=submission))
    assert response.status_code == 400
    assert "Das Formular kam unvollständig an." in summary(response)
    assert not Response.objects.exists()
    fresh = response.context["form"]["submission"].value()
    assert post(client, built, answers(built, submission=fresh)).status_code == 302


# --- skip rules without JavaScript ------------------------------------------------------------


def test_a_skipped_question_is_neither_required_nor_stored(client, built):
    built.means.required = True
    built.means.save()
    data = answers(built, **{field(built.commute): "nein", f"{field(built.means)}_other": ""})
    response = post(client, built, data)
    assert response.status_code == 302
    assert not Answer.objects.filter(question=built.means).exists()


def test_a_skipped_questions_bad_input_is_ignored(client, built):
    data = answers(built, **{field(built.commute): "nein", field(built.means): ["unbekannt"]})
    assert post(client, built, data).status_code == 302


def test_a_question_asked_after_the_triggering_answer_is_required(client, built):
    built.means.required = True
    built.means.save()
    data = answers(built, **{field(built.means): None, f"{field(built.means)}_other": ""})
    response = post(client, built, data)
    assert_refused(response, built, built.means, "Bitte beantworten Sie diese Frage.")


def test_a_rule_on_a_skipped_question_skips_its_follower_too(client, built):
    follow = Question.objects.create(
        survey=built.survey,
        position=3,
        kind=QuestionKind.SHORT_TEXT,
        text="Wie lange?",
        required=True,
        show_if=built.means,
        show_if_keys=["auto"],
    )
    data = answers(built, **{field(built.commute): "nein"})
    assert post(client, built, data).status_code == 302
    assert not Answer.objects.filter(question=follow).exists()


# --- states of a survey -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "opens", "closes", "message"),
    [
        (SurveyStatus.DRAFT, None, None, "Diese Befragung ist noch nicht geöffnet."),
        (SurveyStatus.OPEN, 3, None, "Diese Befragung öffnet am"),
        (SurveyStatus.CLOSED, None, None, "Diese Befragung ist beendet."),
        (SurveyStatus.OPEN, -10, -1, "Diese Befragung ist beendet."),
    ],
)
def test_a_survey_that_takes_no_answers_says_so_and_shows_no_questions(
    client, cast, home_page, status, opens, closes, message
):
    today = timezone.localdate()
    built = make_survey(
        cast.consortium,
        status=status,
        opens_on=today + timedelta(days=opens) if opens is not None else None,
        closes_on=today + timedelta(days=closes) if closes is not None else None,
    )
    response = client.get(built.survey.get_public_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert (
        "Pendeln Sie zur Arbeit?" not in html and '<form method="post" class="stacked' not in html
    )
    if closes is not None:
        closed_on = today + timedelta(days=closes)
        assert f"bis einschließlich {closed_on.day}." in html
    sent = post(client, built, answers(built))
    assert sent.status_code == 400 and message in sent.content.decode()
    assert not Response.objects.exists()


def test_a_form_sent_again_after_the_survey_closed_is_thanked(client, built):
    data = answers(built)
    post(client, built, data)
    built.survey.status = SurveyStatus.CLOSED
    built.survey.save()
    response = post(client, built, data)
    assert response.status_code == 302 and response["Location"].endswith("/danke/")
    assert Response.objects.count() == 1


def test_a_survey_closed_while_the_form_was_open_stores_nothing(client, built):
    data = answers(built)
    client.get(built.survey.get_public_url())
    built.survey.status = SurveyStatus.CLOSED
    built.survey.save()
    response = post(client, built, data)
    assert "Diese Befragung ist beendet." in response.content.decode()
    assert not Response.objects.exists()


# --- abuse protection --------------------------------------------------------------------------


def test_a_filled_trap_field_is_thanked_and_nothing_stored(client, built):
    response = post(client, built, answers(built, website="http://spam.example"))
    assert response.status_code == 302 and response["Location"].endswith("/danke/")
    assert not Response.objects.exists()


@override_settings(SURVEY_ANSWERS_PER_NETWORK="2/h", CACHES=LOCMEM)
def test_more_answers_from_one_network_than_the_limit_are_refused(client, built):
    for last in (1, 2):
        sent = post(client, built, answers(built), REMOTE_ADDR=f"198.51.100.{last}")
        assert sent.status_code == 302
    refused = post(client, built, answers(built), REMOTE_ADDR="198.51.100.200")
    html = refused.content.decode()
    assert refused.status_code == 429
    assert "Aus Ihrem Netz kamen gerade sehr viele Antworten." in html
    assert "Ich fahre jeden Tag." in html
    assert post(client, built, answers(built), REMOTE_ADDR="198.51.101.1").status_code == 302
    assert Response.objects.count() == 3
    assert "198.51.100" not in _database_text()


@override_settings(SURVEY_ANSWERS_PER_NETWORK="1/h", CACHES=LOCMEM)
def test_the_limit_counts_ipv6_per_48(client, built):
    assert post(client, built, answers(built), REMOTE_ADDR="2001:db8:1:1::1").status_code == 302
    assert post(client, built, answers(built), REMOTE_ADDR="2001:db8:1:ff::9").status_code == 429
    assert post(client, built, answers(built), REMOTE_ADDR="2001:db8:2::1").status_code == 302


@override_settings(SURVEY_ANSWERS_PER_NETWORK="1/h", CACHES=LOCMEM)
def test_the_limit_is_per_survey(client, cast, built):
    other = make_survey(cast.consortium, title="Zweite")
    assert post(client, built, answers(built)).status_code == 302
    assert post(client, other, answers(other)).status_code == 302


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("::ffff:203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:abcd:12::1", "2001:db8:abcd::/48"),
        ("", "unknown"),
        ("kaputt", "unknown"),
    ],
)
def test_networks_are_ipv4_24_and_ipv6_48(address, network):
    assert network_of(address) == network


def test_a_survey_with_codes_asks_for_one_and_uses_it_up(client, cast, home_page):
    built = make_survey(cast.consortium, requires_code=True)
    AccessCode.objects.create(survey=built.survey, code="abcd2345")
    html = client.get(built.survey.get_public_url()).content.decode()
    assert html.index('name="code"') < html.index(field(built.commute))
    assert post(client, built, answers(built, code="ABCD-2345")).status_code == 302
    again = post(client, built, answers(built, code="abcd2345"))
    assert again.status_code == 400
    assert "Dieser Code wurde schon benutzt." in again.content.decode()
    assert 'href="#id_code">Ihr Code: Dieser Code wurde schon benutzt.' in summary(again)
    assert "Ich fahre jeden Tag." in again.content.decode()
    assert Response.objects.count() == 1


@pytest.mark.parametrize("code", ["", "falsch99"])
def test_a_missing_or_wrong_code_is_refused_with_the_answers_kept(client, cast, home_page, code):
    built = make_survey(cast.consortium, requires_code=True)
    AccessCode.objects.create(survey=built.survey, code="abcd2345")
    response = post(client, built, answers(built, code=code))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Diesen Code gibt es für diese Befragung nicht." in html
    assert 'value="Mehr Busse"' in html
    assert not Response.objects.exists()
    assert AccessCode.objects.get().used_at is None


# --- contact details ----------------------------------------------------------------------------


def test_contact_details_are_offered_only_when_asked_and_stored_apart(client, cast, home_page):
    built = make_survey(
        cast.consortium, asks_contact=True, contact_prompt="Wollen Sie beim Workshop mitmachen?"
    )
    html = client.get(built.survey.get_public_url()).content.decode()
    assert "Wollen Sie beim Workshop mitmachen?" in html
    assert "Ihre Kontaktdaten (freiwillig)" in html
    assert "getrennt von Ihren Antworten" in html and "90 Tage nach dem Ende" in html
    post(client, built, answers(built, contact="  anna@example.org "))
    contact = ContactDetail.objects.get()
    assert contact.text == "anna@example.org"
    assert not Answer.objects.filter(text__contains="anna").exists()


def test_an_over_long_contact_is_refused(client, cast, home_page):
    built = make_survey(cast.consortium, asks_contact=True)
    response = post(client, built, answers(built, contact="x" * 301))
    assert response.status_code == 400
    assert 'href="#id_contact">Ihre Kontaktdaten (freiwillig): Bitte kürzen' in summary(response)
    assert not ContactDetail.objects.exists()


def test_contact_details_are_not_stored_when_the_survey_does_not_ask(client, built):
    post(client, built, answers(built, contact="anna@example.org"))
    assert Response.objects.count() == 1 and not ContactDetail.objects.exists()


@override_settings(SURVEY_CONTACT_DAYS=90)
def test_contact_details_are_deleted_90_days_after_the_survey_closed(cast):
    now = timezone.now()
    today = timezone.localdate()
    long_closed = make_survey(cast.consortium, status=SurveyStatus.CLOSED, title="Alt").survey
    long_closed.closed_at = now - timedelta(days=91)
    long_closed.save()
    expired = make_survey(cast.consortium, title="Abgelaufen", closes_on=today - timedelta(days=91))
    recent = make_survey(cast.consortium, status=SurveyStatus.CLOSED, title="Neu").survey
    recent.closed_at = now - timedelta(days=10)
    recent.save()
    running = make_survey(cast.consortium, title="Offen").survey
    for survey in (long_closed, expired.survey, recent, running):
        ContactDetail.objects.create(survey=survey, text="x@example.org")
    assert apply_retention(now=now)["survey_contacts"] == 2
    assert set(ContactDetail.objects.values_list("survey", flat=True)) == {recent.pk, running.pk}
    assert remove_old_contact_details(closed_before=now - timedelta(days=90)) == 0


# --- English -------------------------------------------------------------------------------------


def test_the_english_version_is_offered_and_shown(client, cast, home_page):
    built = make_survey(
        cast.consortium, has_english=True, title_en="Commuting in a small town", intro_en="Help us."
    )
    built.commute.text_en = "Do you commute to work?"
    built.commute.save()
    yes = built.option(built.commute, "ja")
    yes.label_en = "Yes"
    yes.save()
    german = client.get(built.survey.get_public_url()).content.decode()
    assert "This survey in English" in german and "Pendeln Sie zur Arbeit?" in german
    switched = client.post(
        "/i18n/setlang/", {"language": "en", "next": built.survey.get_public_url()}
    )
    assert switched["Location"] == built.survey.get_public_url()
    english = client.get(built.survey.get_public_url()).content.decode()
    assert '<html lang="en">' in english
    assert "Commuting in a small town" in english and "Help us." in english
    assert "Do you commute to work?" in english and ">Yes</label>" in english
    # Without an English text the German one is shown, marked as German.
    assert "Womit pendeln Sie?" in english and 'lang="de"' in english
    assert "Diese Befragung auf Deutsch" in english
    post(client, built, answers(built))
    assert Response.objects.get().in_english is True


def test_a_survey_without_english_offers_no_switch(client, built):
    assert (
        "This survey in English" not in client.get(built.survey.get_public_url()).content.decode()
    )
