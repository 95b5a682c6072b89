""" "Meine Daten": a person with data in every area requests an export, the task builds it, and
the ZIP holds each documented file with exactly its keys, their files' bytes and nothing of
other people. Only the owner opens it, for DATA_EXPORT_VALID_DAYS days; one at a time."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cms import services as cms_services
from cms.models import LabCasePage
from cms.surveys.models import Answer
from cms.surveys.services import results as survey_results
from forum import notifications
from forum import services as forum_services
from forum.models import DataExport, Membership, Notification, NotificationKind, Role
from forum.privacy import export as data_export
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.helpers.surveys import add_responses, make_survey
from tests.helpers.workshops import make_workshop
from workshops import services as workshop_services
from workshops.models import Workshop
from workshops.services import RegistrationDetails

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% Bericht aus dem Rathaus\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PHOTO_PDF = b"%PDF-1.4\n% Fotoprotokoll\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def rows(archive: zipfile.ZipFile, name: str) -> list[dict]:
    return json.loads(archive.read(f"{name}.json"))


def documented_keys(name: str) -> set[str]:
    return {section.name: set(section.keys) for section in data_export.sections()}[name]


def test_export_holds_every_area_with_documented_keys(run, cast, forum, home_page):
    coach = cast.user("coach")  # has a TOTP authenticator, as every manager
    member = cast.user("member")
    reply = run(
        forum_services.post_reply,
        topic=forum.closed_topic,
        author=coach,
        body="Unser Bericht, erste Fassung.",
        uploads=[SimpleUploadedFile("Bericht Rathaus.pdf", PDF, content_type="application/pdf")],
    )
    forum_services.edit_post(post=reply, editor=coach, body="Unser Bericht, zweite Fassung.")
    run(
        forum_services.create_topic,
        space=forum.closed,
        author=coach,
        title="Eigene Frage",
        body="Wer hat Erfahrung damit?",
    )
    forum_services.toggle_helpful(post=forum.closed_post, user=coach)
    forum_services.report_post(post=forum.closed_post, reporter=coach, reason="Doppelt gepostet")
    run(forum_services.post_reply, topic=forum.closed_topic, author=member, body="Danke!")
    notifications.set_preferences(user=coach, deliveries={NotificationKind.NEW_TOPIC: "weekly"})
    notifications.set_space_level(user=coach, space=forum.closed, level="all")
    run(
        forum_services.invite_member,
        consortium=cast.consortium,
        inviter=coach,
        email="neu@example.org",
        role=Role.MEMBER,
        town=cast.consortium.lead_town,
    )
    workshop = make_workshop(cast)
    workshop_services.register(
        workshop=workshop,
        user=coach,
        details=RegistrationDetails(dietary_needs="vegan, ohne Nüsse", remarks="Komme später"),
    )
    workshop_services.add_idea(workshop=workshop, actor=coach, text="Leerstand als Labor")
    feed = workshop_services.calendar_feed_for(user=coach)
    held = make_workshop(cast, status=Workshop.Status.HELD)
    workshop_services.add_files(
        workshop=held,
        actor=coach,
        uploads=[SimpleUploadedFile("foto.pdf", PHOTO_PDF, content_type="application/pdf")],
    )
    consortium_page = cms_services.create_consortium_page(
        consortium=cast.consortium, parent=home_page
    )
    case_page = cms_services.convert_topic_to_case_page(
        topic=forum.closed_topic,
        actor=cast.user("core_team"),
        post_ids=[reply.pk],
        title="Co-Working im Rathaus",
        town=cast.consortium.lead_town,
        parent=consortium_page,
    )
    forum_services.propose_share(
        topic=forum.closed_topic,
        proposer=coach,
        post_ids=[reply.pk],
        target=forum.academy,
        note="Für alle interessant",
    )
    # A survey the coach created, with a free-text answer they hid.
    built = make_survey(cast.consortium, created_by=coach)
    add_responses(built, 1)
    survey_results.hide_answer(answer=Answer.objects.get(question=built.wish), actor=coach)
    # Named as the draft's contact person (the admin form checks consent; not the point here).
    LabCasePage.objects.filter(pk=case_page.pk).update(contact_person=coach)
    mail.outbox.clear()

    client = signed_in(coach)
    with_tasks = run(client.post, path=reverse("forum:data_export"))
    assert with_tasks.status_code == 302
    export = DataExport.objects.get(user=coach)
    assert export.status == DataExport.Status.READY
    assert export.expires_at == export.finished_at + timedelta(days=7)
    ready = Notification.objects.get(recipient=coach, kind=NotificationKind.DATA_EXPORT_READY)
    assert ready.url == reverse("forum:data_export")
    [email] = [m for m in mail.outbox if coach.email in m.to]
    assert email.subject.endswith(ready.title)
    assert "/konto/meine-daten/" in email.body

    page = client.get(reverse("forum:data_export"))
    assert "Export herunterladen" in page.content.decode()
    response = client.get(export.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = open_zip(response)

    expected_counts = {
        "konto": 1,
        "profil": 1,
        "email_adressen": 1,
        "zwei_faktor": 1,
        "mitgliedschaften": 1,
        # The reply, the topic "Eigene Frage" and the discussions of the two workshops the
        # coach created, each with its opening post.
        "beitraege": 4,
        "diskussionen": 3,
        "anhaenge": 1,
        "hilfreich_markiert": 1,
        "abonnements": 4,
        "lesepositionen": 4,
        "meldungen": 1,
        "benachrichtigungen": 1,
        "benachrichtigungs_einstellungen": len(NotificationKind),
        "bereichs_einstellungen": 1,
        "einladungen": 1,
        "anmeldungen": 1,
        "ideenkarten": 1,
        "werkstatt_dateien": 1,
        "kalender": 1,
        "zitate_in_fallstudien": 1,
        "teilen_vorschlaege": 1,
        "teilen_zustimmungen": 1,
        # Contact requests and conversations: tests/cms/test_contact_requests.py and
        # tests/forum/test_conversations.py.
        "unterhaltungen": 0,
        "nachrichten": 0,
        "blockierte_personen": 0,
        "kontaktanfragen_gestellt": 0,
        "kontaktanfragen_erhalten": 0,
        # Transfers have their own test (tests/cms/test_transfers_privacy.py).
        "uebertragungen": 0,
        "uebertragungen_verlauf": 0,
        "uebertragungen_belege": 0,
        "ansprechperson_fuer_fallstudien": 1,
        "befragungen": 1,
        "befragungen_ausgeblendete_antworten": 1,
    }
    assert {section.name for section in data_export.sections()} == set(expected_counts)
    for name, count in expected_counts.items():
        found = rows(archive, name)
        assert len(found) == count, name
        for row in found:
            assert set(row) == documented_keys(name), name

    [account] = rows(archive, "konto")
    assert account["username"] == coach.username
    assert [a["type"] for a in rows(archive, "zwei_faktor")] == ["totp"]
    assert "secret" not in archive.read("zwei_faktor.json").decode()
    posts = {p["post_id"]: p for p in rows(archive, "beitraege")}
    assert posts[reply.pk]["body"] == "Unser Bericht, zweite Fassung."
    assert [r["body"] for r in posts[reply.pk]["revisions"]] == ["Unser Bericht, erste Fassung."]
    assert posts[reply.pk]["topic_title"] is None  # the member started that topic
    [attachment] = rows(archive, "anhaenge")
    assert archive.read(attachment["file"]) == PDF
    [upload] = rows(archive, "werkstatt_dateien")
    assert archive.read(upload["file"]) == PHOTO_PDF
    assert rows(archive, "hilfreich_markiert")[0]["post_id"] == forum.closed_post.pk
    [registration] = rows(archive, "anmeldungen")
    assert registration["dietary_needs"] == "vegan, ohne Nüsse"
    assert registration["remarks"] == "Komme später"
    assert rows(archive, "ideenkarten")[0]["text"] == "Leerstand als Labor"
    assert rows(archive, "einladungen")[0]["email"] == "neu@example.org"
    assert rows(archive, "zitate_in_fallstudien")[0]["post_id"] == reply.pk
    assert rows(archive, "ansprechperson_fuer_fallstudien")[0]["page_id"] == case_page.pk
    assert rows(archive, "profil")[0]["accepts_contact_requests"] is False
    preferences = {p["kind"]: p for p in rows(archive, "benachrichtigungs_einstellungen")}
    assert preferences[NotificationKind.NEW_TOPIC] == {
        "kind": "new_topic",
        "delivery": "weekly",
        "chosen": True,
    }
    assert feed.token not in archive.read("kalender.json").decode()
    readme = archive.read("README.txt").decode()
    for section in data_export.sections():
        assert section.filename in readme
        assert all(f"  {key}: " in readme for key in section.keys)


def test_export_of_a_removed_member_holds_their_posts_there_and_nothing_else(run, cast, forum):
    member = cast.user("member")
    other = UserFactory()
    MembershipFactory(user=other, consortium=cast.consortium, role=Role.MEMBER)
    run(
        forum_services.post_reply,
        topic=forum.closed_topic,
        author=other,
        body="Vertraulich: Der Haushalt von Kleinwalde ist gesperrt.",
    )
    secret_topic = run(
        forum_services.create_topic,
        space=forum.closed,
        author=other,
        title="Geheime Sitzungsplanung",
        body="Nur für den Verbund: Termin am Montag.",
    )
    run(
        forum_services.post_reply,
        topic=secret_topic,
        author=member,
        body="Mein eigener Beitrag bleibt meiner.",
    )
    assert Notification.objects.filter(recipient=member).exists()
    forum_services.remove_member(
        membership=Membership.objects.get(user=member, consortium=cast.consortium),
        actor=cast.user("coach"),
    )

    run(data_export.request_data_export, user=member)
    export = DataExport.objects.get(user=member)
    archive = open_zip(signed_in(member).get(export.get_absolute_url()))

    everything = "".join(archive.read(name).decode() for name in archive.namelist())
    assert "Mein eigener Beitrag bleibt meiner." in everything
    assert "Wie war es bei euch?" in everything  # their own first post of their own topic
    assert "Co-Working im Rathaus" in everything  # the title of the topic they started
    for others in (
        "Vertraulich",
        "Kleinwalde",
        "Geheime Sitzungsplanung",
        "Termin am Montag",
        cast.consortium.name,
        forum.closed.name,
    ):
        assert others not in everything
    assert rows(archive, "benachrichtigungen") == []


@pytest.mark.parametrize("role", ["outsider", "member", "coach", "core_team", "editor", "admin"])
def test_only_the_owner_opens_an_export(run, cast, role):
    owner = UserFactory()
    run(data_export.request_data_export, user=owner)
    url = DataExport.objects.get(user=owner).get_absolute_url()
    assert signed_in(cast.user(role)).get(url).status_code == 404
    assert signed_in(owner).get(url).status_code == 200


@pytest.mark.parametrize("role", ["outsider", "member", "coach", "core_team", "editor", "admin"])
def test_every_role_sees_only_its_own_export_on_the_page(
    run, cast, role, django_capture_on_commit_callbacks
):
    owner = UserFactory()
    run(data_export.request_data_export, user=owner)
    someone_elses = DataExport.objects.get(user=owner).get_absolute_url()
    client = signed_in(cast.user(role))
    page = client.get(reverse("forum:data_export"))
    assert page.status_code == 200
    assert "Sie haben noch keinen Export angefordert." in page.content.decode()
    assert someone_elses not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("forum:data_export"))
    assert DataExport.objects.filter(user=owner).count() == 1
    own = DataExport.objects.get(user=cast.user(role))
    assert own.get_absolute_url() in client.get(reverse("forum:data_export")).content.decode()


def test_anonymous_is_sent_to_login(run):
    owner = UserFactory()
    run(data_export.request_data_export, user=owner)
    for url in (
        reverse("forum:data_export"),
        DataExport.objects.get(user=owner).get_absolute_url(),
    ):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_an_expired_export_gives_a_message_and_no_file(run):
    owner = UserFactory()
    run(data_export.request_data_export, user=owner)
    export = DataExport.objects.get(user=owner)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    client = signed_in(owner)
    response = client.get(export.get_absolute_url(), follow=True)
    text = response.content.decode()
    assert response.redirect_chain == [(reverse("forum:data_export"), 302)]
    assert "Der Link zu Ihrem Export ist abgelaufen" in text
    assert "Export herunterladen" not in text
    assert "Neuen Export anfordern" in text


def test_a_second_request_while_one_is_pending_is_refused(cast):
    owner = UserFactory()
    client = signed_in(owner)
    client.post(reverse("forum:data_export"))  # the task is left for after a commit
    response = client.post(reverse("forum:data_export"), follow=True)
    text = response.content.decode()
    assert "Ihr Export wird gerade erstellt" in text
    assert "Er wird gleich erstellt" in text
    assert DataExport.objects.filter(user=owner).count() == 1
    DataExport.objects.filter(user=owner).update(started_at=timezone.now())
    with pytest.raises(ValidationError):
        data_export.request_data_export(user=owner)


def test_an_export_lost_for_a_day_can_be_requested_again(run):
    owner = UserFactory()
    DataExport.objects.create(
        user=owner, requested_at=timezone.now() - timedelta(days=1), started_at=timezone.now()
    )
    page = signed_in(owner).get(reverse("forum:data_export")).content.decode()
    assert "Fehler aufgetreten" in page
    run(data_export.request_data_export, user=owner)
    assert DataExport.objects.get(user=owner).status == DataExport.Status.READY


def test_a_finished_export_is_replaced_by_a_new_request(run):
    owner = UserFactory()
    run(data_export.request_data_export, user=owner)
    first = DataExport.objects.get(user=owner)
    storage, name = first.file.storage, first.file.name
    assert storage.exists(name)
    run(data_export.request_data_export, user=owner)
    second = DataExport.objects.get(user=owner)
    assert second.pk != first.pk
    assert second.status == DataExport.Status.READY
    assert not storage.exists(name)


def test_a_failed_build_can_be_tried_again(run, monkeypatch):
    owner = UserFactory()

    def broken(user, handle):
        raise OSError("disk full")

    monkeypatch.setattr(data_export, "write_zip", broken)
    run(data_export.request_data_export, user=owner)
    export = DataExport.objects.get(user=owner)
    assert export.status == DataExport.Status.FAILED
    client = signed_in(owner)
    page = client.get(reverse("forum:data_export")).content.decode()
    assert "Fehler aufgetreten" in page
    assert "Neuen Export anfordern" in page
    assert not Notification.objects.filter(recipient=owner).exists()


def test_the_page_without_an_export_explains_what_is_inside():
    owner = UserFactory()
    response = signed_in(owner).get(reverse("forum:data_export"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Sie haben noch keinen Export angefordert." in text
    assert "beitraege.json" in text
    assert 'aria-current="page"' in text


def test_password_of_test_users_is_not_in_the_export(run):
    owner = UserFactory()
    run(data_export.request_data_export, user=owner)
    archive = open_zip(signed_in(owner).get(DataExport.objects.get(user=owner).get_absolute_url()))
    everything = "".join(archive.read(name).decode() for name in archive.namelist())
    assert PASSWORD not in everything
    assert owner.password not in everything


def test_an_export_deleted_while_it_is_built_leaves_no_file(monkeypatch):
    owner = UserFactory()
    export = data_export.request_data_export(user=owner)  # the task is left for later
    written = data_export.write_zip

    def delete_meanwhile(user, handle):
        written(user, handle)
        DataExport.objects.filter(pk=export.pk).delete()

    monkeypatch.setattr(data_export, "write_zip", delete_meanwhile)
    storage = DataExport._meta.get_field("file").storage
    before = set(storage.listdir("exports")[1]) if storage.exists("exports") else set()
    assert data_export.build_data_export.call(export.pk) == "gone"
    assert set(storage.listdir("exports")[1]) == before
    assert not Notification.objects.filter(recipient=owner).exists()


def test_an_export_whose_file_is_gone_answers_404_not_500(run):
    owner = UserFactory()
    run(data_export.request_data_export, user=owner)
    export = DataExport.objects.get(user=owner)
    export.file.storage.delete(export.file.name)
    assert signed_in(owner).get(export.get_absolute_url()).status_code == 404
    assert signed_in(owner).put(reverse("forum:data_export")).status_code == 405
