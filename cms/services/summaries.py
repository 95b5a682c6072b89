"""Public summary pages of held workshops, proposed from the workshop's documentation."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.html import linebreaks
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.log_actions import log

from forum import rules as policy
from forum.templatetags.dates import abs_date
from forum.text import clean_line
from forum.uploads import make_thumbnail
from workshops.models import Workshop, WorkshopFile

from ..models import WorkshopIndexPage, WorkshopSummaryPage
from .editorial import ensure_consortium_editing

SUMMARY_MAX_LENGTH = 5000


SUMMARY_TITLE_MAX_LENGTH = 255


MAX_SUMMARY_PHOTOS = 10


PUBLIC_PHOTO_MAX_PX = 2400


def _public_photo(item: WorkshopFile) -> ContentFile:
    """A copy of a documentation photo fit for the public: re-encoded by ``make_thumbnail``,
    so no metadata (EXIF location, camera owner) leaves the consortium; upright, ≤ 2400 px."""
    with item.file.open("rb") as source:
        copy = make_thumbnail(source, max_px=PUBLIC_PHOTO_MAX_PX)
    extension = copy.name.rsplit(".", 1)[-1]
    copy.name = f"werkstatt-{item.workshop_id}-{item.pk}.{extension}"
    return copy


def _roadmap_points(workshop: Workshop) -> list[str]:
    points = []
    for item in workshop.roadmap.all():
        point = _("%(what)s – %(who)s") % {"what": item.what, "who": item.who}
        if item.due:
            point += ", " + _("bis %(due)s") % {"due": abs_date(item.due)}
        point += " " + _("(Stand: %(status)s)") % {"status": item.get_status_display()}
        points.append(point)
    return points


def _summary_errors(title: str, summary: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Bitte geben Sie einen Titel an.")
    elif len(title) > SUMMARY_TITLE_MAX_LENGTH:
        errors["title"] = _("Der Titel darf höchstens %(max)s Zeichen lang sein.") % {
            "max": SUMMARY_TITLE_MAX_LENGTH
        }
    if not summary:
        errors["summary"] = _("Bitte schreiben Sie eine Zusammenfassung.")
    elif len(summary) > SUMMARY_MAX_LENGTH:
        errors["summary"] = _("Die Zusammenfassung darf höchstens %(max)s Zeichen lang sein.") % {
            "max": SUMMARY_MAX_LENGTH
        }
    return errors


@transaction.atomic
def propose_summary_page(
    *,
    workshop: Workshop,
    actor: Any,
    title: str,
    summary: str,
    include_roadmap: bool,
    photo_ids: list[int],
) -> WorkshopSummaryPage:
    """Propose a public summary of a held workshop: a draft page under "Transferwerkstätten"
    holding only what the coach chose – their summary text, optionally the roadmap as it stands
    and selected photos (copied into the consortium's public collection). Editors, who may not
    see the consortium's documentation, review and publish it in Wagtail; nothing goes live here.
    """
    workshop = (
        Workshop.objects.select_for_update()
        .select_related("consortium", "host_town")
        .get(pk=workshop.pk)
    )
    if not policy.allowed(actor, "workshops.document", workshop):
        raise PermissionDenied
    title = clean_line(title, field="title")
    summary = (summary or "").replace("\x00", "").strip()
    errors = _summary_errors(title, summary)
    wanted = set(photo_ids or [])
    photos = [
        item
        for item in workshop.files.filter(pk__in=wanted).order_by("uploaded_at", "pk")
        if item.is_image
    ]
    if len(photos) != len(wanted):
        errors["photo_ids"] = _(
            "Mindestens eines der gewählten Fotos gehört nicht zu dieser Dokumentation."
        )
    elif len(photos) > MAX_SUMMARY_PHOTOS:
        errors["photo_ids"] = _("Bitte wählen Sie höchstens %(max)s Fotos aus.") % {
            "max": MAX_SUMMARY_PHOTOS
        }
    if errors:
        raise ValidationError(errors)
    if WorkshopSummaryPage.objects.filter(workshop=workshop).exists():
        raise ValidationError(
            _(
                "Für diese Transferwerkstatt gibt es schon eine Zusammenfassung. Änderungen "
                "daran nimmt die Redaktion vor."
            )
        )
    index = WorkshopIndexPage.objects.first()
    if index is None:
        raise ValidationError(
            _(
                "Es gibt noch keine öffentliche Seite „Transferwerkstätten“. Bitte wenden Sie "
                "sich an die Redaktion."
            )
        )

    body: list[tuple[str, Any]] = []
    points = _roadmap_points(workshop) if include_roadmap else []
    if points:
        body.append(("next_steps", points))
    if photos:
        collection = ensure_consortium_editing(consortium=workshop.consortium).public_collection
        image_model = get_image_model()
        credit = (_("Verbund %(name)s") % {"name": workshop.consortium.name})[:120]
        for item in photos:
            image = image_model(
                title=(item.caption or item.original_name)[:255],
                file=ImageFile(_public_photo(item)),
                collection=collection,
                uploaded_by_user=actor,
            )
            image._set_image_file_metadata()
            image.save()
            alt_text = item.caption or _("Foto von der Transferwerkstatt „%(title)s“") % {
                "title": workshop.title
            }
            body.append(
                (
                    "image",
                    {
                        "image": image,
                        "alt_text": alt_text[:250],
                        "caption": item.caption[:250],
                        "credit": credit,
                    },
                )
            )

    page = WorkshopSummaryPage(
        title=title,
        # Wagtail derives a unique slug from the title; a title of only punctuation gives none.
        slug="" if slugify(title, allow_unicode=True) else f"werkstatt-{workshop.pk}",
        owner=actor,
        live=False,
        has_unpublished_changes=True,
        workshop=workshop,
        summary=linebreaks(summary, autoescape=True),
        roadmap_public=bool(points),
        body=body,
    )
    index.add_child(instance=page)
    log(instance=page, action="wagtail.create", user=actor)
    page.save_revision(user=actor, log_action=True)
    return page
