"""Wagtail pages of the academy site.

Tree: HomePage → CaseIndexPage, ActionModuleIndexPage → ActionModulePage, ConsortiumPage →
LabCasePage and TownPage, WorkshopIndexPage → WorkshopSummaryPage, StandardPage. Consortium and
town facts live in the community models of ``forum``; the pages link to them and add editorial
text only.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Collection, Page, Task, TaskState
from wagtail.search import index

from forum.text import VisibleTextModel, german_interface

from .blocks import RICH_TEXT_FEATURES, CaseBodyBlock


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Öffentlich")
    INTERNAL = "internal", _("Nur für den Verbund")


class Outcome(models.TextChoices):
    """How a lab went; failures count as much as successes ("Kultur des Scheiterns")."""

    SUCCESS = "success", _("erfolgreich")
    PARTIAL = "partial", _("teilweise erfolgreich")
    FAILED = "failed", _("gescheitert")


class CostRange(models.TextChoices):
    UNDER_1K = "under_1k", _("unter 1.000 €")
    UP_TO_5K = "up_to_5k", _("1.000 bis 5.000 €")
    UP_TO_20K = "up_to_20k", _("5.000 bis 20.000 €")
    OVER_20K = "over_20k", _("über 20.000 €")


class StaffEffort(models.TextChoices):
    LOW = "low", _("gering (bis 10 Personentage)")
    MEDIUM = "medium", _("mittel (10 bis 30 Personentage)")
    HIGH = "high", _("hoch (über 30 Personentage)")


class TownSize(models.TextChoices):
    """Population bands of the case index filter."""

    SMALL = "klein", _("unter 10.000 Einwohner")
    MEDIUM = "mittel", _("10.000 bis 20.000 Einwohner")
    LARGE = "gross", _("über 20.000 Einwohner")

    @classmethod
    def population_range(cls, size: str) -> tuple[int | None, int | None]:
        """Inclusive lower and exclusive upper bound of a band."""
        return {
            cls.SMALL: (None, 10_000),
            cls.MEDIUM: (10_000, 20_001),
            cls.LARGE: (20_001, None),
        }[cls(size)]


class VisibleTitles(VisibleTextModel):
    """Every page type: its title and SEO title follow ``forum.text``'s rule, in the admin's
    page forms as in services and ``Page.save()`` (both run ``full_clean``)."""

    line_fields = ("title", "seo_title")


class SpellingVariants:
    """Case and module pages: the site search also finds spelling variants of title and summary
    ("Moelln" for "Mölln", "Coworking" for "Co-Working"), through an extra indexed field."""

    def search_variants(self) -> str:
        from forum.search import spelling_variants

        return spelling_variants(f"{self.title} {self.summary}")


class EnglishTitledPage(Page):
    """The site's own pages (menu, footer, overviews) carry an optional English title, shown
    while the interface is English; one page tree, no Wagtail locales. Without it the German
    title is shown, marked ``lang="de"``."""

    title_en = models.CharField(
        _("Titel (Englisch)"),
        max_length=255,
        blank=True,
        help_text=_(
            "Wird in Menü, Fußbereich und Überschrift gezeigt, wenn die Oberfläche Englisch ist."
        ),
    )

    content_panels = [*Page.content_panels, FieldPanel("title_en")]

    class Meta:
        abstract = True

    @property
    def display_title(self) -> str:
        return self.title_en if self.title_en and translation.get_language() == "en" else self.title

    @property
    def display_seo_title(self) -> str:
        """The browser title: the SEO title is German, so English shows the display title."""
        return (self.seo_title or self.title) if german_interface() else self.display_title

    @property
    def display_lang(self) -> str:
        """``"de"`` where the German title stands inside a page of another language."""
        return "" if self.display_title != self.title or german_interface() else "de"


class VisibleEnglishTitles(VisibleTitles):
    """``VisibleTitles`` for an ``EnglishTitledPage``."""

    line_fields = ("title", "seo_title", "title_en")


class HomePage(VisibleEnglishTitles, EnglishTitledPage):
    """The academy's front page: what it is, and for members the way into their consortia."""

    intro = models.CharField(_("Einleitung"), max_length=300, blank=True)
    body = RichTextField(_("Text"), blank=True)

    content_panels = [*EnglishTitledPage.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.StandardPage",
        "cms.CaseIndexPage",
        "cms.ActionModuleIndexPage",
        "cms.ConsortiumPage",
        "cms.WorkshopIndexPage",
        "cms.ImprintPage",
        "cms.PrivacyPage",
        "cms.AccessibilityPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("Startseite")

    def get_context(self, request, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.home_page_context(request.user))
        return context


class StandardPage(VisibleEnglishTitles, EnglishTitledPage):
    """Plain text pages; the legal pages have page types of their own (``cms.legal``)."""

    body = RichTextField(_("Text"), blank=True)
    show_in_footer = models.BooleanField(
        _("Im Fußbereich verlinken"),
        default=False,
        help_text=_("Für Pflichtseiten wie Impressum, Datenschutz und Barrierefreiheit."),
    )

    content_panels = [*EnglishTitledPage.content_panels, FieldPanel("body")]
    promote_panels = [*Page.promote_panels, FieldPanel("show_in_footer")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("Textseite")
        verbose_name_plural = _("Textseiten")


class CaseIndexPage(VisibleEnglishTitles, EnglishTitledPage):
    """ "Fallstudien": every case page the visitor may read, wherever it sits in the tree."""

    intro = RichTextField(_("Einleitung"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*EnglishTitledPage.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("Übersicht Fallstudien")

    def get_context(self, request, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from .case_index import case_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(case_index_context(request))
        return context


class ConsortiumPageForm(WagtailAdminPageForm):
    """Editing rights and the workflow hang on the link to the consortium: it is set once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "consortium" in self.fields:
            self.fields["consortium"].disabled = True


class ConsortiumPage(VisibleTitles, Page):
    """Public profile of a consortium; its towns, phases and theme come from ``Consortium``."""

    consortium = models.OneToOneField(
        "forum.Consortium",
        on_delete=models.PROTECT,
        related_name="page",
        verbose_name=_("Verbund"),
    )
    intro = RichTextField(_("Vorstellung"), blank=True, features=RICH_TEXT_FEATURES)

    base_form_class = ConsortiumPageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("consortium", widget=forms.Select),
        FieldPanel("intro"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.LabCasePage", "cms.TownPage"]

    class Meta:
        verbose_name = _("Verbundseite")
        verbose_name_plural = _("Verbundseiten")

    def get_context(self, request, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["consortium"] = selectors.consortium_profile(self.consortium_id)
        context["case_pages"] = selectors.case_pages_visible_to(request.user).filter(
            consortium_id=self.consortium_id
        )
        town_pages = {
            page.town_id: page for page in TownPage.objects.live().public().child_of(self)
        }
        context["towns"] = [
            (town, town_pages.get(town.pk)) for town in context["consortium"].towns.all()
        ]
        return context


class TownPage(VisibleTitles, Page):
    """Public profile of a town; its facts (state, population, area type, Handlungsfelder)
    come from ``Town``."""

    town = models.OneToOneField(
        "forum.Town", on_delete=models.PROTECT, related_name="page", verbose_name=_("Kleinstadt")
    )
    intro = RichTextField(_("Vorstellung"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("town"), FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["cms.ConsortiumPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("Kleinstadtseite")
        verbose_name_plural = _("Kleinstadtseiten")

    def get_context(self, request, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from . import selectors
        from .transfers import selectors as transfer_selectors

        context = super().get_context(request, *args, **kwargs)
        context["town"] = selectors.town_profile(self.town_id)
        context["case_pages"] = selectors.case_pages_visible_to(request.user).filter(
            town_id=self.town_id
        )
        context.update(transfer_selectors.town_context(self.town, request.user))
        return context


class LabCasePageForm(WagtailAdminPageForm):
    """The consortium of a case page is the one of the consortium page it is filed under, and
    its town one of that consortium's towns."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .selectors import contact_candidates

        parent = self.parent_page.specific if self.parent_page else None
        if isinstance(parent, ConsortiumPage) and "town" in self.fields:
            self.fields["town"].queryset = parent.consortium.own_towns().order_by("name")
        if "contact_person" in self.fields:
            consortium_id = parent.consortium_id if isinstance(parent, ConsortiumPage) else None
            self.fields["contact_person"].queryset = contact_candidates(
                consortium_id, keep=self.instance.contact_person_id
            )
            self.fields["contact_person"].label_from_instance = contact_label

    def clean(self) -> dict[str, Any]:
        from .selectors import contact_candidates

        cleaned = super().clean()
        parent = self.parent_page.specific if self.parent_page else None
        if isinstance(parent, ConsortiumPage):
            self.instance.consortium_id = parent.consortium_id
            town = cleaned.get("town")
            if town is not None and not parent.consortium.own_towns().filter(pk=town.pk).exists():
                self.add_error("town", _("Diese Kleinstadt gehört nicht zu diesem Verbund."))
            contact = cleaned.get("contact_person")
            if (
                contact is not None
                and not contact_candidates(parent.consortium_id).filter(pk=contact.pk).exists()
            ):
                self.add_error(
                    "contact_person",
                    _(
                        "Diese Person gehört nicht zum Verbund oder hat nicht zugestimmt, "
                        "angefragt zu werden."
                    ),
                )
        return cleaned


def contact_label(user: Any) -> str:
    from forum.models import display_name

    return display_name(user)


class LabCasePage(SpellingVariants, VisibleTitles, Page):
    """One town's pop-up lab, public or internal to its consortium."""

    town = models.ForeignKey(
        "forum.Town",
        on_delete=models.PROTECT,
        related_name="case_pages",
        verbose_name=_("Kleinstadt"),
    )
    consortium = models.ForeignKey(
        "forum.Consortium",
        on_delete=models.PROTECT,
        related_name="case_pages",
        verbose_name=_("Verbund"),
        editable=False,
    )
    visibility = models.CharField(
        _("Sichtbarkeit"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.INTERNAL,
        help_text=_(
            "„Nur für den Verbund“: sichtbar für Mitglieder des Verbunds, Redaktion und "
            "Administration – nicht in Suche, Feeds oder Sitemap."
        ),
    )
    period_start = models.DateField(_("Beginn"))
    period_end = models.DateField(_("Ende"), null=True, blank=True)
    summary = models.CharField(
        _("Kurzfassung"),
        max_length=300,
        help_text=_("Zwei Sätze für Übersichten, Suche und Feed."),
    )
    goals = RichTextField(_("Ziele"), features=RICH_TEXT_FEATURES)
    body = StreamField(CaseBodyBlock(), verbose_name=_("Inhalt"), blank=True)

    # The Steckbrief: structured facts beside the prose. The town's own facts (state,
    # population, area type) are read from ``town``.
    challenges = ParentalManyToManyField(
        "forum.Challenge", blank=True, related_name="case_pages", verbose_name=_("Handlungsfelder")
    )
    formats = ParentalManyToManyField(
        "forum.Format", blank=True, related_name="case_pages", verbose_name=_("Erprobte Formate")
    )
    outcome = models.CharField(
        _("Ergebnis"),
        max_length=10,
        choices=Outcome.choices,
        blank=True,
        help_text=_("Leer lassen, solange das Labor läuft. Auch Scheitern ist ein Ergebnis."),
    )
    outcome_notes = models.TextField(
        _("Gründe und Erkenntnisse"),
        max_length=1000,
        blank=True,
        help_text=_("Warum es so gekommen ist – besonders wichtig, wenn etwas gescheitert ist."),
    )
    cost_range = models.CharField(_("Kosten"), max_length=10, choices=CostRange.choices, blank=True)
    staff_effort = models.CharField(
        _("Personalaufwand"), max_length=10, choices=StaffEffort.choices, blank=True
    )
    partners = models.TextField(
        _("Partner"),
        max_length=1000,
        blank=True,
        help_text=_("Vereine, Unternehmen, Hochschulen … – eine Zeile je Partner."),
    )
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_for_case_pages",
        verbose_name=_("Ansprechperson"),
        help_text=_(
            "Nur Mitglieder des Verbunds, die in ihrem Profil zugestimmt haben, angefragt "
            "zu werden."
        ),
    )

    base_form_class = LabCasePageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("town", widget=forms.Select),
                FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]),
                FieldPanel("visibility"),
            ],
            heading=_("Eckdaten"),
        ),
        FieldPanel("goals"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("challenges", widget=forms.CheckboxSelectMultiple),
                FieldPanel("formats", widget=forms.CheckboxSelectMultiple),
                FieldRowPanel([FieldPanel("outcome"), FieldPanel("cost_range")]),
                FieldPanel("outcome_notes"),
                FieldPanel("staff_effort"),
                FieldPanel("partners"),
                FieldPanel("contact_person", widget=forms.Select),
            ],
            heading=_("Steckbrief"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("search_variants"),
        index.SearchField("goals"),
        index.SearchField("body"),
        index.FilterField("visibility"),
        index.FilterField("consortium"),
        index.FilterField("town"),
    ]

    parent_page_types = ["cms.ConsortiumPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("Fallstudie (Pop-up-Labor)")
        verbose_name_plural = _("Fallstudien (Pop-up-Labore)")

    @property
    def is_internal(self) -> bool:
        return self.visibility == Visibility.INTERNAL

    def clean(self) -> None:
        super().clean()
        if self.period_end and self.period_start and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("Das Ende liegt vor dem Beginn.")})

    def get_sitemap_urls(self, request=None) -> list[dict[str, Any]]:
        if self.is_internal:
            return []
        return super().get_sitemap_urls(request)

    def get_context(self, request, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from . import selectors
        from .transfers import selectors as transfer_selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.case_discussion_for(self, request.user))
        context.update(selectors.contact_box_for(self, request.user))
        context["steckbrief"] = selectors.case_profile(self)
        context["action_modules"] = selectors.action_modules_visible_to(request.user).filter(
            evidence=self
        )
        context.update(transfer_selectors.source_context(self, request.user))
        return context


