"""Forms of the CMS views outside Wagtail's editor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from forum.models import Consortium, Post, Topic, Town
from forum.numbers import IdChoiceField, IdMultipleChoiceField
from forum.text import LineFormField, TextBlockFormField, clean_line
from workshops.models import WorkshopFile

from .contact import MAX_DECLINE_REASON_LENGTH, MAX_QUESTION_LENGTH
from .models import ConsortiumPage
from .services import SUMMARY_MAX_LENGTH


class ImageForm(BaseImageForm):
    """Wagtail's image form (``WAGTAILIMAGES_IMAGE_FORM_BASE``): titles as in ``forum.text``."""

    def clean_title(self) -> str:
        return clean_line(self.cleaned_data["title"])


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form (``WAGTAILDOCS_DOCUMENT_FORM_BASE``): titles as in ``forum.text``."""

    def clean_title(self) -> str:
        return clean_line(self.cleaned_data["title"])


class ConvertTopicForm(forms.Form):
    """„Aus dem Forum übernehmen“: which posts to quote, and where the draft is filed.

    ``targets`` are the consortium pages the user may file under (at least one); with only one,
    the form has no ``parent`` field. ``posts`` are the posts the user may quote.
    """

    title = LineFormField(
        label=_("Titel der Fallstudie"),
        max_length=255,
        error_messages={"required": _("Bitte geben Sie einen Titel an.")},
    )
    parent = IdChoiceField(
        label=_("Verbund"),
        queryset=ConsortiumPage.objects.none(),
        empty_label=_("– bitte wählen –"),
        help_text=_("Unter dessen Verbundseite wird der Entwurf angelegt."),
        error_messages={
            "required": _("Bitte wählen Sie einen Verbund."),
            "invalid_choice": _("Bitte wählen Sie einen der angebotenen Verbünde."),
        },
    )
    town = forms.TypedChoiceField(
        label=_("Kleinstadt"),
        coerce=int,
        help_text=_("Die Kleinstadt, deren Pop-up-Labor die Fallstudie beschreibt."),
        error_messages={
            "required": _("Bitte wählen Sie eine Kleinstadt."),
            "invalid_choice": _("Bitte wählen Sie eine der angebotenen Kleinstädte."),
        },
    )
    post_ids = forms.TypedMultipleChoiceField(
        label=_("Beiträge, die zitiert werden"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Jeder Beitrag wird als Zitat mit Namen und Funktion übernommen. Die zitierten "
            "Personen werden per E-Mail informiert und können widersprechen."
        ),
        error_messages={
            "required": _("Bitte wählen Sie mindestens einen Beitrag zum Zitieren aus."),
            "invalid_choice": _("Dieser Beitrag kann nicht zitiert werden."),
        },
    )

    def __init__(
        self,
        *args: Any,
        topic: Topic,
        targets: list[ConsortiumPage],
        posts: list[Post],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("title", topic.title)
        super().__init__(*args, **kwargs)
        self.targets = targets
        self.posts = posts
        if len(targets) > 1:
            self.fields["parent"].queryset = ConsortiumPage.objects.filter(
                pk__in=[page.pk for page in targets]
            ).order_by("title")
        else:
            del self.fields["parent"]
        self.fields["town"].choices = self._town_choices()
        self.fields["post_ids"].choices = [(post.pk, str(post.pk)) for post in posts]
        author_town = getattr(getattr(topic.author, "profile", None), "town_id", None)
        if len(targets) == 1 and author_town in self._towns_by_consortium.get(
            targets[0].consortium_id, {}
        ):
            self.initial.setdefault("town", author_town)
        self.order_fields(["title", "parent", "town", "post_ids"])

    def _town_choices(self) -> list[Any]:
        """The towns of the target consortia; grouped by consortium when there are several."""
        through = Consortium.towns.through
        rows = (
            through.objects.filter(consortium_id__in=[page.consortium_id for page in self.targets])
            .select_related("town", "consortium")
            .order_by("consortium__name", "town__name")
        )
        self._towns_by_consortium: dict[int, dict[int, Town]] = {}
        for row in rows:
            self._towns_by_consortium.setdefault(row.consortium_id, {})[row.town_id] = row.town
        placeholder = [("", _("– bitte wählen –"))]
        if len(self.targets) == 1:
            towns = self._towns_by_consortium.get(self.targets[0].consortium_id, {})
            return placeholder + [(town.pk, town.name) for town in towns.values()]
        return placeholder + [
            (page.consortium.name, [(t.pk, t.name) for t in towns.values()])
            for page in sorted(self.targets, key=lambda page: page.consortium.name)
            if (towns := self._towns_by_consortium.get(page.consortium_id))
        ]

    def post_options(self) -> list[tuple[Any, Post]]:
        """The checkboxes with their posts, so the template can show author and excerpt."""
        return list(zip(self["post_ids"], self.posts, strict=True))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        parent = cleaned.get("parent") if "parent" in self.fields else self.targets[0]
        town_id = cleaned.get("town")
        if parent is not None and town_id is not None:
            town = self._towns_by_consortium.get(parent.consortium_id, {}).get(town_id)
            if town is None:
                self.add_error("town", _("Diese Kleinstadt gehört nicht zu diesem Verbund."))
            else:
                cleaned["town"] = town
        cleaned["parent"] = parent
        return cleaned


class PhotoChoiceField(IdMultipleChoiceField):
    """Documentation photos of a workshop, each labelled by its caption or file name."""

    def label_from_instance(self, obj: WorkshopFile) -> str:
        return obj.caption or obj.original_name


class SummaryForm(forms.Form):
    """The public summary page a coach proposes for a held workshop: ``photos`` are the
    workshop's documentation photos to choose from."""

    title = LineFormField(label=_("Titel der Seite"), max_length=255)
    summary = forms.CharField(
        label=_("Zusammenfassung"),
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Für die Öffentlichkeit geschrieben: Worum ging es, was haben die Kleinstädte "
            "mitgenommen? Keine Namen ohne Einverständnis. Leerzeilen trennen Absätze."
        ),
    )
    include_roadmap = forms.BooleanField(
        label=_("Fahrplan mit veröffentlichen"),
        required=False,
        help_text=_("Die Einträge werden so übernommen, wie sie jetzt stehen."),
    )
    photos = PhotoChoiceField(
        label=_("Fotos für die öffentliche Seite"),
        queryset=WorkshopFile.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Nur Fotos, auf denen alle Abgebildeten mit einer Veröffentlichung einverstanden sind."
        ),
    )

    def __init__(self, *args: Any, photos: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].queryset = photos


