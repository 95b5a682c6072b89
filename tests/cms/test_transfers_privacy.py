"""A person's transfers in their data export, and what erasing their account leaves."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cms.models import Transfer, TransferEvidence, TransferStatusChange
from cms.transfers import privacy, services
from forum.models import Role
from forum.privacy.erasure import FORMER_MEMBER_USERNAME, erase_person
from forum.privacy.export import sections
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.transfers import adopting

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% Bericht\n%%EOF\n"


@pytest.fixture
def recorded(run, cast, case_site):
    consortium, town = adopting(cast, "other")
    person = UserFactory(profile__town=town, profile__display_name="Rike Recorder")
    MembershipFactory(user=person, consortium=consortium, role=Role.MEMBER)
    transfer = run(
        services.record_transfer,
        actor=person,
        source=case_site.public_case,
        town=town,
        consortium=consortium,
        notes="Rike Recorder fragt beim Bauhof nach.",
    )
    run(
        services.change_transfer_status,
        transfer=transfer,
        actor=person,
        status="in_progress",
        note="Start mit Rike Recorder",
    )
    services.add_evidence(
        transfer=transfer,
        actor=person,
        kind="file",
        upload=SimpleUploadedFile("bericht.pdf", PDF, "application/pdf"),
    )
    services.add_evidence(
        transfer=transfer, actor=person, kind="link", url="https://example.org/presse"
    )
    return person, transfer


def test_export_sections_hold_what_the_person_recorded(recorded, cast):
    person, transfer = recorded
    names = {section.name for section in sections()}
    assert {"uebertragungen", "uebertragungen_verlauf", "uebertragungen_belege"} <= names
    [row] = privacy.recorded_transfers(person)
    assert row["transfer_id"] == transfer.pk and row["notes"].startswith("Rike Recorder")
    assert [r["status"] for r in privacy.status_changes(person)] == ["planned", "in_progress"]
    evidence = privacy.evidence(person)
    assert [e["kind"] for e in evidence] == ["file", "link"]
    with evidence[0]["file"].file.open("rb") as handle:
        assert handle.read() == PDF
    for section in sections():
        if section.name.startswith("uebertragungen"):
            for found in section.collect(person):
                assert set(found) == set(section.keys)
    assert privacy.recorded_transfers(cast.user("member")) == []


@pytest.mark.parametrize("delete_posts", [False, True])
def test_erasure_keeps_the_record_without_the_person(run, recorded, delete_posts):
    person, transfer = recorded
    file_item = TransferEvidence.objects.get(kind="file")
    name, storage = file_item.file.name, file_item.file.storage
    run(erase_person, person=person, delete_posts=delete_posts, actor=person)
    transfer = Transfer.objects.get(pk=transfer.pk)
    assert transfer.recorded_by.username == FORMER_MEMBER_USERNAME
    assert "Rike Recorder" not in transfer.notes
    assert {c.changed_by.username for c in TransferStatusChange.objects.all()} == {
        FORMER_MEMBER_USERNAME
    }
    assert "Rike Recorder" not in TransferStatusChange.objects.last().note
    kinds = sorted(TransferEvidence.objects.values_list("kind", flat=True))
    if delete_posts:
        assert kinds == ["link"]
        assert not storage.exists(name)
    else:
        assert kinds == ["file", "link"]
        assert storage.exists(name)
    assert {e.added_by.username for e in TransferEvidence.objects.all()} == {FORMER_MEMBER_USERNAME}