class ActionModuleIndexPage(VisibleEnglishTitles, EnglishTitledPage):
    """ "Handlungsbausteine": the transferable lessons."""

    intro = RichTextField(_("Einleitung"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*EnglishTitledPage.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ActionModulePage"]
    max_count = 1

    class Meta:
        verbose_name = _("Übersicht Handlungsbausteine")

    def get_context(self, request, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["modules"] = selectors.action_modules_visible_to(request.user).child_of(self)
        return context


class ActionModulePage(SpellingVariants, VisibleTitles, Page):
    """A transferable lesson, with the case pages it is drawn from as evidence."""

    summary = models.CharField(_("Kurzfassung"), max_length=300)
    recommendation = RichTextField(_("Empfehlung"), features=RICH_TEXT_FEATURES)
    fits_town_types = models.TextField(
        _("Passt für"),
        help_text=_("Für welche Kleinstädte und Ausgangslagen sich der Baustein eignet."),
    )
    resources_needed = models.TextField(
        _("Benötigte Ressourcen"), help_text=_("Personal, Räume, Budget, Partner.")
    )
    evidence = ParentalManyToManyField(
        "cms.LabCasePage",
        blank=True,
        related_name="action_modules",
        verbose_name=_("Belegt durch Fallstudien"),
    )
    # So that transfers of action modules count by Handlungsfeld like those of case pages.
    challenges = ParentalManyToManyField(
        "forum.Challenge",
        blank=True,
        related_name="action_modules",
        verbose_name=_("Handlungsfelder"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("recommendation"),
        MultiFieldPanel(
            [FieldPanel("fits_town_types"), FieldPanel("resources_needed")],
            heading=_("Wann passt der Baustein?"),
        ),
        FieldPanel("evidence", widget=forms.CheckboxSelectMultiple),
        FieldPanel("challenges", widget=forms.CheckboxSelectMultiple),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("search_variants"),
        index.SearchField("recommendation"),
        index.SearchField("fits_town_types"),
        index.SearchField("resources_needed"),
    ]

    parent_page_types = ["cms.ActionModuleIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("Handlungsbaustein")
        verbose_name_plural = _("Handlungsbausteine")

    def get_context(self, request, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from . import selectors
        from .transfers import selectors as transfer_selectors

        context = super().get_context(request, *args, **kwargs)
        context["evidence_pages"] = selectors.case_pages_visible_to(request.user).filter(
            action_modules=self
        )
        context.update(transfer_selectors.source_context(self, request.user))
        return context


class WorkshopIndexPage(VisibleEnglishTitles, EnglishTitledPage):
    """ "Transferwerkstätten": the workshops their coaches announced publicly, and the summaries
    of past workshops the editors published; members also find their consortia's next workshops
    (``selectors.workshop_index_context``). Nothing else of a workshop is shown here."""

    intro = RichTextField(_("Einleitung"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*EnglishTitledPage.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.WorkshopSummaryPage"]
    max_count = 1

    class Meta:
        verbose_name = _("Übersicht Transferwerkstätten")

    def get_context(self, request, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.workshop_index_context(request.user))
        context["summaries"] = (
            WorkshopSummaryPage.objects.child_of(self)
            .live()
            .public()
            .select_related("workshop__host_town", "workshop__consortium")
            .order_by("-workshop__starts_at", "title")
        )
        return context


class WorkshopSummaryPage(VisibleTitles, Page):
    """The public summary of a held workshop. Only ``cms.services.propose_summary_page``
    creates it, as a draft holding what a coach chose to make public; editors publish it.

    The roadmap, when chosen, is copied into ``body`` as it stood: later internal changes to it
    never reach the public page without an editor."""

    workshop = models.ForeignKey(
        "workshops.Workshop",
        on_delete=models.PROTECT,
        related_name="summary_pages",
        verbose_name=_("Transferwerkstatt"),
        editable=False,
    )
    summary = RichTextField(_("Zusammenfassung"), features=RICH_TEXT_FEATURES)
    roadmap_public = models.BooleanField(
        _("Mit Fahrplan"),
        default=False,
        editable=False,
        help_text=_("Der Fahrplan wurde zur Veröffentlichung vorgeschlagen."),
    )
    body = StreamField(CaseBodyBlock(), verbose_name=_("Inhalt"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("workshop", read_only=True),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    parent_page_types = ["cms.WorkshopIndexPage"]
    subpage_types: list[str] = []
    # Created from the workshop's documentation only; editors review and publish.
    is_creatable = False

    class Meta:
        verbose_name = _("Zusammenfassung einer Transferwerkstatt")
        verbose_name_plural = _("Zusammenfassungen von Transferwerkstätten")


class ConsortiumEditing(models.Model):
    """What lets a consortium's people work in the Wagtail admin, derived from membership.

    The group is written only by ``cms.services.sync_consortium_editors``; nobody keeps it by hand.
    Files in ``internal_collection`` are served only to those who may read the consortium's
    internal case pages.
    """

    consortium = models.OneToOneField(
        "forum.Consortium", on_delete=models.CASCADE, related_name="editing"
    )
    group = models.OneToOneField("auth.Group", on_delete=models.PROTECT, related_name="+")
    public_collection = models.OneToOneField(Collection, on_delete=models.PROTECT, related_name="+")
    internal_collection = models.OneToOneField(
        Collection, on_delete=models.PROTECT, related_name="consortium_editing"
    )

    class Meta:
        verbose_name = _("Redaktionszugang eines Verbunds")

    def __str__(self) -> str:
        return str(self.consortium)


class CaseDiscussion(models.Model):
    """The forum topic where a published case page is discussed (kept outside page revisions)."""

    page = models.OneToOneField(LabCasePage, on_delete=models.CASCADE, related_name="discussion")
    topic = models.OneToOneField(
        "forum.Topic", on_delete=models.CASCADE, related_name="case_discussion"
    )

    def __str__(self) -> str:
        return str(self.page)


# Namespace of the StreamField block ids of quotes taken from forum posts: the id of a post's
# quote block follows from the post, so an objection finds the block again after editing.
QUOTE_BLOCK_NAMESPACE = uuid.UUID("5d0c6f1e-7a43-4c39-9d8e-3f1f2b6a9c41")


def quote_block_id(post_id: int) -> str:
    return str(uuid.uuid5(QUOTE_BLOCK_NAMESPACE, f"forum-post:{post_id}"))


class ForumQuote(models.Model):
    """A forum post quoted in a case page draft; its author may object before publication."""

    page = models.ForeignKey(LabCasePage, on_delete=models.CASCADE, related_name="forum_quotes")
    post = models.ForeignKey("forum.Post", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_quotes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    objected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "post"], name="cms_forumquote_unique_post")
        ]

    def __str__(self) -> str:
        return f"{self.page} ← {self.post_id}"


class ConsortiumReviewTask(Task):
    """Workflow step approved by the coaches and core team of the page's consortium.

    Unlike a group approval, the reviewers follow from membership, so one task serves every
    consortium.
    """

    def _reviews(self, obj: Any, user: Any) -> bool:
        from forum.rules import allowed

        return allowed(user, "cms.review_case_page", obj)

    def user_can_access_editor(self, obj: Any, user: Any) -> bool:
        return self._reviews(obj, user)

    def locked_for_user(self, obj: Any, user: Any) -> bool:
        return not self._reviews(obj, user)

    def user_can_lock(self, obj: Any, user: Any) -> bool:
        return self._reviews(obj, user)

    def get_actions(self, obj: Any, user: Any) -> list[tuple[str, str, bool]]:
        if not self._reviews(obj, user):
            return []
        return [
            ("reject", _("Änderungen anfordern"), True),
            ("approve", _("Freigeben"), False),
            ("approve", _("Mit Kommentar freigeben"), True),
        ]

    def get_task_states_user_can_moderate(self, user: Any, **kwargs: Any):
        from forum import rules as policy

        from . import selectors

        in_progress = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if policy.is_admin(user):
            return in_progress
        return in_progress.filter(workflow_state__object_id__in=selectors.reviewable_page_ids(user))

    @classmethod
    def get_description(cls) -> str:
        return str(_("Kleinstadtpaten und Kernteam des Verbunds der Seite geben frei."))

    class Meta:
        verbose_name = _("Prüfung durch den Verbund")
        verbose_name_plural = _("Prüfungen durch den Verbund")


# The legal pages, barrier reports, contact requests, the peer finder, transfers and surveys
# live in their own modules; imported here so that Django registers them as models of this app
# (it imports only ``cms.models``).
from .contact import ContactRequest as ContactRequest  # noqa: E402
from .legal import AccessibilityPage as AccessibilityPage  # noqa: E402
from .legal import BarrierReport as BarrierReport  # noqa: E402
from .legal import ImprintPage as ImprintPage  # noqa: E402
from .legal import PrivacyPage as PrivacyPage  # noqa: E402
from .peer_finder.entries import PeerFinderEntry as PeerFinderEntry  # noqa: E402
from .surveys.models import AccessCode as AccessCode  # noqa: E402
from .surveys.models import Answer as Answer  # noqa: E402
from .surveys.models import ContactDetail as ContactDetail  # noqa: E402
from .surveys.models import QuestionTemplate as QuestionTemplate  # noqa: E402
from .surveys.models import Survey as Survey  # noqa: E402
from .transfers.models import EvidenceKind as EvidenceKind  # noqa: E402
from .transfers.models import Transfer as Transfer  # noqa: E402
from .transfers.models import TransferEvidence as TransferEvidence  # noqa: E402
from .transfers.models import TransferNotice as TransferNotice  # noqa: E402
from .transfers.models import TransferStatus as TransferStatus  # noqa: E402
from .transfers.models import TransferStatusChange as TransferStatusChange  # noqa: E402
from .transfers.models import TransferVisibility as TransferVisibility  # noqa: E402
