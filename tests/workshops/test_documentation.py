"""Documentation after a workshop (protocol, roadmap, files, attendance) and the public summary
page proposed by a coach and published by the editors."""

import io
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from wagtail.models import Page

from cms import services as cms_services
from cms.demo import seed_cms_demo
from cms.models import (
    ConsortiumEditing,
    HomePage,
    StandardPage,
    WorkshopIndexPage,
    WorkshopSummaryPage,
)
from forum.rules import allowed
from tests.helpers.cast import ROLES, client_for
from workshops import services
from workshops.models import Registration, RoadmapItem, Workshop, WorkshopFile
from workshops.services import RoadmapEntry, WorkshopData

DOCUMENTERS = {"coach", "core_team", "admin"}
READERS = DOCUMENTERS | {"member"}
HIDDEN_FROM = {"outsider", "editor"}


# --- helpers -------------------------------------------------------------------------------


def make_workshop(cast, *, held=True, title="Werkstatt Leerstand", announce=False, days=None):
    """A workshop of the cast's consortium, planned by its coach; held ones lie in the past."""
    coach = cast.user("coach")
    days = days if days is not None else (-10 if held else 30)
    starts_at, ends_at = services.default_schedule(timezone.localdate() + timedelta(days=days))
    data = WorkshopData(
        host_town=cast.consortium.towns.order_by("name").first(),
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        venue_name="Alte Weberei, Saal 2",
        venue_address="Weberstraße 7\n12345 Musterstadt",
        capacity=10,
        registration_deadline=starts_at - timedelta(days=7),
        description="Interne Notizen zur Vorbereitung.",
        announce_publicly=announce,
    )
    workshop = services.create_workshop(consortium=cast.consortium, actor=coach, data=data)
    steps = [Workshop.Status.OPEN, Workshop.Status.CLOSED, Workshop.Status.HELD] if held else []
    for status in steps:
        workshop = services.set_status(workshop=workshop, actor=coach, status=status)
    return workshop


def png_bytes(color="red", size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010E] = "Standort: Geheimweg 1"  # ImageDescription
    exif[0x013B] = "Erika Fotografin"  # Artist
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "blue").save(out, format="JPEG", exif=exif)
    return out.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def add_photo(workshop, cast, *, name="rundgang.png", content=None, caption="Stadtrundgang"):
    [item] = services.add_files(
        workshop=workshop,
        actor=cast.user("coach"),
        uploads=[upload(name, content or png_bytes(), "image/png")],
        caption=caption,
    )
    return item


def stored_file_of(workshop, name="notiz.pdf"):
    """A file put next to a workshop without the service (which refuses workshops not held)."""
    item = WorkshopFile(
        workshop=workshop,
        original_name=name,
        content_type="application/pdf",
        size=len(PDF_BYTES),
    )
    item.file.save("upload.pdf", ContentFile(PDF_BYTES), save=False)
    item.save()
    return item


def register(workshop, user, status=Registration.Status.CONFIRMED):
    profile = getattr(user, "profile", None)
    return Registration.objects.create(
        workshop=workshop, user=user, status=status, town_id=profile.town_id if profile else None
    )


def documentation_data(*, protocol="", roadmap=(), present=(), initial_rows=0):
    data = {
        "protokoll-protocol": protocol,
        "fahrplan-TOTAL_FORMS": str(len(roadmap) + 1),
        "fahrplan-INITIAL_FORMS": str(initial_rows),
        "fahrplan-MIN_NUM_FORMS": "0",
        "fahrplan-MAX_NUM_FORMS": "50",
        "anwesenheit-present": [str(pk) for pk in present],
    }
    for i, row in enumerate(roadmap):
        for key, value in row.items():
            data[f"fahrplan-{i}-{key}"] = value
    # One untouched extra row, as the browser sends it.
    data[f"fahrplan-{len(roadmap)}-status"] = RoadmapItem.Status.OPEN
    return data


def document_url(workshop):
    return reverse("workshops:document", args=[workshop.consortium.slug, workshop.pk])


def summary_url(workshop):
    return reverse("workshops:summary", args=[workshop.consortium.slug, workshop.pk])


def expected_status(role, allowed_roles):
    if role == "anonymous":
        return 302
    if role in HIDDEN_FROM:
        return 404
    return 200 if role in allowed_roles else 403


