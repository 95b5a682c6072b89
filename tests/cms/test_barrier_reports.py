""" "Barriere melden": the public form, the report's way to the editors, and their answer."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cms import services
from cms import wagtail_hooks as cms_hooks
from cms.models import BarrierReport
from forum.models import Delivery, Notification, NotificationKind, NotificationPreference
from forum.rules import allowed
from tests.factories import UserFactory, make_editor
from tests.helpers.cast import ROLES, client_for

URL = "/barriere-melden/"


@pytest.fixture
def editors(cast):
    """The cast's editor and admin, a second editor who wants no email, and an inactive one."""
    quiet = UserFactory()
    make_editor(quiet)
    NotificationPreference.objects.create(
        user=quiet, kind=NotificationKind.BARRIER_REPORT, delivery=Delivery.IN_APP
    )
    gone = UserFactory(is_active=False)
    make_editor(gone)
    return {"editor": cast.user("editor"), "admin": cast.user("admin"), "quiet": quiet}


def _submit(client, captured, **data):
    fields = {
        "page_url": "/fallstudien/",
        "description": "Der Filter lässt sich nicht mit der Tastatur bedienen.",
        "assistive_technology": "NVDA",
        "name": "Erika Muster",
        "wants_answer": "on",
        "email": "erika@example.org",
        **data,
    }
    with captured(execute=True):
        return client.post(URL, fields)


def test_anonymous_report_is_stored_and_reaches_every_editor(
    client, editors, django_capture_on_commit_callbacks
):
    response = _submit(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("cms:barrier_report_sent")
    report = BarrierReport.objects.get()
    assert report.status == BarrierReport.Status.NEW
    assert report.page_url == "/fallstudien/"
    assert report.assistive_technology == "NVDA"
    assert report.email == "erika@example.org"

    notified = Notification.objects.filter(kind=NotificationKind.BARRIER_REPORT)
    assert {n.recipient for n in notified} == set(editors.values())
    assert notified.first().url == reverse(
        "wagtailsnippets_cms_barrierreport:edit", args=[report.pk]
    )

    recipients = sorted(message.to[0] for message in mail.outbox)
    # The editors who want email at once, and the sender's receipt; not the quiet editor.
    assert recipients == sorted(
        [editors["editor"].email, editors["admin"].email, "erika@example.org"]
    )
    receipt = next(m for m in mail.outbox if m.to == ["erika@example.org"])
    assert "eingegangen" in receipt.subject
    assert "Guten Tag Erika Muster" in receipt.body
    assert "Tastatur" in receipt.body


def test_report_without_address_sends_no_receipt(
    client, editors, django_capture_on_commit_callbacks
):
    _submit(client, django_capture_on_commit_callbacks, name="", email="", wants_answer="")
    assert BarrierReport.objects.get().email == ""
    assert all(message.to[0] != "" for message in mail.outbox)
    assert len(mail.outbox) == 2  # the two editors who want email


def test_the_form_is_prefilled_from_seite_or_our_own_referer(client, db):
    content = client.get(URL + "?seite=/impressum/").content.decode()
    assert 'value="/impressum/"' in content
    content = client.get(URL, HTTP_REFERER="http://testserver/werkstaetten/?x=1").content.decode()
    assert 'value="/werkstaetten/?x=1"' in content
    content = client.get(URL, HTTP_REFERER="https://elsewhere.example/seite/").content.decode()
    assert "elsewhere" not in content


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"description": ""}, "description", "Bitte beschreiben Sie die Barriere."),
        ({"email": ""}, "email", "Für eine Antwort brauchen wir Ihre E-Mail-Adresse."),
        ({"email": "kein-at"}, "email", "Bitte geben Sie eine gültige E-Mail-Adresse an."),
        ({"description": "\u200b\u200b"}, "description", "Bitte geben Sie sichtbaren Text ein."),
    ],
)
def test_errors_keep_what_was_typed_and_store_nothing(
    client, db, django_capture_on_commit_callbacks, data, field, message
):
    response = _submit(client, django_capture_on_commit_callbacks, **data)
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert "NVDA" in content and "Erika Muster" in content
    assert BarrierReport.objects.count() == 0
    assert mail.outbox == []


def test_filled_trap_field_is_thanked_but_stored_nowhere(
    client, editors, django_capture_on_commit_callbacks
):
    response = _submit(client, django_capture_on_commit_callbacks, website="http://spam.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("cms:barrier_report_sent")
    assert BarrierReport.objects.count() == 0
    assert not Notification.objects.filter(kind=NotificationKind.BARRIER_REPORT).exists()
    assert mail.outbox == []


@override_settings(BARRIER_REPORT_RATE_LIMIT="2/h/ip")
def test_too_many_reports_from_one_address_are_refused_clearly(
    client, db, django_capture_on_commit_callbacks
):
    cache.clear()
    for _ in range(2):
        assert _submit(client, django_capture_on_commit_callbacks).status_code == 302
    response = _submit(client, django_capture_on_commit_callbacks, description="Die dritte")
    assert response.status_code == 429
    content = response.content.decode()
    assert "Von Ihrem Anschluss kamen gerade viele Meldungen" in content
    assert "Die dritte" in content
    assert BarrierReport.objects.count() == 2
    # Another address is not affected.
    other = _submit(client.__class__(REMOTE_ADDR="192.0.2.9"), django_capture_on_commit_callbacks)
    assert other.status_code == 302
    cache.clear()


def _report(**extra) -> BarrierReport:
    fields = {"description": "Kontrast zu gering", "email": "erika@example.org", "name": "Erika"}
    return BarrierReport.objects.create(**{**fields, **extra})


def test_answer_is_emailed_to_the_sender_once(cast, django_capture_on_commit_callbacks):
    report = _report()
    editor = cast.user("editor")
    with django_capture_on_commit_callbacks(execute=True):
        services.handle_barrier_report(
            report=report, actor=editor, status="done", answer="Ist behoben, danke!"
        )
    report.refresh_from_db()
    assert report.status == BarrierReport.Status.DONE
    assert report.done_at is not None and report.answered_at is not None
    [message] = mail.outbox
    assert message.to == ["erika@example.org"]
    assert "Ist behoben, danke!" in message.body
    assert "Kontrast zu gering" in message.body
    # Saving again with the same answer sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        services.handle_barrier_report(
            report=report, actor=editor, status="done", answer="Ist behoben, danke!"
        )
    assert len(mail.outbox) == 1


