"""The surveys' part of a person's export ("Meine Daten"), registered by ``cms.privacy``: the
surveys they created and the free-text answers they hid. The answers themselves are nobody's
account data (no response names its sender) and a hidden text may name a third person, so
neither is exported. Erasure needs nothing here: ``created_by`` and ``hidden_by`` are emptied
with the account."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from forum.privacy.export import Section

from .models import Answer, Survey


def surveys_created(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "survey_id": survey.pk,
            "title": survey.title,
            "town": survey.town.name,
            "status": survey.status,
            "created_at": survey.created_at,
        }
        for survey in Survey.objects.filter(created_by=user).select_related("town").order_by("pk")
    ]


def answers_hidden(user: Any) -> list[dict[str, Any]]:
    return [
        {"survey_title": survey_title, "question": question, "hidden_at": hidden_at}
        for survey_title, question, hidden_at in Answer.objects.filter(hidden_by=user)
        .order_by("pk")
        .values_list("question__survey__title", "question__text", "hidden_at")
    ]


SECTIONS = [
    Section(
        "befragungen",
        _("Bürgerbefragungen, die Sie angelegt haben."),
        {
            "survey_id": _("Nummer der Befragung"),
            "title": _("Titel"),
            "town": _("Kleinstadt"),
            "status": _("draft (Entwurf), open (offen), closed (beendet)"),
            "created_at": _("Angelegt am"),
        },
        surveys_created,
        order=80,
    ),
    Section(
        "befragungen_ausgeblendete_antworten",
        _("Freitext-Antworten aus Befragungen, die Sie ausgeblendet haben (ohne ihren Text)."),
        {
            "survey_title": _("Titel der Befragung"),
            "question": _("Frage"),
            "hidden_at": _("Ausgeblendet am"),
        },
        answers_hidden,
        order=81,
    ),
]
