"""StreamField blocks of the case pages: one shared body block, small reusable parts."""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Bild"))
    alt_text = blocks.CharBlock(
        label=_("Alternativtext"),
        max_length=250,
        help_text=_("Was auf dem Bild zu sehen ist, für Menschen, die es nicht sehen können."),
    )
    caption = blocks.CharBlock(label=_("Bildunterschrift"), required=False, max_length=250)
    credit = blocks.CharBlock(label=_("Bildnachweis"), max_length=120)

    class Meta:
        icon = "image"
        label = _("Bild")
        template = "blocks/captioned_image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Zitat"))
    speaker = blocks.CharBlock(label=_("Wer hat es gesagt?"), max_length=120)
    speaker_role = blocks.CharBlock(label=_("Funktion"), required=False, max_length=160)

    class Meta:
        icon = "openquote"
        label = _("Zitat")
        template = "blocks/quote.html"
        preview_value = {
            "text": "Der Raum war nie leer, weil jemand da war, der einlädt.",
            "speaker": "Stadtverwaltung",
        }


class KeyFigureBlock(blocks.StructBlock):
    value = blocks.CharBlock(label=_("Wert"), max_length=30, help_text=_("z. B. „7“"))
    label = blocks.CharBlock(
        label=_("Bezeichnung"), max_length=80, help_text=_("z. B. „Arbeitsplätze“")
    )

    class Meta:
        # Heading of each entry in the editor (an entry of a list has no name to fall back on).
        label = _("Kennzahl")


class KeyFiguresBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(KeyFigureBlock(), min_num=1, **kwargs)

    class Meta:
        icon = "table"
        label = _("Kennzahlen")
        template = "blocks/key_figures.html"


class TimelineEntryBlock(blocks.StructBlock):
    date = blocks.DateBlock(label=_("Datum"))
    event = blocks.CharBlock(label=_("Ereignis"), max_length=250)

    class Meta:
        label = _("Eintrag")


class TimelineBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(TimelineEntryBlock(), min_num=1, **kwargs)

    class Meta:
        icon = "date"
        label = _("Zeitleiste")
        template = "blocks/timeline.html"


class PointBlock(blocks.TextBlock):
    """One point of a list. Wagtail shows no label for a field that stands alone in a list, so
    the text box gets the block's label as its accessible name (lazy: in the editor's language)."""

    @cached_property
    def field(self):
        field = super().field
        field.widget.attrs["aria-label"] = self.label
        return field


class PointsBlock(blocks.ListBlock):
    """A titled list of short points; lessons, obstacles and next steps share the shape."""

    def __init__(self, **kwargs):
        super().__init__(PointBlock(label=_("Punkt")), min_num=1, **kwargs)

    class Meta:
        icon = "list-ul"
        template = "blocks/points.html"


class DownloadsBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(DocumentChooserBlock(label=_("Dokument")), min_num=1, **kwargs)

    class Meta:
        icon = "doc-full"
        label = _("Downloads")
        template = "blocks/downloads.html"


class ContactBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Name"), max_length=120)
    function = blocks.CharBlock(label=_("Funktion"), required=False, max_length=160)
    organisation = blocks.CharBlock(label=_("Organisation"), required=False, max_length=160)
    email = blocks.EmailBlock(label=_("E-Mail"), required=False)
    phone = blocks.CharBlock(label=_("Telefon"), required=False, max_length=40)

    class Meta:
        icon = "user"
        label = _("Ansprechperson")
        template = "blocks/contact.html"


def released_survey_choices() -> list[tuple[str, str]]:
    """Surveys whose results are released beyond their consortium, for the editor's choice
    (read each time the form is built)."""
    from .surveys.selectors import released_beyond_consortium

    return [(str(s.pk), f"{s.town.name} – {s.title}") for s in released_beyond_consortium()]


class SurveyResultsBlock(blocks.StructBlock):
    """The charted results of a citizen survey. Whether a viewer sees them is asked when the
    page is rendered (``selectors.survey_for_case_block``): otherwise the block shows nothing."""

    survey = blocks.ChoiceBlock(
        label=_("Bürgerbefragung"),
        choices=released_survey_choices,
        help_text=_(
            "Befragungen, deren Ergebnisse für die Akademie oder öffentlich freigegeben sind. "
            "Auf öffentlichen Seiten erscheinen nur öffentlich freigegebene Ergebnisse."
        ),
    )
    heading = blocks.CharBlock(label=_("Überschrift"), required=False, max_length=160)

    class Meta:
        icon = "table"
        label = _("Ergebnisse einer Bürgerbefragung")
        template = "blocks/survey_results.html"

    def get_context(self, value, parent_context=None):
        from .surveys import results, selectors

        context = super().get_context(value, parent_context=parent_context)
        parent_context = parent_context or {}
        request = parent_context.get("request")
        user = getattr(request, "user", None)
        survey = selectors.survey_for_case_block(
            value.get("survey"), parent_context.get("page"), user
        )
        if survey is not None:
            context["survey"] = survey
            context["results"] = results.survey_results(
                survey, selectors.questions_of(survey), with_texts=False
            )
        return context


class CaseBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("Text"), features=RICH_TEXT_FEATURES, template="blocks/rich_text.html"
    )
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    key_figures = KeyFiguresBlock()
    timeline = TimelineBlock()
    lessons = PointsBlock(label=_("Erkenntnisse"))
    obstacles = PointsBlock(label=_("Hürden"))
    next_steps = PointsBlock(label=_("Nächste Schritte"))
    downloads = DownloadsBlock()
    contact = ContactBlock()
    survey_results = SurveyResultsBlock()