@pytest.fixture
def held_workshop(cast):
    return make_workshop(cast)


@pytest.fixture
def open_workshop(cast):
    workshop = make_workshop(cast, held=False, title="Werkstatt Zukunft")
    return services.set_status(
        workshop=workshop, actor=cast.user("coach"), status=Workshop.Status.OPEN
    )


@pytest.fixture
def workshop_index(home_page):
    index = home_page.add_child(
        instance=WorkshopIndexPage(title="Transferwerkstätten", slug="werkstaetten")
    )
    index.save_revision().publish()
    return index


# --- permission matrix ---------------------------------------------------------------------


@pytest.mark.parametrize("held", [True, False], ids=["held", "open"])
@pytest.mark.parametrize("role", ROLES)
def test_documentation_page_matrix(client, cast, role, held):
    workshop = make_workshop(cast, held=held)
    user = cast.user(role)
    allowed_roles = DOCUMENTERS if held else set()
    expected = expected_status(role, allowed_roles)
    client = client_for(client, user)

    assert allowed(user, "workshops.document", workshop) is (expected == 200)
    response = client.get(document_url(workshop))
    assert response.status_code == expected
    if role == "anonymous":
        assert reverse("account_login") in response["Location"]

    response = client.post(document_url(workshop), documentation_data(protocol="Neu"))
    assert response.status_code == (302 if expected == 200 else expected)
    workshop.refresh_from_db()
    assert (workshop.protocol == "Neu") is (expected == 200)


@pytest.mark.parametrize("held", [True, False], ids=["held", "open"])
@pytest.mark.parametrize("role", ROLES)
def test_file_download_matrix(client, cast, role, held):
    workshop = make_workshop(cast, held=held)
    item = add_photo(workshop, cast) if held else stored_file_of(workshop)
    user = cast.user(role)
    may_see = held and role in READERS
    client = client_for(client, user)

    assert allowed(user, "workshops.see_documentation", workshop) is may_see
    for name in ("workshops:file", "workshops:file_thumbnail"):
        response = client.get(reverse(name, args=[item.pk]))
        if role == "anonymous":
            assert response.status_code == 302
            assert reverse("account_login") in response["Location"]
        elif not may_see:
            assert response.status_code == 404
        elif name == "workshops:file" or item.thumbnail:
            assert response.status_code == 200
            assert response["Cache-Control"] == "private, max-age=3600"
            assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize("role", ROLES)
def test_file_delete_matrix(client, cast, held_workshop, role):
    item = add_photo(held_workshop, cast)
    response = client_for(client, cast.user(role)).post(
        reverse("workshops:file_delete", args=[item.pk])
    )

    assert response.status_code == {"anonymous": 302, "outsider": 404, "editor": 404}.get(
        role, 302 if role in DOCUMENTERS else 403
    )
    assert WorkshopFile.objects.filter(pk=item.pk).exists() is (role not in DOCUMENTERS)


def test_deleting_a_documentation_file_asks_first(client, cast, held_workshop):
    item = add_photo(held_workshop, cast)
    client = client_for(client, cast.user("coach"))
    documentation = client.get(
        reverse("workshops:document", args=[held_workshop.consortium.slug, held_workshop.pk])
    ).content.decode()
    assert f'action="{reverse("workshops:file_delete", args=[item.pk])}"' not in documentation
    page = client.get(reverse("workshops:file_delete", args=[item.pk]))
    assert page.status_code == 200
    assert "lässt sich nicht rückgängig machen" in page.content.decode()
    assert "Endgültig löschen" in page.content.decode()
    assert WorkshopFile.objects.filter(pk=item.pk).exists()
    client.post(reverse("workshops:file_delete", args=[item.pk]))
    assert not WorkshopFile.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_file_delete_confirmation_matrix(client, cast, held_workshop, role):
    item = add_photo(held_workshop, cast)
    response = client_for(client, cast.user(role)).get(
        reverse("workshops:file_delete", args=[item.pk])
    )
    assert response.status_code == {"anonymous": 302, "outsider": 404, "editor": 404}.get(
        role, 200 if role in DOCUMENTERS else 403
    )
    assert WorkshopFile.objects.filter(pk=item.pk).exists()


def test_an_unknown_file_is_a_404_like_a_hidden_one(client, cast):
    client.force_login(cast.user("member"))
    assert client.get(reverse("workshops:file", args=[987654])).status_code == 404


