"""The legal pages: Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit."""

import pytest
from django.test import override_settings
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.legal import cookies, storage_periods
from cms.models import (
    AccessibilityPage,
    HomePage,
    ImprintPage,
    PrivacyPage,
    StandardPage,
)
from tests.helpers.cast import client_for
from tests.helpers.legal import accessibility, imprint, privacy

LEGAL_TYPES = [ImprintPage, PrivacyPage, AccessibilityPage]


@pytest.fixture
def legal_site(home_page):
    return [home_page.add_child(instance=build()) for build in (imprint, privacy, accessibility)]


@pytest.mark.parametrize("model", LEGAL_TYPES)
def test_each_legal_page_exists_once_and_only_under_the_home_page(model):
    assert model.max_count == 1
    assert model.allowed_parent_page_models() == [HomePage]
    assert model.allowed_subpage_models() == []
    assert model in HomePage.allowed_subpage_models()


@pytest.mark.parametrize("model", LEGAL_TYPES)
def test_a_second_legal_page_of_a_type_cannot_be_created(legal_site, home_page, model):
    assert not model.can_create_at(home_page)


def test_footer_links_the_three_legal_pages_and_the_barrier_form(client, legal_site):
    content = client.get("/").content.decode()
    footer = content[content.index('<footer class="site-footer">') :]
    for path in ("/impressum/", "/datenschutz/", "/barrierefreiheit/"):
        assert f'href="{path}"' in footer
    assert reverse("cms:barrier_report") + "?seite=/" in footer


def test_unpublished_legal_page_leaves_the_footer(client, legal_site):
    legal_site[0].unpublish()
    footer = client.get("/").content.decode().split('<footer class="site-footer">')[1]
    assert "/impressum/" not in footer
    assert "/datenschutz/" in footer


def test_imprint_renders_its_parts_in_order(client, legal_site):
    content = client.get("/impressum/").content.decode()
    main = content[content.index("<main") : content.index("</main>")]
    headings = ["Angaben zur Betreiberin", "Kontakt", "Verantwortlich für den Inhalt"]
    positions = [main.index(f"<h2>{heading}") for heading in headings]
    assert positions == sorted(positions)
    assert "Musterstraße 1<br>00000 Musterstadt" in main
    assert 'href="mailto:kontakt@example.org"' in main
    # Optional parts: without them, no empty heading.
    assert "Umsatzsteuer" not in main


def test_privacy_page_shows_purposes_and_periods_and_cookies_from_the_settings(client, legal_site):
    with override_settings(READ_NOTIFICATION_DAYS=91, SESSION_COOKIE_AGE=3 * 86400):
        main = client.get("/datenschutz/").content.decode()
    assert '<h3 id="zweck-1">Konto und Anmeldung</h3>' in main
    assert "Öffentliche Aufgabe (Art. 6 Abs. 1 lit. e DSGVO)" in main
    assert "<td>Gelesene Benachrichtigungen</td><td>91 Tage</td>" in main
    assert "<td><code>sessionid</code></td>" in main
    assert "<code>csrftoken</code>" in main
    assert "3 Tage" in main
    assert "Stand: 30. November 2026" in main


@override_settings(
    DATA_EXPORT_VALID_DAYS=3,
    READ_NOTIFICATION_DAYS=10,
    EXPIRED_INVITATION_DAYS=11,
    FINISHED_TASK_DAYS=12,
    SENT_EMAIL_DAYS=13,
    PRESENCE_HOURS=5,
    STREAM_EVENT_DAYS=4,
    INVITATION_VALID_DAYS=6,
    BARRIER_REPORT_DAYS=14,
    CONTACT_REQUEST_DAYS=15,
    SHARE_PROPOSAL_DAYS=16,
    SURVEY_CONTACT_DAYS=17,
    SESSION_COOKIE_AGE=7 * 86400,
)
def test_every_storage_period_comes_from_its_setting():
    shown = [str(period.how_long) for period in storage_periods()]
    assert shown == [
        "7 Tage",
        "6 Tage",
        "11 Tage",
        "10 Tage",
        "3 Tage",
        "13 Tage",
        "12 Tage",
        "5 Stunden",
        "4 Tage",
        "14 Tage",
        "15 Tage",
        "16 Tage",
        "17 Tage",
    ]


@override_settings(LANGUAGE_COOKIE_NAME="sprache", CSRF_COOKIE_AGE=86400)
def test_cookies_are_named_and_timed_as_the_settings_say():
    listed = {cookie.name: str(cookie.lifetime) for cookie in cookies()}
    assert listed["sprache"] == "bis zum Schließen des Browsers"
    assert listed["csrftoken"] == "1 Tag"
    assert set(listed) == {"sessionid", "csrftoken", "sprache", "messages"}


