"""Post attachments: downloads and thumbnails, for those who may read the post's content; 404
for everyone else, as for a file that does not exist."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from .. import rules as policy
from .. import selectors, uploads
from ..models import Attachment


def _attachment_for(request: HttpRequest, pk: int) -> Attachment:
    attachment = selectors.attachment_visible_to(pk, request.user)
    if attachment is None:
        raise Http404
    if not policy.allowed(request.user, "forum.see_post_content", attachment.post):
        raise Http404
    return attachment


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _attachment_for(request, pk)
    return uploads.file_response(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        filename=attachment.original_name,
    )


@login_required
def attachment_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _attachment_for(request, pk)
    if not attachment.thumbnail:
        raise Http404
    return uploads.thumbnail_response(attachment.thumbnail)
