"""The legal pages every public body's site needs (Impressum, Datenschutzerklärung, Erklärung
zur Barrierefreiheit) as page types with structured, required parts, and the reports of
accessibility barriers sent through "Barriere melden".

Each page type exists once, directly under the home page, and is always linked in the footer
(``cms.navigation``). Their text is German, also in the English interface (the statements are
binding in German); the templates mark it ``lang="de"``. What the code decides itself is not left
to editors: the storage periods come from the settings, the cookies from what the site sets.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from .models import EnglishTitledPage, VisibleEnglishTitles

LEGAL_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class LegalPage(VisibleEnglishTitles, EnglishTitledPage):
    """Common ground of the three legal pages: once each, under the home page, no children."""

    intro = RichTextField(
        _("Vorbemerkung"),
        blank=True,
        features=LEGAL_TEXT_FEATURES,
        help_text=_("Erscheint über den Angaben, z. B. ein Hinweis auf eine neue Fassung."),
    )

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    # Rich text fields that must say something: an empty editor still sends an empty paragraph,
    # which Django's "required" takes for text.
    required_rich_text: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        empty = {
            name: ValidationError(_("Dieses Feld muss ausgefüllt werden."), code="required")
            for name in self.required_rich_text
            if not strip_tags(str(getattr(self, name) or "")).strip()
        }
        if empty:
            raise ValidationError(empty)


# --- Impressum -----------------------------------------------------------------------------


class ImprintPage(LegalPage):
    operator_name = models.CharField(
        _("Betreiberin"),
        max_length=200,
        help_text=_("Name der Stelle, die die Plattform betreibt, z. B. eine Bundesbehörde."),
    )
    address = models.TextField(
        _("Anschrift"), help_text=_("Straße, Hausnummer, Postleitzahl und Ort, je eine Zeile.")
    )
    represented_by = models.CharField(
        _("Vertreten durch"),
        max_length=200,
        help_text=_("Wer die Betreiberin gesetzlich vertritt, z. B. die Präsidentin."),
    )
    email = models.EmailField(_("E-Mail-Adresse"), help_text=_("Für schnelle Kontaktaufnahme."))
    phone = models.CharField(_("Telefon"), max_length=50)
    content_responsible = models.TextField(
        _("Verantwortlich für den Inhalt"),
        help_text=_("Name und Anschrift der verantwortlichen Person nach § 18 Abs. 2 MStV."),
    )
    vat_id = models.CharField(
        _("Umsatzsteuer-Identifikationsnummer"),
        max_length=30,
        blank=True,
        help_text=_("Nur wenn vorhanden, nach § 27a Umsatzsteuergesetz."),
    )
    supervisory_body = models.TextField(
        _("Aufsichtsbehörde"),
        blank=True,
        help_text=_("Nur wenn die Betreiberin einer Aufsicht untersteht: Name und Anschrift."),
    )
    body = RichTextField(
        _("Weitere Angaben"),
        blank=True,
        features=LEGAL_TEXT_FEATURES,
        help_text=_("Zum Beispiel Hinweise zur Haftung für Inhalte und Links."),
    )

    content_panels = [
        *EnglishTitledPage.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("operator_name"),
                FieldPanel("address"),
                FieldPanel("represented_by"),
                FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
            ],
            heading=_("Betreiberin und Kontakt"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("content_responsible"),
                FieldPanel("vat_id"),
                FieldPanel("supervisory_body"),
            ],
            heading=_("Verantwortung und Aufsicht"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [*EnglishTitledPage.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = _("Impressum")
        verbose_name_plural = _("Impressum")


# --- Datenschutzerklärung ------------------------------------------------------------------


class LegalBasis(models.TextChoices):
    """Art. 6 Abs. 1 DSGVO, by letter."""

    CONSENT = "a", _("Einwilligung (Art. 6 Abs. 1 lit. a DSGVO)")
    CONTRACT = "b", _("Vertrag oder vorvertragliche Maßnahmen (Art. 6 Abs. 1 lit. b DSGVO)")
    LEGAL_OBLIGATION = "c", _("Rechtliche Verpflichtung (Art. 6 Abs. 1 lit. c DSGVO)")
    VITAL_INTERESTS = "d", _("Lebenswichtige Interessen (Art. 6 Abs. 1 lit. d DSGVO)")
    PUBLIC_TASK = "e", _("Öffentliche Aufgabe (Art. 6 Abs. 1 lit. e DSGVO)")
    LEGITIMATE_INTERESTS = "f", _("Berechtigte Interessen (Art. 6 Abs. 1 lit. f DSGVO)")


class ProcessingPurposeValue(blocks.StructValue):
    @property
    def legal_basis_label(self) -> str:
        return LegalBasis(self.get("legal_basis")).label


class ProcessingPurposeBlock(blocks.StructBlock):
    purpose = blocks.CharBlock(
        label=_("Zweck"), max_length=200, help_text=_("Wofür die Daten verarbeitet werden.")
    )
    legal_basis = blocks.ChoiceBlock(
        label=_("Rechtsgrundlage"),
        choices=LegalBasis.choices,
        help_text=_("Der Buchstabe von Art. 6 Abs. 1 DSGVO, auf den sich die Verarbeitung stützt."),
    )
    data_categories = blocks.TextBlock(
        label=_("Daten"), help_text=_("Welche Daten dafür verarbeitet werden.")
    )
    details = blocks.TextBlock(
        label=_("Erläuterung"), required=False, help_text=_("Was sonst dazu wichtig ist.")
    )

    class Meta:
        icon = "list-ul"
        label = _("Verarbeitungszweck")
        value_class = ProcessingPurposeValue


class PrivacyPage(LegalPage):
    controller = models.TextField(
        _("Verantwortliche Stelle"),
        help_text=_("Name und Anschrift der Stelle, die über die Verarbeitung entscheidet."),
    )
    contact_email = models.EmailField(_("E-Mail-Adresse für Datenschutzfragen"))
    contact_phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    data_protection_officer = models.TextField(
        _("Datenschutzbeauftragte Person"),
        help_text=_("Name oder Funktion und wie sie zu erreichen ist (Anschrift, E-Mail)."),
    )
    purposes = StreamField(
        [("purpose", ProcessingPurposeBlock())],
        verbose_name=_("Zwecke der Verarbeitung"),
        min_num=1,
        help_text=_("Jeder Zweck mit Rechtsgrundlage und den Daten, die dafür nötig sind."),
    )
    recipients = RichTextField(
        _("Empfänger und Auftragsverarbeiter"),
        features=LEGAL_TEXT_FEATURES,
        help_text=_("Wer Daten erhält, z. B. der Rechenzentrumsbetreiber oder der E-Mail-Versand."),
    )
    storage_notes = RichTextField(
        _("Weitere Angaben zur Speicherdauer"),
        blank=True,
        features=LEGAL_TEXT_FEATURES,
        help_text=_(
            "Die technisch festgelegten Fristen zeigt die Seite von selbst; hier steht, was "
            "darüber hinaus gilt."
        ),
    )
    rights = RichTextField(
        _("Rechte der betroffenen Personen"),
        features=LEGAL_TEXT_FEATURES,
        help_text=_(
            "Auskunft, Berichtigung, Löschung, Einschränkung, Datenübertragbarkeit, "
            "Widerspruch, Widerruf einer Einwilligung – und wie man sie wahrnimmt."
        ),
    )
    supervisory_authority = models.TextField(
        _("Zuständige Aufsichtsbehörde"),
        help_text=_("Wo man sich beschweren kann: Name und Anschrift."),
    )
    version_date = models.DateField(
        _("Stand"), default=timezone.localdate, help_text=_("Datum dieser Fassung.")
    )

    content_panels = [
        *EnglishTitledPage.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("controller"),
                FieldRowPanel([FieldPanel("contact_email"), FieldPanel("contact_phone")]),
                FieldPanel("data_protection_officer"),
            ],
            heading=_("Verantwortliche Stelle"),
        ),
        FieldPanel("purposes"),
        MultiFieldPanel(
            [FieldPanel("recipients"), FieldPanel("storage_notes")],
            heading=_("Empfänger und Speicherdauer"),
        ),
        MultiFieldPanel(
            [FieldPanel("rights"), FieldPanel("supervisory_authority"), FieldPanel("version_date")],
            heading=_("Rechte und Aufsicht"),
        ),
    ]

    required_rich_text = ("recipients", "rights")

    class Meta:
        verbose_name = _("Datenschutzerklärung")
        verbose_name_plural = _("Datenschutzerklärung")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["storage_periods"] = storage_periods()
        context["cookies"] = cookies()
        return context


@dataclass(frozen=True)
class Period:
    what: str
    how_long: str


def _days(count: int) -> str:
    return ngettext("%(count)s Tag", "%(count)s Tage", count) % {"count": count}


def _hours(count: int) -> str:
    return ngettext("%(count)s Stunde", "%(count)s Stunden", count) % {"count": count}


def _seconds(seconds: int | None) -> str:
    """A cookie's lifetime in plain words."""
    if seconds is None:
        return _("bis zum Schließen des Browsers")
    if seconds % 86400 == 0:
        return _days(seconds // 86400)
    return _hours(max(1, round(seconds / 3600)))


def storage_periods() -> list[Period]:
    """The periods the platform keeps data by itself, read from the settings the retention
    command reads as well: the page never says something else than the code does."""
    return [
        Period(
            _("Angemeldet bleiben (Sitzung), wenn Sie sich nicht abmelden"),
            _seconds(settings.SESSION_COOKIE_AGE),
        ),
        Period(_("Einladungen, bis sie ablaufen"), _days(settings.INVITATION_VALID_DAYS)),
        Period(
            _("Abgelaufene Einladungen, nach ihrem Ablauf"),
            _days(settings.EXPIRED_INVITATION_DAYS),
        ),
        Period(_("Gelesene Benachrichtigungen"), _days(settings.READ_NOTIFICATION_DAYS)),
        Period(
            _("Datenexport zum Herunterladen („Meine Daten“)"),
            _days(settings.DATA_EXPORT_VALID_DAYS),
        ),
        Period(_("Kopien versandter E-Mails"), _days(settings.SENT_EMAIL_DAYS)),
        Period(
            _("Erledigte Hintergrundaufgaben (z. B. E-Mail-Versand)"),
            _days(settings.FINISHED_TASK_DAYS),
        ),
        Period(_("Anzeige, wer gerade online ist"), _hours(settings.PRESENCE_HOURS)),
        Period(
            _("Live-Aktualisierungen für kurz getrennte Verbindungen"),
            _days(settings.STREAM_EVENT_DAYS),
        ),
        Period(
            _("Gemeldete Barrieren, nach ihrer Erledigung"),
            _days(settings.BARRIER_REPORT_DAYS),
        ),
        Period(
            _("Abgelehnte oder unbeantwortete Fragen an Ansprechpersonen, nach dem Fragen"),
            _days(settings.CONTACT_REQUEST_DAYS),
        ),
        Period(
            _(
                "Abgelehnte oder zurückgezogene Vorschläge zum Teilen und die Antworten darauf, "
                "nach der Entscheidung (geteilte, solange die Kopie besteht)"
            ),
            _days(settings.SHARE_PROPOSAL_DAYS),
        ),
        Period(
            _("Freiwillige Kontaktangaben bei Bürgerbefragungen, nach dem Ende der Befragung"),
            _days(settings.SURVEY_CONTACT_DAYS),
        ),
    ]


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    lifetime: str


def cookies() -> list[Cookie]:
    """The cookies the site sets, all technically necessary; no tracking, no third parties.
    Names and lifetimes come from the settings Django and allauth read."""
    return [
        Cookie(
            settings.SESSION_COOKIE_NAME,
            _("Hält Sie angemeldet; ohne Anmeldung nur nach dem Absenden eines Formulars."),
            _seconds(settings.SESSION_COOKIE_AGE),
        ),
        Cookie(
            settings.CSRF_COOKIE_NAME,
            _("Schützt Formulare davor, dass fremde Seiten sie in Ihrem Namen absenden."),
            _seconds(settings.CSRF_COOKIE_AGE),
        ),
        Cookie(
            settings.LANGUAGE_COOKIE_NAME,
            _("Merkt sich die gewählte Sprache, nur wenn Sie sie umstellen."),
            _seconds(settings.LANGUAGE_COOKIE_AGE),
        ),
        Cookie(
            "messages",
            _("Zeigt eine Bestätigung (z. B. „gespeichert“) auf der nächsten Seite an."),
            _("bis zum Anzeigen der Meldung"),
        ),
    ]


# --- Erklärung zur Barrierefreiheit --------------------------------------------------------


class Conformity(models.TextChoices):
    FULL = "full", _("vollständig vereinbar")
    PARTIAL = "partial", _("teilweise vereinbar")
    NONE = "none", _("nicht vereinbar")


class AccessibilityGapBlock(blocks.StructBlock):
    what = blocks.CharBlock(
        label=_("Was ist nicht barrierefrei?"),
        max_length=300,
        help_text=_("Der Inhalt oder die Funktion, so dass man sie wiedererkennt."),
    )
    why = blocks.TextBlock(
        label=_("Warum?"), help_text=_("Der Grund, z. B. ein Fehler im Redaktionssystem.")
    )
    alternative = blocks.TextBlock(
        label=_("Alternative"),
        required=False,
        help_text=_("Wie man den Inhalt trotzdem erreicht, z. B. über die Redaktion."),
    )

    class Meta:
        icon = "warning"
        label = _("Bekannte Barriere")


class AccessibilityPage(LegalPage):
    conformity = models.CharField(
        _("Stand der Vereinbarkeit"),
        max_length=10,
        choices=Conformity.choices,
        help_text=_("Wie weit die Plattform mit der BITV 2.0 vereinbar ist."),
    )
    gaps = StreamField(
        [("gap", AccessibilityGapBlock())],
        verbose_name=_("Bekannte Barrieren"),
        blank=True,
        help_text=_("Was nicht barrierefrei ist, warum, und welche Alternative es gibt."),
    )
    statement_date = models.DateField(
        _("Erstellt am"),
        default=timezone.localdate,
        help_text=_("Datum, an dem diese Erklärung erstellt oder zuletzt geändert wurde."),
    )
    last_check_date = models.DateField(
        _("Letzte Überprüfung"), help_text=_("Wann die Plattform zuletzt geprüft wurde.")
    )
    check_method = models.TextField(
        _("Methode der Überprüfung"),
        help_text=_("Zum Beispiel Selbstbewertung mit automatischen Tests und Tastaturprüfung."),
    )
    feedback_contact = models.TextField(
        _("Kontakt für Rückmeldungen"),
        help_text=_("Wer Rückmeldungen zu Barrieren bearbeitet: Stelle, Anschrift, Telefon."),
    )
    feedback_email = models.EmailField(_("E-Mail-Adresse für Rückmeldungen"))
    arbitration_body = models.TextField(
        _("Schlichtungsstelle"),
        default=(
            "Schlichtungsstelle nach dem Behindertengleichstellungsgesetz\n"
            "bei dem Beauftragten der Bundesregierung für die Belange von Menschen mit "
            "Behinderungen\nMauerstraße 53\n10117 Berlin"
        ),
        help_text=_("Name und Anschrift der Schlichtungsstelle nach § 16 BGG."),
    )
    arbitration_url = models.URLField(
        _("Internetseite der Schlichtungsstelle"),
        default="https://www.schlichtungsstelle-bgg.de",
    )

    content_panels = [
        *EnglishTitledPage.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("conformity"),
                FieldRowPanel([FieldPanel("statement_date"), FieldPanel("last_check_date")]),
                FieldPanel("check_method"),
            ],
            heading=_("Stand der Vereinbarkeit"),
        ),
        FieldPanel("gaps"),
        MultiFieldPanel(
            [FieldPanel("feedback_contact"), FieldPanel("feedback_email")],
            heading=_("Rückmeldung"),
        ),
        MultiFieldPanel(
            [FieldPanel("arbitration_body"), FieldPanel("arbitration_url")],
            heading=_("Schlichtungsverfahren"),
        ),
    ]

    class Meta:
        verbose_name = _("Erklärung zur Barrierefreiheit")
        verbose_name_plural = _("Erklärung zur Barrierefreiheit")


