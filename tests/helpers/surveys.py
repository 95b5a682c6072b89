"""Surveys for tests, written directly (the authoring services are tested on their own): one
question of every kind, a skip rule, and answers in bulk."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from cms.surveys.models import (
    Answer,
    Option,
    Question,
    QuestionKind,
    Response,
    ResultsRelease,
    Survey,
    SurveyStatus,
)


@dataclass
class Built:
    survey: Survey
    commute: Question  # single choice: "ja" / "nein"
    means: Question  # multiple choice with "other", asked only if commute is "ja"
    satisfaction: Question  # scale, required
    distance: Question  # number 0–500
    wish: Question  # short text
    story: Question  # long text

    def option(self, question: Question, key: str) -> Option:
        return question.options.get(key=key)


def make_survey(
    consortium,
    town=None,
    *,
    status: str = SurveyStatus.OPEN,
    release: str = ResultsRelease.CONSORTIUM,
    title: str = "Pendeln in der Kleinstadt",
    **fields,
) -> Built:
    town = town or consortium.towns.exclude(pk=consortium.lead_town_id).first()
    survey = Survey.objects.create(
        consortium=consortium,
        town=town,
        title=title,
        intro="Helfen Sie uns, die Stadt besser zu planen.",
        privacy_note="Wir speichern keine IP-Adressen.",
        status=status,
        results_release=release,
        **fields,
    )

    def ask(position, kind, text, **extra):
        return Question.objects.create(
            survey=survey, position=position, kind=kind, text=text, **extra
        )

    commute = ask(1, QuestionKind.SINGLE, "Pendeln Sie zur Arbeit?", required=True)
    for position, (key, label) in enumerate([("ja", "Ja"), ("nein", "Nein")]):
        Option.objects.create(question=commute, position=position, key=key, label=label)
    means = ask(2, QuestionKind.MULTIPLE, "Womit pendeln Sie?", has_other=True, show_if=commute)
    means.show_if_keys = ["ja"]
    means.save(update_fields=["show_if_keys"])
    for position, (key, label) in enumerate([("auto", "Auto"), ("bahn", "Bahn"), ("rad", "Rad")]):
        Option.objects.create(question=means, position=position, key=key, label=label)
    satisfaction = ask(3, QuestionKind.SCALE, "Wie zufrieden sind Sie?", required=True)
    distance = ask(4, QuestionKind.NUMBER, "Wie weit (km)?", min_value=0, max_value=500)
    wish = ask(5, QuestionKind.SHORT_TEXT, "Ihr Wunsch an die Stadt")
    story = ask(6, QuestionKind.LONG_TEXT, "Erzählen Sie uns mehr")
    return Built(survey, commute, means, satisfaction, distance, wish, story)


def add_responses(built: Built, count: int, *, start: int = 0) -> None:
    """``count`` responses in bulk: every other one commutes by car and train, all rate 4,
    give a distance and a wish."""
    responses = Response.objects.bulk_create(
        Response(survey=built.survey, submission=uuid.uuid4()) for _ in range(count)
    )
    yes, no = built.option(built.commute, "ja"), built.option(built.commute, "nein")
    car, train = built.option(built.means, "auto"), built.option(built.means, "bahn")
    answers = []
    for number, response in enumerate(responses, start=start):
        commutes = number % 2 == 0
        answers.append(
            Answer(response=response, question=built.commute, option=yes if commutes else no)
        )
        if commutes:
            answers += [
                Answer(response=response, question=built.means, option=car),
                Answer(response=response, question=built.means, option=train),
            ]
        answers += [
            Answer(response=response, question=built.satisfaction, number=Decimal(4)),
            Answer(response=response, question=built.distance, number=Decimal(12 + number % 30)),
            Answer(response=response, question=built.wish, text=f"Mehr Busse, Nummer {number}"),
        ]
    Answer.objects.bulk_create(answers)