# --- protocol, roadmap, attendance ---------------------------------------------------------


def test_documentation_page_shows_markdown_hint_and_registered_people(client, cast, held_workshop):
    member, core = cast.user("member"), cast.user("core_team")
    register(held_workshop, member)
    register(held_workshop, core, Registration.Status.WAITLISTED)
    client.force_login(cast.user("coach"))

    response = client.get(document_url(held_workshop))

    content = response.content.decode()
    assert "Markdown" in content
    assert "<legend>Fahrplan</legend>" in content
    assert member.profile.display_name in content
    assert core.profile.display_name in content
    assert 'enctype="multipart/form-data"' in content


def test_protocol_markdown_is_sanitised(client, cast, held_workshop):
    client.force_login(cast.user("coach"))

    response = client.post(
        document_url(held_workshop),
        documentation_data(
            protocol="# Ergebnisse\n\n**Leerstand** zuerst.\n\n<script>alert('x')</script>\n\n"
            '<img src=x onerror="alert(1)">'
        ),
    )

    assert response.status_code == 302
    held_workshop.refresh_from_db()
    assert "<strong>Leerstand</strong>" in held_workshop.protocol_html
    assert "<script" not in held_workshop.protocol_html
    assert "<img" not in held_workshop.protocol_html  # raw HTML stays visible text only
    assert held_workshop.documented_at is not None
    page = client.get(held_workshop.get_absolute_url()).content.decode()
    assert "<strong>Leerstand</strong>" in page
    assert "<script>alert('x')</script>" not in page


def test_roadmap_is_saved_and_shown_to_members(client, cast, held_workshop):
    client.force_login(cast.user("coach"))
    rows = [
        {
            "what": "Leerstandskataster teilen",
            "who": "Mölln",
            "due": "2030-03-01",
            "status": "open",
        },
        {"what": "Pop-up-Laden planen", "who": "Kernteam", "due": "", "status": "in_progress"},
    ]

    response = client.post(document_url(held_workshop), documentation_data(roadmap=rows))

    assert response.status_code == 302
    items = list(held_workshop.roadmap.order_by("what"))
    assert [(i.what, i.who, i.due, i.status) for i in items] == [
        ("Leerstandskataster teilen", "Mölln", date(2030, 3, 1), "open"),
        ("Pop-up-Laden planen", "Kernteam", None, "in_progress"),
    ]
    client.force_login(cast.user("member"))
    page = client.get(held_workshop.get_absolute_url()).content.decode()
    assert "Leerstandskataster teilen" in page
    assert "1. März 2030" in page
    assert "in Arbeit" in page
    assert document_url(held_workshop) not in page  # members do not document

    # The form shows the rows again; deleting one removes it.
    client.force_login(cast.user("coach"))
    assert (
        document_url(held_workshop) in client.get(held_workshop.get_absolute_url()).content.decode()
    )
    edit = client.get(document_url(held_workshop)).content.decode()
    assert "Leerstandskataster teilen" in edit
    rows[0]["DELETE"] = "on"
    client.post(document_url(held_workshop), documentation_data(roadmap=rows, initial_rows=2))
    assert list(held_workshop.roadmap.values_list("what", flat=True)) == ["Pop-up-Laden planen"]