LEGAL_PAGE_TYPES = (ImprintPage, PrivacyPage, AccessibilityPage)


# --- Reports of barriers -------------------------------------------------------------------


class BarrierReport(models.Model):
    """A barrier someone met on the site, sent without an account. Its sender's name and
    address are personal data: answered reports are removed after ``BARRIER_REPORT_DAYS`` by
    ``cms.services.remove_answered_barrier_reports``."""

    class Status(models.TextChoices):
        NEW = "new", _("neu")
        IN_PROGRESS = "in_progress", _("in Bearbeitung")
        DONE = "done", _("erledigt")

    page_url = models.CharField(_("Seite"), max_length=500, blank=True)
    description = models.TextField(_("Beschreibung der Barriere"))
    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    assistive_technology = models.CharField(_("Verwendete Hilfsmittel"), max_length=300, blank=True)
    status = models.CharField(_("Stand"), max_length=12, choices=Status.choices, default=Status.NEW)
    answer = models.TextField(
        _("Antwort"),
        blank=True,
        help_text=_("Wird beim Speichern an die angegebene E-Mail-Adresse geschickt."),
    )
    # The language the sender wrote in: their receipt and the answer's frame are in it.
    language = models.CharField(max_length=8, default="de", editable=False)
    created_at = models.DateTimeField(_("Eingegangen"), default=timezone.now)
    answered_at = models.DateTimeField(_("Beantwortet"), null=True, blank=True)
    done_at = models.DateTimeField(_("Erledigt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Gemeldete Barriere")
        verbose_name_plural = _("Gemeldete Barrieren")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "done_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%d.%m.%Y}: {self.description[:60]}"