def test_accessibility_statement_shows_status_gaps_dates_and_arbitration(client, legal_site):
    main = client.get("/barrierefreiheit/").content.decode()
    assert "Diese Plattform ist mit der BITV 2.0 teilweise vereinbar." in main
    assert '<h3 id="barriere-1">Minimap im Redaktionsbereich</h3>' in main
    assert "Die Redaktion hilft." in main
    assert "28. November 2026" in main and "1. Dezember 2026" in main
    assert "Mauerstraße 53" in main
    assert 'href="https://www.schlichtungsstelle-bgg.de"' in main
    assert reverse("cms:barrier_report") + "?seite=/barrierefreiheit/" in main


def test_english_interface_marks_the_legal_text_german(client, legal_site):
    client.cookies["django_language"] = "en"
    main = client.get("/datenschutz/").content.decode()
    assert '<div class="legal" lang="de">' in main
    # The statement stays German (binding text), headings included.
    assert "<h2>Verantwortliche Stelle</h2>" in main


def test_german_interface_needs_no_lang_mark(client, legal_site):
    assert '<div class="legal">' in client.get("/impressum/").content.decode()


# --- the admin refuses pages without their required parts -----------------------------------


def _add_url(model, parent):
    return reverse("wagtailadmin_pages:add", args=["cms", model._meta.model_name, parent.pk])


@pytest.mark.parametrize(
    ("model", "data", "required"),
    [
        (
            ImprintPage,
            {
                "title": "Impressum",
                "slug": "impressum",
                "intro": rich_text(""),
                "body": rich_text(""),
            },
            ["operator_name", "address", "represented_by", "email", "phone", "content_responsible"],
        ),
        (
            PrivacyPage,
            {
                "title": "Datenschutz",
                "slug": "datenschutz",
                "intro": rich_text(""),
                "purposes": streamfield([]),
                "recipients": rich_text(""),
                "storage_notes": rich_text(""),
                "rights": rich_text(""),
            },
            [
                "controller",
                "contact_email",
                "data_protection_officer",
                "recipients",
                "rights",
                "supervisory_authority",
            ],
        ),
        (
            AccessibilityPage,
            {
                "title": "Barrierefreiheit",
                "slug": "barrierefreiheit",
                "intro": rich_text(""),
                "gaps": streamfield([]),
                "arbitration_body": "",
                "arbitration_url": "",
            },
            [
                "conformity",
                "last_check_date",
                "check_method",
                "feedback_contact",
                "feedback_email",
                "arbitration_body",
            ],
        ),
    ],
)
def test_admin_refuses_a_legal_page_without_its_required_parts(
    client, cast, home_page, model, data, required
):
    client_for(client, cast.user("admin"))
    # Wagtail saves drafts without their required parts; publishing asks for all of them.
    data = {**data, "action-publish": "publish"}
    response = client.post(_add_url(model, home_page), nested_form_data(data))
    assert response.status_code in (200, 400)
    assert not model.objects.exists()
    form = response.context["form"]
    for field in required:
        assert field in form.errors, field


def test_admin_refuses_a_privacy_statement_without_a_purpose(client, cast, home_page):
    client_for(client, cast.user("admin"))
    data = nested_form_data(
        {
            "title": "Datenschutz",
            "slug": "datenschutz",
            "intro": rich_text(""),
            "controller": "Stelle",
            "contact_email": "a@example.org",
            "contact_phone": "",
            "data_protection_officer": "DSB",
            "purposes": streamfield([]),
            "recipients": rich_text("Rechenzentrum"),
            "storage_notes": rich_text(""),
            "rights": rich_text("Auskunft"),
            "supervisory_authority": "BfDI",
            "version_date": "2026-12-01",
            "action-publish": "publish",
        }
    )
    response = client.post(_add_url(PrivacyPage, home_page), data)
    assert not PrivacyPage.objects.exists()
    assert "purposes" in response.context["form"].errors


def test_admin_creates_a_complete_imprint(client, cast, home_page):
    client_for(client, cast.user("admin"))
    data = nested_form_data(
        {
            "title": "Impressum",
            "slug": "impressum",
            "intro": rich_text(""),
            "operator_name": "Geschäftsstelle",
            "address": "Musterstraße 1",
            "represented_by": "Leitung",
            "email": "kontakt@example.org",
            "phone": "0",
            "content_responsible": "Redaktion",
            "vat_id": "",
            "supervisory_body": "",
            "body": rich_text(""),
            "action-publish": "publish",
        }
    )
    response = client.post(_add_url(ImprintPage, home_page), data)
    assert response.status_code == 302
    assert ImprintPage.objects.get().live


def test_old_text_pages_still_reach_the_footer_when_marked(client, home_page):
    home_page.add_child(
        instance=StandardPage(title="Leichte Sprache", slug="leicht", show_in_footer=True)
    )
    assert 'href="/leicht/"' in client.get("/").content.decode()
