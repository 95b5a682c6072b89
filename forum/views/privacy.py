""" "Meine Daten": request an export of everything about me, see how far it is, download it.
Only the owner ever sees an export; anyone else gets 404, as for one that does not exist."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import rules as policy
from .. import uploads
from ..models import DataExport
from ..privacy import export as data_export_service


@login_required
@require_http_methods(["GET", "POST"])
def data_export(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            data_export_service.request_data_export(user=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                _(
                    "Ihr Export ist angefordert. Sie bekommen eine Benachrichtigung, sobald er "
                    "zum Herunterladen bereit ist."
                ),
            )
        return redirect("forum:data_export")
    context = {
        "export": data_export_service.latest_export(request.user),
        "valid_days": settings.DATA_EXPORT_VALID_DAYS,
        "sections": data_export_service.sections(),
    }
    return render(request, "forum/privacy/data_export.html", context)


@login_required
@require_http_methods(["GET"])
def data_export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = DataExport.objects.filter(pk=pk).first()
    if export is None or not policy.allowed(request.user, "forum.download_data_export", export):
        raise Http404
    if export.status != DataExport.Status.READY or not export.file:
        if export.status == DataExport.Status.EXPIRED:
            messages.error(
                request,
                _(
                    "Der Link zu Ihrem Export ist abgelaufen. Fordern Sie bitte einen neuen "
                    "Export an."
                ),
            )
        return redirect("forum:data_export")
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        # Removed from storage by hand or by a failed restore: as if it had never been built.
        raise Http404 from None
    return uploads.file_response(
        handle,
        content_type="application/zip",
        filename=f"kleinstadtakademie-meine-daten-{export.finished_at:%Y-%m-%d}.zip",
        cache_control="private, no-store",
    )
