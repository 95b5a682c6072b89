"""The academy-wide template library: its options as text lines, and keeping a template that
surveys use comparable (its key, kind and option keys stay)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ...models import QuestionKind, QuestionTemplate
from .questions import KEY_LENGTH, shape_errors
from .surveys import require


def parse_option_lines(text: str) -> list[dict[str, str]]:
    """The library's options as typed, one a line: ``key | Label | English label``."""
    options, errors = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [part.strip() for part in raw.split("|")]
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            errors.append(
                _("Zeile %(number)s: bitte „kennung | Text | englischer Text“.")
                % {"number": number}
            )
            continue
        key = parts[0]
        if slugify(key) != key or len(key) > KEY_LENGTH:
            errors.append(
                _(
                    "Zeile %(number)s: die Kennung „%(key)s“ darf nur Kleinbuchstaben, Ziffern "
                    "und Bindestriche enthalten."
                )
                % {"number": number, "key": key}
            )
            continue
        english = parts[2] if len(parts) > 2 else ""
        options.append({"key": key, "label": parts[1], "label_en": english})
    keys = [option["key"] for option in options]
    if len(keys) != len(set(keys)):
        errors.append(_("Jede Kennung darf nur einmal vorkommen."))
    if errors:
        raise ValidationError(errors)
    return options


def option_lines(options: list[dict[str, str]]) -> str:
    return "\n".join(
        " | ".join(filter(None, (o["key"], o["label"], o.get("label_en", "")))) for o in options
    )


def _check_template(template: QuestionTemplate) -> None:
    errors = shape_errors(
        template.kind,
        len(template.options),
        template.help_text,
        template.min_value,
        template.max_value,
    )
    if template.kind not in QuestionKind.with_options() and template.options:
        errors["options"] = [_("Nur Fragen mit Auswahl haben Antwortmöglichkeiten.")]
    if errors:
        raise ValidationError(errors)
    template.full_clean()


@transaction.atomic
def save_question_template(*, template: QuestionTemplate, actor: Any) -> QuestionTemplate:
    """Create or change a template. Once surveys use it, its key, kind and option keys stay:
    they are what the towns' answers are compared by."""
    require(actor, "cms.manage_question_templates")
    _check_template(template)
    if template.pk is not None:
        stored = QuestionTemplate.objects.select_for_update().get(pk=template.pk)
        if stored.questions.exists():
            stored_keys = [option["key"] for option in stored.options]
            new_keys = [option["key"] for option in template.options]
            if (
                stored.key != template.key
                or stored.kind != template.kind
                or sorted(stored_keys) != sorted(new_keys)
            ):
                raise ValidationError(
                    _(
                        "Befragungen nutzen diese Vorlage schon. Kennung, Art und die Kennungen "
                        "der Antwortmöglichkeiten bleiben deshalb, sonst ließen sich die "
                        "Ergebnisse der Kleinstädte nicht mehr vergleichen. Texte dürfen Sie "
                        "ändern; für anderes legen Sie eine neue Vorlage an."
                    )
                )
    template.save()
    return template


@transaction.atomic
def delete_question_template(*, template: QuestionTemplate, actor: Any) -> None:
    require(actor, "cms.manage_question_templates")
    used = template.questions.values("survey").distinct().count()
    if used:
        raise ValidationError(
            _(
                "„%(text)s“ wird in %(count)s Befragung(en) genutzt und bleibt deshalb: ohne "
                "Vorlage ließen sich deren Ergebnisse nicht mehr vergleichen."
            )
            % {"text": template.text, "count": used}
        )
    template.delete()