def test_incomplete_roadmap_row_keeps_the_input_with_a_german_error(client, cast, held_workshop):
    client.force_login(cast.user("coach"))

    response = client.post(
        document_url(held_workshop),
        documentation_data(
            protocol="Bleibt stehen",
            roadmap=[{"what": "Ohne Zuständige", "who": "", "status": "open"}],
        ),
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert "Dieses Feld muss ausgefüllt werden." in content
    assert "Ohne Zuständige" in content
    assert "Bleibt stehen" in content
    held_workshop.refresh_from_db()
    assert held_workshop.protocol == ""
    assert not held_workshop.roadmap.exists()


def test_attendance_is_recorded_among_registered_people(client, cast, held_workshop):
    member, core = cast.user("member"), cast.user("core_team")
    came = register(held_workshop, member)
    waited = register(held_workshop, core, Registration.Status.WAITLISTED)
    declined = register(held_workshop, cast.user("coach"), Registration.Status.DECLINED)
    client.force_login(cast.user("coach"))

    response = client.post(document_url(held_workshop), documentation_data(present=[member.pk]))

    assert response.status_code == 302
    for registration in (came, waited, declined):
        registration.refresh_from_db()
    assert (came.attended, waited.attended, declined.attended) == (True, False, None)
    client.force_login(member)
    page = client.get(held_workshop.get_absolute_url()).content.decode()
    assert "Dabei waren" in page
    assert member.profile.display_name in page.split("Dabei waren")[1]


def test_attendance_refuses_people_who_were_not_registered(client, cast, held_workshop):
    register(held_workshop, cast.user("member"))
    client.force_login(cast.user("coach"))

    response = client.post(
        document_url(held_workshop), documentation_data(present=[cast.user("outsider").pk])
    )

    assert response.status_code == 400
    assert "Bitte eine gültige Auswahl treffen." in response.content.decode()


# --- files ---------------------------------------------------------------------------------


def test_upload_of_a_photo_and_a_pdf(client, cast, held_workshop):
    client.force_login(cast.user("coach"))
    url = reverse("workshops:upload_files", args=[cast.consortium.slug, held_workshop.pk])

    response = client.post(
        url,
        {
            "dateien-files": [
                upload("rundgang.png", png_bytes(), "image/png"),
                upload("fahrplan.pdf", PDF_BYTES, "application/pdf"),
            ],
            "dateien-caption": "Rundgang am Markt",
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#dateien")
    photo = held_workshop.files.get(original_name="rundgang.png")
    pdf = held_workshop.files.get(original_name="fahrplan.pdf")
    assert (photo.content_type, pdf.content_type) == ("image/png", "application/pdf")
    assert photo.thumbnail and not pdf.thumbnail
    assert photo.caption == "Rundgang am Markt"

    client.force_login(cast.user("member"))
    download = client.get(photo.get_absolute_url())
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("inline")
    assert b"".join(download.streaming_content) == png_bytes()
    assert client.get(pdf.get_absolute_url())["Content-Type"] == "application/pdf"
    thumbnail = client.get(reverse("workshops:file_thumbnail", args=[photo.pk]))
    assert thumbnail.status_code == 200
    assert thumbnail["Content-Type"] == "image/jpeg"
    page = client.get(held_workshop.get_absolute_url()).content.decode()
    assert reverse("workshops:file_thumbnail", args=[photo.pk]) in page
    assert "fahrplan.pdf" in page


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("protokoll.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "kein erlaubter Dateityp"),
        ("foto.pdf", png_bytes(), "passt nicht zum Inhalt"),
    ],
    ids=["program-named-pdf", "image-named-pdf"],
)
def test_a_disguised_file_is_rejected_in_german(
    client, cast, held_workshop, name, content, message
):
    client.force_login(cast.user("coach"))
    url = reverse("workshops:upload_files", args=[cast.consortium.slug, held_workshop.pk])

    response = client.post(
        url, {"dateien-files": [upload(name, content)], "dateien-caption": "Bleibt"}
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert 'value="Bleibt"' in content
    assert not held_workshop.files.exists()


def test_upload_without_a_file_asks_for_one(client, cast, held_workshop):
    client.force_login(cast.user("coach"))
    url = reverse("workshops:upload_files", args=[cast.consortium.slug, held_workshop.pk])

    response = client.post(url, {"dateien-caption": "Nichts"})

    assert response.status_code == 400
    assert "Bitte wählen Sie mindestens eine Datei aus." in response.content.decode()


# --- public summary page -------------------------------------------------------------------


def test_proposing_a_summary_creates_a_draft_for_the_editors(
    client, cast, held_workshop, workshop_index
):
    coach = cast.user("coach")
    photo = add_photo(held_workshop, cast, name="markt.jpg", content=jpeg_with_exif())
    private = add_photo(held_workshop, cast, name="intern.png", caption="Nur intern")
    services.save_roadmap(
        workshop=held_workshop,
        actor=coach,
        entries=[RoadmapEntry(what="Kataster teilen", who="Mölln", due=date(2030, 3, 1))],
    )
    client.force_login(coach)

    response = client.post(
        summary_url(held_workshop),
        {
            "title": "Rückblick: Leerstand als Chance",
            "summary": "Wir haben viel gelernt.\n\n<b>Zweiter</b> Absatz.",
            "include_roadmap": "on",
            "photos": [str(photo.pk)],
        },
        follow=True,
    )

    assert "Redaktion" in response.content.decode()
    page = WorkshopSummaryPage.objects.get(workshop=held_workshop)
    assert not page.live
    assert page.get_parent().pk == workshop_index.pk
    assert page.owner == coach
    assert page.title == "Rückblick: Leerstand als Chance"
    assert "<p>Wir haben viel gelernt.</p>" in page.summary
    assert "&lt;b&gt;Zweiter&lt;/b&gt;" in page.summary
    assert page.roadmap_public
    assert page.get_latest_revision() is not None

    blocks = {block.block_type: block.value for block in page.body}
    assert blocks["next_steps"][0].startswith("Kataster teilen – Mölln, bis 1. März 2030")
    image = blocks["image"]["image"]
    public = ConsortiumEditing.objects.get(consortium=cast.consortium).public_collection
    assert image.collection_id == public.pk
    assert blocks["image"]["alt_text"] == "Stadtrundgang"
    assert [b.block_type for b in page.body].count("image") == 1  # the unchosen photo stays
    assert private.caption not in str(page.body.raw_data)
    # The public copy carries no metadata of the original.
    with image.file.open("rb") as fh:
        copy = Image.open(fh)
        copy.load()
    assert not copy.getexif()

    # Not public while it is a draft.
    client.logout()
    assert client.get("/werkstaetten/").status_code == 200
    assert "Rückblick: Leerstand als Chance" not in client.get("/werkstaetten/").content.decode()


def test_editors_publish_the_summary_and_everyone_can_read_it(
    client, cast, held_workshop, workshop_index
):
    page = cms_services.propose_summary_page(
        workshop=held_workshop,
        actor=cast.user("coach"),
        title="Rückblick Musterstadt",
        summary="Öffentlicher Text.",
        include_roadmap=False,
        photo_ids=[],
    )
    editor = cast.user("editor")
    client.force_login(editor)
    # The editor opens the draft in Wagtail (the workshop is shown, not editable).
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200

    page.get_latest_revision().publish(user=editor)
    client.logout()

    index = client.get("/werkstaetten/").content.decode()
    assert "Rückblick Musterstadt" in index
    summary = client.get(page.url)
    assert summary.status_code == 200
    content = summary.content.decode()
    assert "Öffentlicher Text." in content
    assert held_workshop.host_town.name in content
    assert "Alte Weberei" not in content
    assert "Interne Notizen" not in content


def test_a_second_proposal_is_refused(client, cast, held_workshop, workshop_index):
    coach = cast.user("coach")
    cms_services.propose_summary_page(
        workshop=held_workshop,
        actor=coach,
        title="Erster Vorschlag",
        summary="Text",
        include_roadmap=False,
        photo_ids=[],
    )
    client.force_login(coach)

    form = client.get(summary_url(held_workshop)).content.decode()
    response = client.post(summary_url(held_workshop), {"title": "Zweiter", "summary": "Text"})

    assert "liegt bei der Redaktion" in form
    assert response.status_code == 400
    assert WorkshopSummaryPage.objects.filter(workshop=held_workshop).count() == 1


def test_photos_of_another_workshop_cannot_be_proposed(cast, held_workshop, workshop_index):
    other = make_workshop(cast, title="Andere Werkstatt", days=-40)
    foreign = add_photo(other, cast)

    with pytest.raises(ValidationError) as error:
        cms_services.propose_summary_page(
            workshop=held_workshop,
            actor=cast.user("coach"),
            title="Rückblick",
            summary="Text",
            include_roadmap=False,
            photo_ids=[foreign.pk],
        )

    assert "photo_ids" in error.value.error_dict
    assert not WorkshopSummaryPage.objects.exists()


@pytest.mark.parametrize("held", [True, False], ids=["held", "open"])
@pytest.mark.parametrize("role", ROLES)
def test_only_documenters_may_propose_a_summary(client, cast, workshop_index, role, held):
    workshop = make_workshop(cast, held=held)
    expected = expected_status(role, DOCUMENTERS if held else set())
    client = client_for(client, cast.user(role))

    assert client.get(summary_url(workshop)).status_code == expected
    response = client.post(summary_url(workshop), {"title": "Rückblick", "summary": "Text"})

    assert response.status_code == (302 if expected == 200 else expected)
    assert WorkshopSummaryPage.objects.filter(workshop=workshop).exists() is (expected == 200)


@pytest.mark.parametrize("role", ["member", "outsider", "editor", "anonymous"])
def test_the_service_refuses_everyone_but_documenters(cast, held_workshop, workshop_index, role):
    with pytest.raises(PermissionDenied):
        cms_services.propose_summary_page(
            workshop=held_workshop,
            actor=cast.user(role),
            title="Rückblick",
            summary="Text",
            include_roadmap=False,
            photo_ids=[],
        )


def test_proposal_without_an_index_page_explains_what_is_missing(client, cast, held_workshop):
    client.force_login(cast.user("coach"))

    response = client.post(summary_url(held_workshop), {"title": "Rückblick", "summary": "Text"})

    assert response.status_code == 400
    assert "wenden Sie sich an die Redaktion" in response.content.decode()


# --- public overview -----------------------------------------------------------------------


def test_index_lists_public_announcements_only(client, cast, workshop_index):
    announced = make_workshop(cast, held=False, title="Offene Werkstatt Ortskern", announce=True)
    announced = services.set_status(
        workshop=announced, actor=cast.user("coach"), status=Workshop.Status.OPEN
    )
    member = cast.user("member")
    services.register(workshop=announced, user=member, details=services.RegistrationDetails())
    make_workshop(cast, held=False, title="Geschlossene Runde", days=40)
    make_workshop(cast, title="Vergangene Werkstatt", announce=True)

    response = client.get(workshop_index.url)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Offene Werkstatt Ortskern" in content
    assert announced.host_town.name in content
    assert cast.consortium.name in content
    assert "Geschlossene Runde" not in content
    assert "Vergangene Werkstatt" not in content
    for internal in ("Alte Weberei", "Weberstraße", "Interne Notizen", "Plätze"):
        assert internal not in content
    assert member.profile.display_name not in content
    assert announced.get_absolute_url() not in content


def test_index_query_count_does_not_grow_with_announcements(client, cast, workshop_index):
    def count_queries():
        client.get(workshop_index.url)  # warm caches (site, locale)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(workshop_index.url)
        return len(queries), response.content.decode().count('class="card"')

    make_workshop(cast, held=False, title="Werkstatt 0", announce=True, days=20)
    with_one = count_queries()
    for i in range(1, 6):
        make_workshop(cast, held=False, title=f"Werkstatt {i}", announce=True, days=20 + i)

    assert count_queries() == (with_one[0], 6)
    assert with_one[1] == 1


# --- demo ----------------------------------------------------------------------------------


def test_demo_replaces_the_workshops_placeholder_in_its_place(home_page):
    home = HomePage.objects.get(pk=home_page.pk)
    for slug, title in [("fallstudien", "Fallstudien"), ("werkstaetten", "Transferwerkstätten")]:
        home.add_child(instance=StandardPage(title=title, slug=slug, show_in_menus=True))
    home.add_child(instance=StandardPage(title="Impressum", slug="impressum"))
    created, updated = Counter(), Counter()

    seed_cms_demo(created=created, updated=updated, warn=lambda message: None)

    index = WorkshopIndexPage.objects.get()
    assert (index.slug, index.title, index.live, index.show_in_menus) == (
        "werkstaetten",
        "Transferwerkstätten",
        True,
        True,
    )
    assert not StandardPage.objects.filter(slug="werkstaetten").exists()
    slugs = list(Page.objects.child_of(home).values_list("slug", flat=True))
    assert slugs == ["fallstudien", "handlungsbausteine", "werkstaetten", "impressum"]
    assert updated["cms.StandardPage (Platzhalter ersetzt)"] == 2


def test_demo_keeps_a_workshops_page_that_editors_extended(home_page):
    placeholder = home_page.add_child(
        instance=StandardPage(title="Transferwerkstätten", slug="werkstaetten")
    )
    placeholder.add_child(instance=StandardPage(title="Eigene Unterseite", slug="eigene"))
    warnings = []

    seed_cms_demo(created=Counter(), updated=Counter(), warn=warnings.append)

    assert not WorkshopIndexPage.objects.exists()
    assert StandardPage.objects.filter(slug="werkstaetten").exists()
    assert any("werkstaetten" in message for message in warnings)