class BarrierReportForm(forms.Form):
    """ "Barriere melden": what someone could not use, and how to answer them if they wish."""

    # A field people do not see (hidden by the style sheet, skipped by screen readers): a
    # program filling every field gives itself away (``is_trap_filled``).
    TRAP_FIELD = "website"

    page_url = LineFormField(
        label=_("Seite, auf der die Barriere ist"),
        max_length=500,
        required=False,
        help_text=_("Die Adresse der Seite oder eine kurze Beschreibung, wo Sie waren."),
    )
    description = TextBlockFormField(
        label=_("Was hat nicht funktioniert?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Beschreiben Sie die Barriere so genau, wie es Ihnen möglich ist."),
        error_messages={"required": _("Bitte beschreiben Sie die Barriere.")},
    )
    assistive_technology = LineFormField(
        label=_("Welche Hilfsmittel nutzen Sie? (freiwillig)"),
        max_length=300,
        required=False,
        help_text=_("Zum Beispiel Screenreader, Vergrößerung, Sprachsteuerung, Browser."),
    )
    name = LineFormField(label=_("Ihr Name (freiwillig)"), max_length=200, required=False)
    wants_answer = forms.BooleanField(
        label=_("Ich möchte eine Antwort per E-Mail"),
        required=False,
        help_text=_("Dann brauchen wir Ihre E-Mail-Adresse."),
    )
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        required=False,
        help_text=_(
            "Nur nötig, wenn Sie eine Antwort möchten. Sie bekommen dann auch eine "
            "Eingangsbestätigung."
        ),
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("wants_answer") and not data.get("email") and "email" not in self.errors:
            self.add_error(
                "email",
                _("Für eine Antwort brauchen wir Ihre E-Mail-Adresse."),
            )
        return data

    @classmethod
    def is_trap_filled(cls, data: Any) -> bool:
        return bool((data.get(cls.TRAP_FIELD) or "").strip())


# --- "Kontakt aufnehmen" -------------------------------------------------------------------


class ContactQuestionForm(forms.Form):
    question = TextBlockFormField(
        label=_("Ihre Frage"),
        max_length=MAX_QUESTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Höchstens 1.500 Zeichen. Schreiben Sie kurz, was Sie vorhaben und was Sie "
            "wissen möchten."
        ),
        error_messages={"required": _("Bitte schreiben Sie Ihre Frage.")},
    )


class ContactAnswerForm(forms.Form):
    answer = TextBlockFormField(
        label=_("Ihre Antwort"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Die Antwort beginnt eine private Unterhaltung zwischen Ihnen beiden."),
        error_messages={"required": _("Bitte schreiben Sie eine Antwort.")},
    )


class ContactDeclineForm(forms.Form):
    reason = LineFormField(
        label=_("Begründung (freiwillig)"),
        max_length=MAX_DECLINE_REASON_LENGTH,
        required=False,
        help_text=_("Die fragende Person liest sie."),
    )
    block = forms.BooleanField(
        label=_("Diese Person blockieren: keine weiteren Anfragen und Nachrichten von ihr"),
        required=False,
    )
