"""Complete legal pages for tests (``cms.legal``): every required part filled in."""

from datetime import date

from cms.legal import Conformity
from cms.models import AccessibilityPage, ImprintPage, PrivacyPage


def imprint(**extra):
    fields = dict(
        title="Impressum",
        slug="impressum",
        operator_name="Geschäftsstelle Beispiel",
        address="Musterstraße 1\n00000 Musterstadt",
        represented_by="Dr. Erika Beispiel",
        email="kontakt@example.org",
        phone="+49 000 1",
        content_responsible="Max Mustermann",
    )
    return ImprintPage(**{**fields, **extra})


def privacy(**extra):
    fields = dict(
        title="Datenschutzerklärung",
        slug="datenschutz",
        controller="Geschäftsstelle Beispiel",
        contact_email="datenschutz@example.org",
        data_protection_officer="Die Datenschutzbeauftragte",
        purposes=[
            (
                "purpose",
                {
                    "purpose": "Konto und Anmeldung",
                    "legal_basis": "e",
                    "data_categories": "E-Mail-Adresse",
                    "details": "",
                },
            )
        ],
        recipients="<p>Rechenzentrum im Auftrag</p>",
        rights="<p>Auskunft, Löschung</p>",
        supervisory_authority="BfDI, Bonn",
        version_date=date(2026, 11, 30),
    )
    return PrivacyPage(**{**fields, **extra})


def accessibility(**extra):
    fields = dict(
        title="Erklärung zur Barrierefreiheit",
        slug="barrierefreiheit",
        conformity=Conformity.PARTIAL,
        gaps=[
            (
                "gap",
                {
                    "what": "Minimap im Redaktionsbereich",
                    "why": "Fehler in Wagtail",
                    "alternative": "Die Redaktion hilft.",
                },
            )
        ],
        statement_date=date(2026, 12, 1),
        last_check_date=date(2026, 11, 28),
        check_method="Selbstbewertung mit axe",
        feedback_contact="Redaktion, Musterstraße 1",
        feedback_email="barrierefreiheit@example.org",
    )
    return AccessibilityPage(**{**fields, **extra})
