"""Pages of the transfer tracking: the overview, recording a transfer from a case page or
action module, its page with history and evidence, and the forms on it. Thin: the policy and
the services decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from wagtail.models import Page

from forum import rules as policy
from forum import uploads
from forum.forms import add_service_errors, posted
from forum.models import Consortium, Town

from .. import rules as cms_rules
from ..models import ActionModulePage, LabCasePage, TransferStatus
from . import selectors, services
from .forms import EditTransferForm, EvidenceForm, RecordTransferForm, StatusForm

# What the status form offers first: the usual next step.
NEXT_STATUS = {
    TransferStatus.PLANNED: TransferStatus.IN_PROGRESS,
    TransferStatus.IN_PROGRESS: TransferStatus.DONE,
}


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "cms/transfers/overview.html", selectors.overview_context(request.user))


def _source(request: HttpRequest, page_id: int) -> LabCasePage | ActionModulePage:
    page = Page.objects.live().filter(pk=page_id).first()
    source = page.specific if page is not None else None
    if not cms_rules.source_is_readable(request.user, source):
        raise Http404
    return source


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, page_id: int) -> HttpResponse:
    source = _source(request, page_id)
    if not policy.allowed(request.user, "cms.record_transfer", source):
        raise PermissionDenied
    choices = selectors.recording_choices(request.user, source)
    form = RecordTransferForm(posted(request), town_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        town_id, consortium_id = (int(part) for part in data["town"].split(":"))
        try:
            transfer = services.record_transfer(
                actor=request.user,
                source=source,
                town=Town.objects.get(pk=town_id),
                consortium=Consortium.objects.get(pk=consortium_id),
                status=data["status"],
                started_on=data["started_on"],
                finished_on=data["finished_on"],
                notes=data["notes"],
                adaptations=data["adaptations"],
                visibility=data["visibility"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Die Übertragung ist eingetragen."))
            return redirect(transfer.get_absolute_url())
    status = 400 if form.is_bound else 200
    context = {"source": source, "form": form, "no_towns": not choices}
    return render(request, "cms/transfers/record.html", context, status=status)


def _transfer(request: HttpRequest, pk: int) -> Any:
    """The transfer, or 404 alike for what does not exist and what the viewer may not see."""
    transfer = selectors.transfer_for(pk, request.user)
    if transfer is None:
        raise Http404
    return transfer


def _detail(
    request: HttpRequest,
    transfer: Any,
    *,
    status_form: StatusForm | None = None,
    evidence_form: EvidenceForm | None = None,
    http_status: int = 200,
) -> HttpResponse:
    user = request.user
    can_change = policy.allowed(user, "cms.edit_transfer", transfer)
    context: dict[str, Any] = {
        "transfer": transfer,
        "source": transfer.source,
        "can_change": can_change,
        "can_delete": policy.allowed(user, "cms.remove_transfer", transfer),
    }
    if can_change:
        context["status_form"] = status_form or StatusForm(initial={"status": transfer.status})
        context["evidence_form"] = evidence_form or EvidenceForm(
            case_pages=selectors.evidence_case_pages(transfer, user)
        )
    return render(request, "cms/transfers/detail.html", context, status=http_status)


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public transfers are for everyone; anonymous visitors sign in first for any other
    number, whether or not it exists, so the redirect says nothing either."""
    transfer = selectors.transfer_for(pk, request.user)
    if transfer is None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    return _detail(request, transfer)


def _changeable(request: HttpRequest, pk: int, permission: str = "cms.edit_transfer") -> Any:
    transfer = _transfer(request, pk)
    if not policy.allowed(request.user, permission, transfer):
        raise PermissionDenied
    return transfer


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _changeable(request, pk)
    initial = {
        "started_on": transfer.started_on,
        "finished_on": transfer.finished_on,
        "notes": transfer.notes,
        "adaptations": transfer.adaptations,
        "visibility": transfer.visibility,
    }
    form = EditTransferForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_transfer(transfer=transfer, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Die Übertragung ist gespeichert."))
            return redirect(transfer.get_absolute_url())
    status = 400 if form.is_bound else 200
    context = {"transfer": transfer, "source": transfer.source, "form": form}
    return render(request, "cms/transfers/edit.html", context, status=status)


@login_required
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _changeable(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_transfer_status(
                transfer=transfer,
                actor=request.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Der neue Stand ist eingetragen."))
            return redirect(transfer.get_absolute_url())
    transfer = selectors.transfer_for(pk, request.user)
    return _detail(request, transfer, status_form=form, http_status=400)


@login_required
@require_POST
def add_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _changeable(request, pk)
    form = EvidenceForm(
        request.POST,
        request.FILES,
        case_pages=selectors.evidence_case_pages(transfer, request.user),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_evidence(
                transfer=transfer,
                actor=request.user,
                kind=data["kind"],
                label=data["label"],
                url=data["url"],
                upload=data["upload"],
                case_page=form.case_pages.get(data["case_page"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Der Beleg ist hinzugefügt."))
            return redirect(transfer.get_absolute_url() + "#belege")
    return _detail(request, transfer, evidence_form=form, http_status=400)


@require_safe
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    """As public as its transfer; otherwise as ``detail``."""
    item = selectors.evidence_file_for(pk, request.user)
    if item is None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return uploads.file_response(
        handle, content_type=item.content_type, filename=item.original_name
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove_evidence(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """Removing a piece of evidence cannot be undone: a page asks, only its form removes."""
    transfer = _changeable(request, pk)
    item = next((e for e in transfer.evidence.all() if e.pk == evidence_pk), None)
    if item is None:
        raise Http404
    if request.method != "POST":
        context = {"transfer": transfer, "item": item}
        return render(request, "cms/transfers/remove_evidence.html", context)
    services.remove_evidence(evidence=item, actor=request.user)
    messages.success(request, _("Der Beleg ist entfernt."))
    return redirect(transfer.get_absolute_url() + "#belege")


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _changeable(request, pk, "cms.remove_transfer")
    if request.method != "POST":
        return render(request, "cms/transfers/delete.html", {"transfer": transfer})
    source_url = transfer.source.url or "/"
    services.delete_transfer(transfer=transfer, actor=request.user)
    messages.success(request, _("Die Übertragung ist gelöscht."))
    return redirect(source_url)