def test_answer_to_a_report_without_address_is_refused(cast):
    report = _report()
    report.email = ""
    report.save()
    with pytest.raises(Exception, match="keine E-Mail-Adresse"):
        services.handle_barrier_report(
            report=report, actor=cast.user("editor"), status="done", answer="Danke"
        )


def test_only_editors_and_admins_may_handle_reports_in_the_service(cast):
    report = _report()
    with pytest.raises(PermissionDenied):
        services.handle_barrier_report(
            report=report, actor=cast.user("core_team"), status="done", answer=""
        )


def test_answered_reports_are_removed_after_the_period_open_ones_kept(db):
    now = timezone.now()
    old_done = _report(status="done", done_at=now - timedelta(days=200))
    recent_done = _report(status="done", done_at=now - timedelta(days=10))
    old_open = _report(status="in_progress", created_at=now - timedelta(days=400))
    removed = services.remove_answered_barrier_reports(before=now - timedelta(days=180))
    assert removed == 1
    assert set(BarrierReport.objects.values_list("pk", flat=True)) == {
        recent_done.pk,
        old_open.pk,
    }
    assert not BarrierReport.objects.filter(pk=old_done.pk).exists()


# --- who sees the reports in the admin -------------------------------------------------------

HANDLES = {"editor", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_for_the_reports_in_the_admin(client, cast, role):
    report = _report()
    user = cast.user(role)
    client_for(client, user)
    index = client.get(reverse("wagtailsnippets_cms_barrierreport:list"))
    edit = client.get(reverse("wagtailsnippets_cms_barrierreport:edit", args=[report.pk]))
    add = client.get(reverse("wagtailsnippets_cms_barrierreport:add"))

    assert allowed(user, "cms.handle_barrier_reports") is (role in HANDLES)
    if role == "anonymous":
        assert index.status_code == edit.status_code == 302
    elif role in HANDLES:
        assert index.status_code == edit.status_code == 200
        assert "Kontrast zu gering" in index.content.decode()
        # Reports come in through the public form only.
        assert add.status_code in (302, 403)
    else:
        assert index.status_code in (302, 403, 404)
        assert edit.status_code in (302, 403, 404)
        assert "Kontrast zu gering" not in edit.content.decode()


def test_editor_answers_in_the_admin_through_the_service(
    client, cast, django_capture_on_commit_callbacks
):
    report = _report()
    client_for(client, cast.user("editor"))
    url = reverse("wagtailsnippets_cms_barrierreport:edit", args=[report.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"status": "in_progress", "answer": "Wir prüfen das."})
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.status == "in_progress"
    assert report.answer == "Wir prüfen das."
    assert [m.to for m in mail.outbox] == [["erika@example.org"]]
    assert report.description == "Kontrast zu gering"


def test_bulk_deletion_in_the_admin_runs_the_delete_service(client, cast, monkeypatch):
    reports = [_report(), _report()]
    deleted = []
    real = services.delete_barrier_report

    def recording(**kwargs):
        deleted.append(kwargs["report"].pk)
        return real(**kwargs)

    monkeypatch.setattr(cms_hooks, "delete_barrier_report", recording)
    client_for(client, cast.user("editor"))
    url = (
        reverse("wagtail_bulk_action", args=["cms", "barrierreport", "delete"])
        + "?"
        + "&".join(f"id={report.pk}" for report in reports)
    )
    response = client.post(url)
    assert response.status_code == 302
    assert sorted(deleted) == sorted(report.pk for report in reports)
    assert not BarrierReport.objects.exists()


def test_an_answer_without_address_is_refused_in_the_admin_keeping_the_input(client, cast):
    report = _report(email="")
    client_for(client, cast.user("editor"))
    url = reverse("wagtailsnippets_cms_barrierreport:edit", args=[report.pk])
    response = client.post(url, {"status": "done", "answer": "Danke für den Hinweis"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "keine E-Mail-Adresse" in content
    assert "Danke für den Hinweis" in content
    report.refresh_from_db()
    assert report.status == "new" and report.answer == ""


def test_the_retention_command_removes_reports_done_before_the_period(db, settings):
    now = timezone.now()
    cutoff = now - timedelta(days=settings.BARRIER_REPORT_DAYS)
    outside = _report(status="done", done_at=cutoff - timedelta(minutes=1))
    inside = _report(status="done", done_at=cutoff + timedelta(minutes=1))
    still_open = _report(status="new", created_at=cutoff - timedelta(days=30))
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert set(BarrierReport.objects.values_list("pk", flat=True)) == {inside.pk, still_open.pk}
    assert not BarrierReport.objects.filter(pk=outside.pk).exists()
    assert "barrier_reports: 1" in out.getvalue().splitlines()
