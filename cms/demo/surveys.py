"""Demo citizen surveys of two report towns, built from the same library templates so the
comparison shows both: Wittenberge's commuter survey (QR codes stuck on apples handed out at
the station) and Dießen's online citizen survey (announced with a flyer). Their generated
answers follow the report: in Wittenberge most respondents commute by train to Berlin or
Hamburg and over half need not be at their workplace every day; in Dießen many commute, mostly
by car to Munich, and wish for better public transport, internet and leisure offers.

Written through the services as the towns' demo accounts would, the answers in one batch
(``store_responses``, each with its day within the survey's weeks; deterministic
``random.Random``);
then closed and released to the academy. Idempotent: a town's survey of the same title is
left as it is."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from forum.demo import demo_email
from forum.models import Consortium, Town

from ..surveys.models import Question, QuestionTemplate, ResultsRelease, Survey, SurveyStatus
from ..surveys.services import answering, authoring

LABEL = "Bürgerbefragungen"
CONSORTIUM = "stadtlabor-kleinstadt"
COMMUTE_DETAILS = ("pendelziel", "pendelstrecke-km", "verkehrsmittel", "pendeltage")

Weights = dict[str, float]


@dataclass(frozen=True)
class Destination:
    name: str
    share: float
    km: tuple[int, int]


@dataclass(frozen=True)
class DemoSurvey:
    town: str
    by: str
    title: str
    intro: str
    opens_on: date
    weeks: int
    responses: int
    seed: int
    templates: tuple[str, ...]
    choices: dict[str, Weights]
    destinations: tuple[Destination, ...]
    # Options of multiple choice questions: the chance each is ticked.
    ticks: dict[str, Weights]
    interest: Weights
    wishes: tuple[str, ...]
    extra_scale: dict[str, Weights] = field(default_factory=dict)


SHARED = (
    "pendeln",
    "pendelziel",
    "pendelstrecke-km",
    "verkehrsmittel",
    "pendeltage",
    "mobil-moeglich",
    "mobil-tage",
    "coworking-interesse",
    "coworking-wichtig",
    "wuensche",
    "altersgruppe",
)

WITTENBERGE = DemoSurvey(
    town="wittenberge",
    by="anna.berger",
    title="Pendeln ab Wittenberge",
    intro=(
        "Sie haben einen Apfel mit QR-Code bekommen? Dann pendeln Sie vielleicht wie viele "
        "hier. Erzählen Sie uns in drei Minuten, wohin und wie – und ob ein Arbeitsplatz im "
        "Co-Working-Space am Bahnhof für Sie in Frage käme."
    ),
    opens_on=date(2022, 9, 5),
    weeks=4,
    responses=320,
    seed=19_1,
    templates=SHARED,
    choices={
        "pendeln": {"ja": 0.88, "nein": 0.12},
        "pendeltage": {"taeglich": 0.45, "3-4": 0.3, "1-2": 0.2, "seltener": 0.05},
        "mobil-moeglich": {"ja": 0.3, "teilweise": 0.26, "nein": 0.44},
        "altersgruppe": {
            "unter-25": 0.1,
            "25-39": 0.38,
            "40-54": 0.34,
            "55-64": 0.16,
            "ab-65": 0.02,
        },
    },
    destinations=(
        Destination("Berlin", 0.45, (125, 150)),
        Destination("Hamburg", 0.35, (130, 160)),
        Destination("Schwerin", 0.06, (85, 95)),
        Destination("Potsdam", 0.05, (115, 130)),
        Destination("Perleberg", 0.05, (10, 14)),
        Destination("Ludwigslust", 0.04, (32, 38)),
    ),
    ticks={
        "verkehrsmittel": {"bahn": 0.95, "rad": 0.2, "auto": 0.14, "bus": 0.08},
        "coworking-wichtig": {
            "bahnhof": 0.7,
            "internet": 0.75,
            "ruhe": 0.45,
            "austausch": 0.3,
            "preis": 0.35,
            "besprechung": 0.15,
        },
    },
    interest={"1": 0.14, "2": 0.16, "3": 0.28, "4": 0.26, "5": 0.16},
    wishes=(
        "Ein Café am Bahnhof, das früh öffnet.",
        "Mehr Züge am Abend aus Berlin.",
        "WLAN im Zug und am Bahnsteig.",
        "Einen Arbeitsplatz im Bahnhof, den man tageweise mieten kann.",
        "Sichere Fahrradstellplätze am Bahnhof.",
        "Mehr Kinderbetreuung am späten Nachmittag.",
    ),
)

DIESSEN = DemoSurvey(
    town="diessen-am-ammersee",
    by="michael.huber",
    title="Arbeiten und Leben in Dießen",
    intro=(
        "Wie arbeiten Sie heute, und was braucht Dießen dafür? Die Befragung dauert etwa fünf "
        "Minuten. Mit Ihren Antworten plant der Markt ein Pop-up-Labor zu neuen Arbeitsformen."
    ),
    opens_on=date(2022, 6, 7),
    weeks=5,
    responses=260,
    seed=19_2,
    templates=("arbeitsort", *SHARED, "attraktivitaet"),
    choices={
        "arbeitsort": {
            "im-ort": 0.22,
            "umgebung": 0.2,
            "weiter-weg": 0.3,
            "zu-hause": 0.16,
            "nicht-erwerbstaetig": 0.12,
        },
        "pendeln": {"ja": 0.56, "nein": 0.44},
        "pendeltage": {"taeglich": 0.35, "3-4": 0.35, "1-2": 0.25, "seltener": 0.05},
        "mobil-moeglich": {"ja": 0.36, "teilweise": 0.34, "nein": 0.3},
        "altersgruppe": {
            "unter-25": 0.06,
            "25-39": 0.3,
            "40-54": 0.36,
            "55-64": 0.2,
            "ab-65": 0.08,
        },
    },
    destinations=(
        Destination("München", 0.55, (48, 62)),
        Destination("Landsberg am Lech", 0.12, (20, 25)),
        Destination("Weilheim", 0.1, (18, 23)),
        Destination("Augsburg", 0.1, (58, 66)),
        Destination("Starnberg", 0.08, (27, 33)),
        Destination("Herrsching", 0.05, (13, 17)),
    ),
    ticks={
        "verkehrsmittel": {"auto": 0.7, "bahn": 0.35, "rad": 0.1, "fahrgemeinschaft": 0.08},
        "coworking-wichtig": {
            "internet": 0.8,
            "ruhe": 0.55,
            "kinder": 0.35,
            "austausch": 0.4,
            "besprechung": 0.3,
            "preis": 0.3,
        },
    },
    interest={"1": 0.1, "2": 0.14, "3": 0.26, "4": 0.3, "5": 0.2},
    wishes=(
        "Bessere Busverbindungen nach Herrsching und Weilheim.",
        "Schnelles Internet in allen Ortsteilen.",
        "Mehr Angebote für Jugendliche am Abend.",
        "Einen Ort zum Arbeiten mit anderen, nicht nur zu Hause.",
        "Öfter die Ammersee-Bahn, auch am Wochenende.",
        "Mehr Freizeitangebote am See außerhalb der Saison.",
    ),
    extra_scale={"attraktivitaet": {"2": 0.08, "3": 0.3, "4": 0.42, "5": 0.2}},
)

SURVEYS = (WITTENBERGE, DIESSEN)


def _pick(rng: random.Random, weights: Weights) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Answers:
    """One generated response of ``spec`` to its questions (by template key)."""

    def __init__(self, spec: DemoSurvey, questions: dict[str, Question]) -> None:
        self.spec, self.questions = spec, questions
        self.options = {
            key: {option.key: option for option in question.options.all()}
            for key, question in questions.items()
        }

    def _choice(self, key: str, option_key: str) -> answering.Given:
        return answering.Given(question=self.questions[key], option=self.options[key][option_key])

    def _number(self, key: str, value: int) -> answering.Given:
        return answering.Given(question=self.questions[key], number=Decimal(value))

    def draw(self, rng: random.Random) -> list[answering.Given]:
        spec, given = self.spec, []
        if "arbeitsort" in self.questions:
            given.append(self._choice("arbeitsort", _pick(rng, spec.choices["arbeitsort"])))
        commutes = _pick(rng, spec.choices["pendeln"]) == "ja"
        given.append(self._choice("pendeln", "ja" if commutes else "nein"))
        if commutes:
            place = rng.choices(spec.destinations, weights=[d.share for d in spec.destinations])[0]
            given.append(answering.Given(question=self.questions["pendelziel"], text=place.name))
            given.append(self._number("pendelstrecke-km", rng.randint(*place.km)))
            ticked = [k for k, p in spec.ticks["verkehrsmittel"].items() if rng.random() < p]
            given += [self._choice("verkehrsmittel", k) for k in ticked or ["auto"]]
            given.append(self._choice("pendeltage", _pick(rng, spec.choices["pendeltage"])))
        remote = _pick(rng, spec.choices["mobil-moeglich"])
        given.append(self._choice("mobil-moeglich", remote))
        if remote != "nein":
            days = rng.randint(2, 4) if remote == "ja" else rng.randint(1, 2)
            given.append(self._number("mobil-tage", days))
        interest = int(_pick(rng, spec.interest))
        given.append(self._number("coworking-interesse", interest))
        if interest >= 3:
            wanted = spec.ticks["coworking-wichtig"]
            given += [
                self._choice("coworking-wichtig", k) for k, p in wanted.items() if rng.random() < p
            ]
        for key, weights in spec.extra_scale.items():
            given.append(self._number(key, int(_pick(rng, weights))))
        given.append(self._choice("altersgruppe", _pick(rng, spec.choices["altersgruppe"])))
        if rng.random() < 0.08:
            given.append(
                answering.Given(question=self.questions["wuensche"], text=rng.choice(spec.wishes))
            )
        return given


def _build(spec: DemoSurvey, actor, town: Town, consortium: Consortium) -> Survey:
    closes_on = spec.opens_on + timedelta(weeks=spec.weeks) - timedelta(days=1)
    survey = authoring.create_survey(
        actor=actor,
        town=town,
        consortium=consortium,
        title=spec.title,
        intro=spec.intro,
        privacy_note=authoring.DEFAULT_PRIVACY_NOTE,
        opens_on=spec.opens_on,
        closes_on=closes_on,
    )
    templates = QuestionTemplate.objects.in_bulk(spec.templates, field_name="key")
    authoring.add_questions_from_templates(
        actor=actor, survey=survey, templates=[templates[key] for key in spec.templates]
    )
    questions = {q.template.key: q for q in survey.questions.select_related("template")}
    for key in COMMUTE_DETAILS:
        authoring.update_question(
            actor=actor, question=questions[key], show_if=questions["pendeln"], show_if_keys=["ja"]
        )
    authoring.update_question(
        actor=actor,
        question=questions["mobil-tage"],
        show_if=questions["mobil-moeglich"],
        show_if_keys=["ja", "teilweise"],
    )
    return authoring.change_status(
        actor=actor, survey=survey, status=SurveyStatus.OPEN, today=spec.opens_on
    )


def _answer(spec: DemoSurvey, survey: Survey) -> None:
    rng = random.Random(spec.seed)  # noqa: S311 - reproducible demo answers, not secrets
    questions = {
        q.template.key: q
        for q in survey.questions.select_related("template").prefetch_related("options")
    }
    answers = _Answers(spec, questions)
    days = spec.weeks * 7
    batch = []
    for _number in range(spec.responses):
        # More answers in the first days after the apples and flyers were handed out.
        day = spec.opens_on + timedelta(days=min(int(rng.expovariate(4 / days)), days - 1))
        batch.append((answers.draw(rng), day))
    answering.store_responses(survey=survey, batch=batch)


def seed_surveys(*, created: Counter, warn: Callable[[str], None]) -> None:
    consortium = Consortium.objects.filter(slug=CONSORTIUM).first()
    for spec in SURVEYS:
        town = Town.objects.filter(slug=spec.town).first()
        actor = get_user_model().objects.filter(email__iexact=demo_email(spec.by)).first()
        if consortium is None or town is None or actor is None:
            warn(f"Demo survey of {spec.town} skipped: consortium, town or account missing.")
            continue
        if Survey.objects.filter(town=town, title=spec.title).exists():
            continue
        missing = set(spec.templates) - set(
            QuestionTemplate.objects.filter(key__in=spec.templates).values_list("key", flat=True)
        )
        if missing:
            warn(f"Demo survey of {spec.town} skipped: templates {sorted(missing)} missing.")
            continue
        survey = _build(spec, actor, town, consortium)
        _answer(spec, survey)
        authoring.change_status(actor=actor, survey=survey, status=SurveyStatus.CLOSED)
        authoring.release_results(actor=actor, survey=survey, release=ResultsRelease.ACADEMY)
        created[LABEL] += 1
