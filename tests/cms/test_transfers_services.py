"""Recording a transfer and what follows: status history, validation, evidence, the origin
town's notifications (and their disappearing when the transfer may no longer be seen)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cms.models import (
    EvidenceKind,
    Transfer,
    TransferNotice,
    TransferStatus,
    TransferVisibility,
)
from cms.transfers import services
from forum.models import Notification, NotificationKind, Role
from forum.notifications import unread_count
from forum.notifications.visibility import is_still_visible, notifications_for
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.cases import add_case_page
from tests.helpers.transfers import adopting

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_staff(cast):
    """Town staff of a town of the other consortium, member there."""
    consortium, town = adopting(cast, "other")
    person = UserFactory(profile__town=town)
    MembershipFactory(user=person, consortium=consortium, role=Role.MEMBER)
    return person


def record(run, actor, source, consortium, town, **fields):
    return run(
        services.record_transfer,
        actor=actor,
        source=source,
        town=town,
        consortium=consortium,
        **fields,
    )


def test_recording_keeps_the_first_status_and_tells_the_origin_town(run, cast, case_site):
    consortium, town = adopting(cast, "own")
    coach = cast.user("coach")
    transfer = record(run, coach, case_site.public_case, consortium, town, notes="Erst testen")
    assert [(h.status, h.changed_by) for h in transfer.history.all()] == [
        (TransferStatus.PLANNED, coach)
    ]
    member = cast.user("member")  # staff of the case page's town
    notification = Notification.objects.get(recipient=member)
    assert notification.kind == NotificationKind.TRANSFER_RECORDED
    assert notification.url == transfer.get_absolute_url()
    assert TransferNotice.objects.get(notification=notification).transfer == transfer
    assert town.name in notification.title
    assert [message.to for message in mail.outbox] == [[member.email]]
    assert not Notification.objects.filter(recipient=coach).exists()


def test_the_origin_town_is_not_told_of_a_transfer_it_may_not_see(
    run, cast, case_site, other_staff
):
    consortium, town = adopting(cast, "other")
    record(
        run,
        other_staff,
        case_site.public_case,
        consortium,
        town,
        visibility=TransferVisibility.INTERNAL,
    )
    assert not Notification.objects.exists()


def test_a_notification_disappears_when_its_transfer_becomes_invisible(
    run, cast, case_site, other_staff
):
    consortium, town = adopting(cast, "other")
    transfer = record(run, other_staff, case_site.public_case, consortium, town)
    member = cast.user("member")
    notification = Notification.objects.get(recipient=member)
    assert list(notifications_for(member)) == [notification]
    assert unread_count(member) == 1

    run(
        services.update_transfer,
        transfer=transfer,
        actor=other_staff,
        started_on=None,
        finished_on=None,
        notes="",
        adaptations="",
        visibility=TransferVisibility.INTERNAL,
    )
    member = type(member).objects.get(pk=member.pk)
    assert list(notifications_for(member)) == []
    assert not is_still_visible(notification)
    assert unread_count(member) == 0

    run(services.delete_transfer, transfer=transfer, actor=other_staff)
    assert not Notification.objects.filter(pk=notification.pk).exists()


def test_status_changes_are_kept_and_told(run, cast, case_site):
    consortium, town = adopting(cast, "own")
    coach = cast.user("coach")
    transfer = record(run, coach, case_site.public_case, consortium, town)
    core = cast.user("core_team")
    run(services.change_transfer_status, transfer=transfer, actor=core, status="in_progress")
    run(
        services.change_transfer_status,
        transfer=transfer,
        actor=coach,
        status="done",
        note="Läuft jetzt dauerhaft",
    )
    transfer.refresh_from_db()
    assert [(h.status, h.changed_by, h.note) for h in transfer.history.all()] == [
        ("planned", coach, ""),
        ("in_progress", core, ""),
        ("done", coach, "Läuft jetzt dauerhaft"),
    ]
    assert transfer.started_on == transfer.finished_on == datetime.date.today()
    kinds = list(
        Notification.objects.filter(recipient=cast.user("member"))
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["transfer_recorded", "transfer_status_changed", "transfer_status_changed"]
    with pytest.raises(ValidationError) as error:
        services.change_transfer_status(transfer=transfer, actor=coach, status="done")
    assert "status" in error.value.message_dict


def test_validation(run, cast, case_site, other_staff):
    consortium, town = adopting(cast, "own")
    coach = cast.user("coach")
    with pytest.raises(ValidationError) as error:
        record(
            run,
            coach,
            case_site.public_case,
            consortium,
            town,
            started_on=datetime.date(2025, 5, 1),
            finished_on=datetime.date(2025, 4, 1),
        )
    assert "finished_on" in error.value.message_dict
    member_town = cast.user("member").profile.town
    with pytest.raises(ValidationError) as error:
        record(run, coach, case_site.public_case, consortium, member_town)
    assert "town" in error.value.message_dict
    record(run, coach, case_site.module, consortium, town)
    with pytest.raises(ValidationError, match="schon übernommen"):
        record(run, coach, case_site.module, consortium, town)
    other_consortium, other_town = adopting(cast, "other")
    with pytest.raises(ValidationError) as error:
        record(run, coach, case_site.public_case, other_consortium, other_town)
    assert "town" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        record(run, other_staff, case_site.internal_case, other_consortium, other_town)
    assert Transfer.objects.count() == 1


def test_a_town_does_not_adopt_its_own_lab(run, cast, case_site):
    member = cast.user("member")
    with pytest.raises(PermissionDenied):
        record(run, member, case_site.public_case, cast.consortium, member.profile.town)


@pytest.fixture
def transfer(run, cast, case_site):
    consortium, town = adopting(cast, "own")
    return record(run, cast.user("coach"), case_site.public_case, consortium, town)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/x", "example.org", "https://"]
)
def test_links_must_be_http_or_https(transfer, cast, url):
    with pytest.raises(ValidationError) as error:
        services.add_evidence(
            transfer=transfer, actor=cast.user("coach"), kind=EvidenceKind.LINK, url=url
        )
    assert "url" in error.value.message_dict


def test_evidence_link_file_and_case_page(transfer, cast, case_site):
    coach = cast.user("coach")
    link = services.add_evidence(
        transfer=transfer, actor=coach, kind="link", url="https://example.org/bericht"
    )
    assert link.url == "https://example.org/bericht"
    with pytest.raises(ValidationError) as error:
        services.add_evidence(
            transfer=transfer,
            actor=coach,
            kind="file",
            upload=SimpleUploadedFile("x.pdf", b"MZ not a pdf", "application/pdf"),
        )
    assert "upload" in error.value.message_dict
    pdf = services.add_evidence(
        transfer=transfer,
        actor=coach,
        kind="file",
        upload=SimpleUploadedFile("bericht.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    )
    assert pdf.content_type == "application/pdf" and pdf.original_name == "bericht.pdf"
    with pytest.raises(ValidationError) as error:
        services.add_evidence(
            transfer=transfer, actor=coach, kind="case_page", case_page=case_site.public_case
        )
    assert "case_page" in error.value.message_dict
    later = add_case_page(
        case_site.consortium_page,
        town=transfer.town,
        title="Unsere Umsetzung",
        visibility="public",
    )
    page_evidence = services.add_evidence(
        transfer=transfer, actor=coach, kind="case_page", case_page=later
    )
    assert page_evidence.case_page == later
    services.remove_evidence(evidence=pdf, actor=coach)
    assert list(transfer.evidence.values_list("pk", flat=True)) == [link.pk, page_evidence.pk]


def test_removing_a_file_deletes_it_after_the_commit(run, transfer, cast):
    coach = cast.user("coach")
    pdf = services.add_evidence(
        transfer=transfer,
        actor=coach,
        kind="file",
        upload=SimpleUploadedFile("bericht.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    )
    name, storage = pdf.file.name, pdf.file.storage
    assert storage.exists(name)
    run(services.remove_evidence, evidence=pdf, actor=coach)
    assert not storage.exists(name)


def test_the_form_keeps_what_was_typed_on_errors(cast, case_site):
    client = Client()
    client.force_login(cast.user("coach"))
    consortium, town = adopting(cast, "own")
    response = client.post(
        f"/uebertragungen/neu/{case_site.public_case.pk}/",
        {
            "town": f"{town.pk}:{consortium.pk}",
            "status": "planned",
            "started_on": "2025-05-01",
            "finished_on": "2025-04-01",
            "adaptations": "Kleinere Räume im Bürgerhaus",
            "visibility": "public",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Das Ende liegt vor dem Beginn." in body
    assert "Kleinere Räume im Bürgerhaus" in body
    assert not Transfer.objects.exists()


def test_recording_through_the_form_and_changing_the_status(cast, case_site):
    client = Client()
    client.force_login(cast.user("coach"))
    consortium, town = adopting(cast, "own")
    response = client.post(
        f"/uebertragungen/neu/{case_site.public_case.pk}/",
        {"town": f"{town.pk}:{consortium.pk}", "status": "planned", "visibility": "public"},
    )
    transfer = Transfer.objects.get()
    assert response.status_code == 302 and response["Location"] == transfer.get_absolute_url()
    bad = client.post(f"/uebertragungen/{transfer.pk}/stand/", {"status": "planned"})
    assert bad.status_code == 400
    assert "Die Übertragung hat diesen Stand schon." in bad.content.decode()
    bad_link = client.post(
        f"/uebertragungen/{transfer.pk}/belege/", {"kind": "link", "url": "javascript:x"}
    )
    assert bad_link.status_code == 400 and "javascript:x" in bad_link.content.decode()
    page = client.get(case_site.public_case.url).content.decode()
    assert "1 Stadt hat das übernommen, 0 umgesetzt" in page


def test_edit_remove_evidence_and_delete_through_the_pages(cast, case_site, transfer):
    coach = cast.user("coach")
    client = Client()
    client.force_login(coach)
    edited = client.post(
        f"/uebertragungen/{transfer.pk}/bearbeiten/",
        {"notes": "Neu", "adaptations": "Anders", "visibility": "internal"},
    )
    assert edited.status_code == 302
    transfer.refresh_from_db()
    assert (transfer.notes, transfer.visibility) == ("Neu", "internal")
    link = services.add_evidence(
        transfer=transfer, actor=coach, kind="link", url="https://example.org/a"
    )
    assert (
        client.get(f"/uebertragungen/{transfer.pk}/belege/{link.pk}/entfernen/").status_code == 200
    )
    removed = client.post(f"/uebertragungen/{transfer.pk}/belege/{link.pk}/entfernen/")
    assert removed.status_code == 302 and not transfer.evidence.exists()

    member = Client()
    member.force_login(cast.user("member"))
    assert member.post(f"/uebertragungen/{transfer.pk}/loeschen/").status_code == 403
    assert client.get(f"/uebertragungen/{transfer.pk}/loeschen/").status_code == 200
    deleted = client.post(f"/uebertragungen/{transfer.pk}/loeschen/")
    assert deleted.status_code == 302 and deleted["Location"] == case_site.public_case.url
    assert not Transfer.objects.exists()
