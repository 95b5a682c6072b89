"""Who sees a transfer: roles × public/internal transfer × public/internal source × recorded in
the own or the other consortium; the rule, the selector, the detail page, its file, the case
page's summary, the town pages and the overview agree."""

import itertools

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from cms import selectors
from cms.models import EvidenceKind, TransferEvidence, TransferNotice
from cms.transfers import selectors as transfer_selectors
from forum.notifications import notify
from forum.rules import allowed
from tests.helpers.transfers import (
    EVERYONE,
    adopting,
    expected_visible,
    make_transfer,
    source_page,
)

pytestmark = pytest.mark.shared_world("case_site")

ROLES = sorted(EVERYONE)
CASES = list(
    itertools.product(
        ROLES, ["public", "internal"], ["public_case", "internal_case", "module"], ["own", "other"]
    )
)


def client_for(user) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


@pytest.fixture
def matrix_transfer(cast, case_site, request):
    role, visibility, source, consortium = request.param
    adopting_consortium, town = adopting(cast, consortium)
    transfer = make_transfer(
        source=source_page(case_site, source),
        town=town,
        consortium=adopting_consortium,
        visibility=visibility,
    )
    expected = expected_visible(role, source=source, visibility=visibility, consortium=consortium)
    return cast.user(role), transfer, expected


@pytest.mark.parametrize("matrix_transfer", CASES, indirect=True, ids="-".join)
def test_rule_selector_and_pages_agree(matrix_transfer, case_site):
    user, transfer, expected = matrix_transfer
    assert allowed(user, "cms.see_transfer", transfer) is expected
    assert selectors.transfers_visible_to(user).filter(pk=transfer.pk).exists() is expected

    response = client_for(user).get(transfer.get_absolute_url())
    if expected:
        assert response.status_code == 200
    elif user.is_authenticated:
        assert response.status_code == 404
    else:
        assert response.status_code == 302 and "/konto/login/" in response["Location"]

    evidence = TransferEvidence(
        transfer=transfer,
        kind=EvidenceKind.FILE,
        original_name="bericht.pdf",
        content_type="application/pdf",
        size=9,
    )
    evidence.file.save("bericht.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    file_response = client_for(user).get(evidence.get_absolute_url())
    if expected:
        assert file_response.status_code == 200
    elif user.is_authenticated:
        assert file_response.status_code == 404
    else:
        assert file_response.status_code == 302

    source = transfer.source
    summary = transfer_selectors.source_context(source, user)["transfer_summary"]
    assert summary["adopted"] == (1 if expected else 0)
    town = transfer_selectors.town_context(transfer.town, user)["transfers_by_us"]
    assert [t.pk for t in town] == ([transfer.pk] if expected else [])
    if transfer.case_page_id:
        origin = transfer_selectors.town_context(transfer.case_page.town, user)
        assert [t.pk for t in origin["transfers_from_us"]] == ([transfer.pk] if expected else [])
    overview = transfer_selectors.overview_context(user)
    assert overview["total"] == (1 if expected else 0)
    assert [t.pk for t in overview["latest"]] == ([transfer.pk] if expected else [])


@pytest.mark.parametrize("role", ROLES)
def test_overview_and_case_page_render_only_visible_transfers(role, cast, case_site):
    own, own_town = adopting(cast, "own")
    other, other_town = adopting(cast, "other")
    make_transfer(source=case_site.public_case, town=other_town, consortium=other)
    make_transfer(
        source=case_site.public_case, town=own_town, consortium=own, visibility="internal"
    )
    user = cast.user(role)
    client = client_for(user)
    overview = client.get("/uebertragungen/")
    assert overview.status_code == 200
    case = client.get(case_site.public_case.url)
    assert case.status_code == 200
    body = case.content.decode()
    sees_internal = role in {"member", "coach", "core_team", "editor", "admin"}
    assert (own_town.name in body) is sees_internal
    assert other_town.name in body
    count = 2 if sees_internal else 1
    assert f"<dt>Übertragungen</dt><dd>{count}</dd>" in overview.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_who_may_record_from_a_public_case_page(role, cast, case_site):
    """Town staff of a consortium's town, its coaches and core team, admins; nobody for their
    own town's lab."""
    user = cast.user(role)
    may = allowed(user, "cms.record_transfer", case_site.public_case)
    choices = transfer_selectors.recording_choices(user, case_site.public_case)
    member_town = cast.user("member").profile.town_id
    assert all(not value.startswith(f"{member_town}:") for value, _label in choices)
    expected_record = {"coach", "core_team", "admin"}
    assert may is (role in expected_record)
    response = client_for(user).get(f"/uebertragungen/neu/{case_site.public_case.pk}/")
    if role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if may else 403)


def test_recording_from_an_internal_case_page_is_hidden_from_outsiders(cast, case_site):
    response = client_for(cast.user("outsider")).get(
        f"/uebertragungen/neu/{case_site.internal_case.pk}/"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("visibility", ["public", "internal"])
def test_who_may_change_and_delete(role, visibility, cast, case_site):
    own, town = adopting(cast, "own")
    recorder = cast.user("coach")
    transfer = make_transfer(
        source=case_site.module, town=town, consortium=own, visibility=visibility, by=recorder
    )
    user = cast.user(role)
    changes = role in {"coach", "core_team", "admin"}
    assert allowed(user, "cms.edit_transfer", transfer) is changes
    assert allowed(user, "cms.remove_transfer", transfer) is changes
    response = client_for(user).post(
        f"/uebertragungen/{transfer.pk}/stand/", {"status": "in_progress", "note": ""}
    )
    if changes:
        assert response.status_code == 302
    elif role == "anonymous":
        assert response.status_code == 302 and "/konto/login/" in response["Location"]
    else:
        visible = visibility == "public" or role in {"member", "editor"}
        assert response.status_code == (403 if visible else 404)


@pytest.mark.parametrize("matrix_transfer", CASES, indirect=True, ids="-".join)
def test_a_notification_about_a_transfer_is_shown_as_the_rule_says(matrix_transfer):
    """The notification side (``visible_notices_q``, which asks about editors in SQL) agrees
    with ``cms.see_transfer``."""
    from forum.models import Notification
    from forum.notifications.visibility import notifications_for

    user, transfer, expected = matrix_transfer
    if not user.is_authenticated:
        return
    [notification] = notify(
        kind="transfer_recorded", recipient_ids=[user.pk], title="Übernahme", url="/"
    )
    TransferNotice.objects.create(notification=notification, transfer=transfer)
    assert Notification.objects.filter(recipient=user).count() == 1
    assert [n.pk for n in notifications_for(user)] == ([notification.pk] if expected else [])
