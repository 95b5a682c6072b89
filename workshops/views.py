"""Views of the workshops app: thin, each asks the policy and calls a service.

A consortium's workshops exist only for its members: everyone else gets 404, as for a workshop
that does not exist.
"""

from __future__ import annotations

import csv
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from forum import events as forum_events
from forum import rules as policy
from forum import selectors as forum_selectors
from forum import uploads
from forum.forms import add_service_errors, posted, rebase_after_conflict
from forum.live import live_config
from forum.mail import site_url
from forum.models import Consortium, display_name
from forum.services import EditConflict
from forum.spreadsheets import spreadsheet_text

from . import calendar, selectors, services
from .forms import (
    AgendaFormSet,
    AttendanceForm,
    FileUploadForm,
    IdeaForm,
    IdeaGroupForm,
    ProtocolForm,
    RegistrationForm,
    RoadmapFormSet,
    StatusForm,
    VenueForm,
    WorkshopForm,
    agenda_entries,
    roadmap_entries,
)
from .models import IdeaCard, Registration, Workshop, WorkshopFile
from .streams import workshop_stream


def _consortium(request: HttpRequest, slug: str) -> Consortium:
    consortium = forum_selectors.consortium_for_overview(slug, request.user)
    if consortium is None:
        raise Http404
    return consortium


def _workshop(request: HttpRequest, slug: str, pk: int) -> Workshop:
    workshop = selectors.workshop_for(slug, pk, request.user)
    if workshop is None:
        raise Http404
    return workshop


def _flags(user: Any, workshop: Workshop) -> dict[str, bool]:
    """What the viewer may do, prepared for the templates."""
    return {
        "can_edit": policy.allowed(user, "workshops.edit_workshop", workshop),
        "can_edit_agenda": policy.allowed(user, "workshops.edit_agenda", workshop),
        "can_register": policy.allowed(user, "workshops.register", workshop),
        "can_cancel_registration": policy.allowed(user, "workshops.cancel_registration", workshop),
        "can_export": policy.allowed(user, "workshops.export_participants", workshop),
        "can_document": policy.allowed(user, "workshops.document", workshop),
        "can_see_documentation": policy.allowed(user, "workshops.see_documentation", workshop),
        "can_see_idea_board": policy.allowed(user, "workshops.see_idea_board", workshop),
    }


@login_required
def workshop_list(request: HttpRequest, slug: str) -> HttpResponse:
    consortium = _consortium(request, slug)
    workshops = list(selectors.consortium_workshops(consortium, request.user))
    now = timezone.now()
    context = {
        "consortium": consortium,
        "upcoming": [w for w in workshops if w.ends_at >= now],
        "past": [w for w in reversed(workshops) if w.ends_at < now],
        "rotation": selectors.rotation(consortium),
        "can_create": policy.allowed(request.user, "workshops.create_workshop", consortium),
    }
    return render(request, "workshops/workshop_list.html", context)


@login_required
def workshop_create(request: HttpRequest, slug: str) -> HttpResponse:
    consortium = _consortium(request, slug)
    if not policy.allowed(request.user, "workshops.create_workshop", consortium):
        raise PermissionDenied
    suggested = selectors.rotation(consortium).next_host
    form = WorkshopForm(
        posted(request), consortium=consortium, initial=WorkshopForm.initial_for(suggested)
    )
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.create_workshop(
                consortium=consortium, actor=request.user, data=form.workshop_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Die Transferwerkstatt ist angelegt, mit dem bewährten 24-Stunden-Programm "
                    "und einer Diskussion im Forum. Öffnen Sie die Anmeldung, wenn alles steht."
                ),
            )
            return redirect(workshop.get_absolute_url())
    context = {"consortium": consortium, "form": form, "suggested_host": suggested}
    return render(
        request, "workshops/workshop_form.html", context, status=400 if form.is_bound else 200
    )


@login_required
def workshop_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workshop = _workshop(request, slug, pk)
    registration = selectors.registration_of(workshop, request.user)
    form = RegistrationForm(
        initial=RegistrationForm.initial_from(registration),
        holds_a_place=_holds_a_place(registration),
    )
    return _render_detail(request, workshop, registration, form)


def _holds_a_place(registration: Registration | None) -> bool:
    return registration is not None and registration.status in selectors.HOLDING_A_PLACE


def _render_detail(
    request: HttpRequest,
    workshop: Workshop,
    registration: Registration | None,
    form: RegistrationForm,
    status: int = 200,
) -> HttpResponse:
    flags = _flags(request.user, workshop)
    participants = list(selectors.participants(workshop))
    context = {
        "workshop": workshop,
        "consortium": workshop.consortium,
        "registration": registration,
        "form": form,
        "agenda_days": _agenda_by_day(workshop),
        "confirmed": [r for r in participants if r.status == Registration.Status.CONFIRMED],
        "waitlisted": [r for r in participants if r.status == Registration.Status.WAITLISTED],
        "declined_count": sum(r.status == Registration.Status.DECLINED for r in participants),
        "status_choices": sorted(services.TRANSITIONS[workshop.status]),
        "status_labels": dict(Workshop.Status.choices),
        "holds_a_place": _holds_a_place(registration),
        "waiting_position": registration and selectors.waiting_position(registration),
        **flags,
    }
    if flags["can_register"] and not context["holds_a_place"]:
        context["waiting_place"] = services.waiting_place_for(workshop, request.user)
    if flags["can_see_documentation"]:
        context["roadmap"] = list(workshop.roadmap.all())
        context["files"] = list(workshop.files.all())
        context["photos"] = [item for item in context["files"] if item.is_image]
        context["documents"] = [item for item in context["files"] if not item.is_image]
        context["attendees"] = [r for r in participants if r.attended]
        context["idea_groups"] = selectors.idea_groups(workshop)
    return render(request, "workshops/workshop_detail.html", context, status=status)


def _agenda_by_day(workshop: Workshop) -> list[tuple[Any, list[Any]]]:
    start_day = timezone.localdate(workshop.starts_at)
    days: dict[int, list[Any]] = {}
    for item in workshop.agenda.all():
        days.setdefault(item.day, []).append(item)
    return [(start_day + timedelta(days=day - 1), items) for day, items in sorted(days.items())]


@login_required
@require_POST
def workshop_register(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workshop = _workshop(request, slug, pk)
    registration = selectors.registration_of(workshop, request.user)
    form = RegistrationForm(request.POST, holds_a_place=_holds_a_place(registration))
    if form.is_valid():
        try:
            registration = services.register(
                workshop=workshop, user=request.user, details=form.details()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _registration_message(registration))
            return redirect(workshop.get_absolute_url() + "#anmeldung")
    return _render_detail(request, workshop, registration, form, status=400)


def _registration_message(registration: Registration) -> str:
    if registration.status == Registration.Status.CONFIRMED:
        return _("Sie sind angemeldet. Wir freuen uns auf Sie!")
    if registration.status == Registration.Status.WAITLISTED:
        return _(
            "Alle Plätze sind vergeben: Sie stehen auf der Warteliste. Wird ein Platz frei, "
            "rücken Sie der Reihe nach auf und bekommen eine E-Mail."
        )
    return _("Danke für Ihre Rückmeldung – Sie sind als „kommt nicht“ eingetragen.")


@login_required
def workshop_cancel_registration(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Giving up one's seat or waiting-list place: a page that says what follows, and only its
    form withdraws (the seat goes to the waiting list at once and cannot be taken back)."""
    workshop = _workshop(request, slug, pk)
    registration = selectors.registration_of(workshop, request.user)
    if registration is None:
        raise PermissionDenied
    back = workshop.get_absolute_url() + "#anmeldung"
    if registration.status not in selectors.HOLDING_A_PLACE:
        messages.info(request, _("Sie haben bereits abgesagt."))
        return redirect(back)
    if not policy.allowed(request.user, "workshops.cancel_registration", workshop):
        messages.error(request, _("Diese Transferwerkstatt ist vorbei oder abgesagt."))
        return redirect(back)
    if request.method != "POST":
        context = {
            "workshop": workshop,
            "consortium": workshop.consortium,
            "registration": registration,
            "waiting_position": selectors.waiting_position(registration),
        }
        return render(request, "workshops/cancel_registration.html", context)
    try:
        services.cancel_registration(workshop=workshop, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _cancellation_message(workshop, registration))
    return redirect(back)


def _cancellation_message(workshop: Workshop, before: Registration) -> str:
    if before.status == Registration.Status.CONFIRMED:
        return _(
            "Sie haben Ihre Teilnahme an „%(title)s“ abgesagt. Ihr Platz ist frei: Wer auf der "
            "Warteliste steht, rückt nach."
        ) % {"title": workshop.title}
    return _(
        "Sie haben Ihre Teilnahme an „%(title)s“ abgesagt und stehen nicht mehr auf der Warteliste."
    ) % {"title": workshop.title}


@login_required
def workshop_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workshop = _workshop(request, slug, pk)
    if not policy.allowed(request.user, "workshops.edit_workshop", workshop):
        raise PermissionDenied
    form = WorkshopForm(
        posted(request),
        consortium=workshop.consortium,
        initial=WorkshopForm.initial_from(workshop),
    )
    status = 400 if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        try:
            services.update_workshop(
                workshop=workshop,
                actor=request.user,
                data=form.workshop_data(),
                based_on=form.cleaned_data["based_on"] or None,
            )
        except EditConflict as conflict:
            rebase_after_conflict(form, conflict, _saved_version(workshop))
            status = 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Änderungen gespeichert."))
            return redirect(workshop.get_absolute_url())
    context = {"consortium": workshop.consortium, "workshop": workshop, "form": form}
    return render(request, "workshops/workshop_form.html", context, status=status)


def _saved_version(workshop: Workshop) -> str:
    return Workshop.objects.get(pk=workshop.pk).version


@login_required
def workshop_agenda(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Agenda and venue: prepared by the coaches and by the host town's staff."""
    workshop = _workshop(request, slug, pk)
    if not policy.allowed(request.user, "workshops.edit_agenda", workshop):
        raise PermissionDenied
    initial_agenda = [
        {
            "day": item.day,
            "start": item.start,
            "title": item.title,
            "kind": item.kind,
            "speaker": item.speaker,
            "description": item.description,
        }
        for item in workshop.agenda.all()
    ]
    venue = VenueForm(
        posted(request),
        prefix="ort",
        initial={
            "venue_name": workshop.venue_name,
            "venue_address": workshop.venue_address,
            "directions": workshop.directions,
            "based_on": workshop.version,
        },
    )
    agenda = AgendaFormSet(posted(request), prefix="programm", initial=initial_agenda)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and venue.is_valid() and agenda.is_valid():
        try:
            services.save_programme(
                workshop=workshop,
                actor=request.user,
                venue_name=venue.cleaned_data["venue_name"],
                venue_address=venue.cleaned_data["venue_address"],
                directions=venue.cleaned_data["directions"],
                entries=agenda_entries(agenda),
                based_on=venue.cleaned_data["based_on"] or None,
            )
        except EditConflict as conflict:
            rebase_after_conflict(venue, conflict, _saved_version(workshop))
            status = 409
        except ValidationError as error:
            add_service_errors(venue, error)
        else:
            messages.success(request, _("Programm und Ort gespeichert."))
            return redirect(workshop.get_absolute_url())
    context = {
        "consortium": workshop.consortium,
        "workshop": workshop,
        "venue_form": venue,
        "agenda_formset": agenda,
    }
    return render(request, "workshops/workshop_agenda.html", context, status=status)


@login_required
@require_POST
def workshop_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workshop = _workshop(request, slug, pk)
    if not policy.allowed(request.user, "workshops.edit_workshop", workshop):
        raise PermissionDenied
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte wählen Sie einen gültigen Stand."))
        return redirect(workshop.get_absolute_url())
    status = form.cleaned_data["status"]
    final = not services.TRANSITIONS[status]
    if (
        final
        and status in services.TRANSITIONS[workshop.status]
        and not form.cleaned_data["confirmed"]
    ):
        # Held and cancelled have no way back (and cancelling tells everyone): ask first.
        context = {
            "workshop": workshop,
            "consortium": workshop.consortium,
            "status": status,
            "holding_a_place": selectors.holding_a_place(workshop).count(),
        }
        return render(request, "workshops/status_confirm.html", context)
    try:
        workshop = services.set_status(workshop=workshop, actor=request.user, status=status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Stand: %(status)s.") % {"status": workshop.get_status_display()}
        )
    return redirect(workshop.get_absolute_url())


@login_required
def workshop_participants_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The participant list for coaches and the host town: seats, waiting list, answers."""
    workshop = _workshop(request, slug, pk)
    if not policy.allowed(request.user, "workshops.export_participants", workshop):
        raise PermissionDenied
    filename = f"teilnehmende-{slugify(workshop.title)[:60] or workshop.pk}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    # Excel opens UTF-8 with a byte order mark and semicolons as a German user expects.
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Name"),
            _("Kleinstadt"),
            _("E-Mail"),
            _("Stand"),
            _("Übernachtung"),
            _("Anreise"),
            _("Ernährung"),
            _("Anmerkungen"),
            _("Angemeldet am"),
            _("Zuletzt geändert"),
        ]
    )
    for registration in selectors.participants(workshop):
        writer.writerow(
            [
                spreadsheet_text(display_name(registration.user)),
                spreadsheet_text(registration.town.name if registration.town else ""),
                spreadsheet_text(registration.user.email),
                registration.get_status_display(),
                _("ja") if registration.needs_overnight_stay else _("nein"),
                registration.get_arrival_display(),
                spreadsheet_text(registration.dietary_needs),
                spreadsheet_text(registration.remarks),
                timezone.localtime(registration.queued_at).strftime("%d.%m.%Y %H:%M"),
                timezone.localtime(registration.updated_at).strftime("%d.%m.%Y %H:%M"),
            ]
        )
    return response


# --- calendar ------------------------------------------------------------------------------


def _ics_response(content: bytes, filename: str, disposition: str) -> HttpResponse:
    response = HttpResponse(content, content_type=calendar.CONTENT_TYPE)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def workshop_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One workshop as an .ics file, for whoever may see the workshop."""
    workshop = _workshop(request, slug, pk)
    return _ics_response(
        calendar.workshop_calendar(workshop), calendar.filename_for(workshop), "attachment"
    )


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal "my workshops" feed. Calendar apps cannot log in, so the secret token is
    the credential; what it shows is still filtered by the owner's current access."""
    owner = calendar.feed_owner(token)
    if owner is None:
        raise Http404
    response = _ics_response(
        calendar.personal_calendar(selectors.registrations_of_user(owner)),
        "transferwerkstaetten.ics",
        "inline",
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@never_cache
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """Where a person finds (and replaces) the address of their calendar feed."""
    if request.method == "POST":
        services.calendar_feed_for(user=request.user, regenerate=True)
        messages.success(
            request,
            _(
                "Ihre Kalenderadresse ist neu. Die bisherige funktioniert nicht mehr: Tragen Sie "
                "die neue Adresse in Ihrer Kalender-App ein."
            ),
        )
        return redirect("workshops:calendar_settings")
    feed = services.calendar_feed_for(user=request.user)
    feed_url = site_url(feed.get_absolute_url())
    registrations = selectors.registrations_of_user(request.user).filter(
        workshop__ends_at__gte=timezone.now()
    )
    context = {
        "feed_url": feed_url,
        "webcal_url": calendar.webcal_url(feed_url),
        "registrations": list(registrations),
    }
    return render(request, "workshops/calendar_settings.html", context)


# --- documentation -------------------------------------------------------------------------


def _documentable(request: HttpRequest, slug: str, pk: int) -> Workshop:
    """The workshop, for those who may document it; 404 for those who may not see it."""
    workshop = _workshop(request, slug, pk)
    if not policy.allowed(request.user, "workshops.document", workshop):
        raise PermissionDenied
    return workshop


def _attendance_people(workshop: Workshop) -> list[Registration]:
    """Those who had a seat or waited for one: the people whose attendance is recorded."""
    return [r for r in selectors.participants(workshop) if r.status in selectors.HOLDING_A_PLACE]


def _documentation_forms(
    workshop: Workshop, people: list[Registration], data: Any = None
) -> tuple[ProtocolForm, Any, AttendanceForm]:
    recorded = [r for r in people if r.attended is not None]
    if recorded:
        present = [r.user_id for r in recorded if r.attended]
    else:
        # Nothing recorded yet: start from those who had a seat.
        present = [r.user_id for r in people if r.status == Registration.Status.CONFIRMED]
    roadmap_initial = [
        {"what": item.what, "who": item.who, "due": item.due, "status": item.status}
        for item in workshop.roadmap.all()
    ]
    return (
        ProtocolForm(data, prefix="protokoll", initial={"protocol": workshop.protocol}),
        RoadmapFormSet(data, prefix="fahrplan", initial=roadmap_initial),
        AttendanceForm(data, prefix="anwesenheit", people=people, initial={"present": present}),
    )


def _render_documentation(
    request: HttpRequest,
    workshop: Workshop,
    *,
    people: list[Registration],
    forms_: tuple[ProtocolForm, Any, AttendanceForm],
    upload_form: FileUploadForm,
    status: int = 200,
) -> HttpResponse:
    protocol_form, roadmap_formset, attendance_form = forms_
    context = {
        "workshop": workshop,
        "consortium": workshop.consortium,
        "protocol_form": protocol_form,
        "roadmap_formset": roadmap_formset,
        "attendance_form": attendance_form,
        "has_people": bool(people),
        "upload_form": upload_form,
        "files": list(workshop.files.all()),
    }
    return render(request, "workshops/workshop_documentation.html", context, status=status)


@login_required
def workshop_documentation(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Protocol, roadmap and attendance in one form; files have their own form."""
    workshop = _documentable(request, slug, pk)
    people = _attendance_people(workshop)
    data = posted(request)
    protocol_form, roadmap_formset, attendance_form = _documentation_forms(workshop, people, data)
    if request.method == "POST":
        valid = [f.is_valid() for f in (protocol_form, roadmap_formset, attendance_form)]
        if all(valid):
            try:
                services.save_documentation(
                    workshop=workshop,
                    actor=request.user,
                    protocol=protocol_form.cleaned_data["protocol"],
                    roadmap=roadmap_entries(roadmap_formset),
                    present_user_ids=set(attendance_form.cleaned_data["present"]),
                )
            except ValidationError as error:
                add_service_errors(protocol_form, error)
            else:
                messages.success(request, _("Die Dokumentation ist gespeichert."))
                return redirect(workshop.get_absolute_url() + "#dokumentation")
    return _render_documentation(
        request,
        workshop,
        people=people,
        forms_=(protocol_form, roadmap_formset, attendance_form),
        upload_form=FileUploadForm(prefix="dateien"),
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def workshop_upload_files(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workshop = _documentable(request, slug, pk)
    form = FileUploadForm(request.POST, request.FILES, prefix="dateien")
    if form.is_valid():
        try:
            stored = services.add_files(
                workshop=workshop,
                actor=request.user,
                uploads=form.cleaned_data["files"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as error:
            form.add_error(None if hasattr(error, "error_dict") else "files", error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s Datei hochgeladen.", "%(count)s Dateien hochgeladen.", len(stored)
                )
                % {"count": len(stored)},
            )
            return redirect(
                reverse("workshops:document", kwargs={"slug": slug, "pk": pk}) + "#dateien"
            )
    people = _attendance_people(workshop)
    return _render_documentation(
        request,
        workshop,
        people=people,
        forms_=_documentation_forms(workshop, people),
        upload_form=form,
        status=400,
    )


# --- documentation files -------------------------------------------------------------------


def _file_for(request: HttpRequest, pk: int) -> WorkshopFile:
    """A documentation file, for those who may see its workshop's documentation; everyone
    else gets 404, as for a file that does not exist."""
    item = WorkshopFile.objects.select_related("workshop__consortium").filter(pk=pk).first()
    if item is None or not policy.allowed(
        request.user, "workshops.see_documentation", item.workshop
    ):
        raise Http404
    return item


@login_required
@require_safe
def workshop_file(request: HttpRequest, pk: int) -> HttpResponse:
    item = _file_for(request, pk)
    return uploads.file_response(
        item.file.open("rb"), content_type=item.content_type, filename=item.original_name
    )


@login_required
@require_safe
def workshop_file_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _file_for(request, pk)
    if not item.thumbnail:
        raise Http404
    return uploads.thumbnail_response(item.thumbnail)


@login_required
def workshop_file_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Deleting a photo or document cannot be undone: a page asks, only its form deletes."""
    item = _file_for(request, pk)
    workshop = item.workshop
    if not policy.allowed(request.user, "workshops.document", workshop):
        raise PermissionDenied
    if request.method != "POST":
        context = {"item": item, "workshop": workshop, "consortium": workshop.consortium}
        return render(request, "workshops/file_delete.html", context)
    services.delete_file(item=item, actor=request.user)
    messages.success(request, _("„%(name)s“ ist gelöscht.") % {"name": item.original_name})
    return redirect(
        reverse("workshops:document", kwargs={"slug": workshop.consortium.slug, "pk": workshop.pk})
        + "#dateien"
    )


# --- idea board ----------------------------------------------------------------------------

IDEA_TEXTS = {
    "ideasUpdated": gettext_lazy("Die Ideenwand wurde aktualisiert."),
    "offline": gettext_lazy(
        "Verbindung unterbrochen – neue Karten erscheinen, sobald sie wieder steht."
    ),
    "accessEnded": gettext_lazy("Sie haben keinen Zugriff mehr auf diese Ideenwand."),
    "ungrouped": gettext_lazy("Noch ohne Gruppe"),
}


def _board_workshop(request: HttpRequest, slug: str, pk: int) -> Workshop:
    workshop = _workshop(request, slug, pk)
    if not policy.allowed(request.user, "workshops.see_idea_board", workshop):
        raise Http404
    return workshop


def _board_context(request: HttpRequest, workshop: Workshop) -> dict[str, Any]:
    groups = selectors.idea_groups(workshop)
    for _group, cards in groups:
        for card in cards:
            card.can_remove = policy.allowed(request.user, "workshops.remove_idea", card)
    return {
        "workshop": workshop,
        "consortium": workshop.consortium,
        "groups": groups,
        "group_names": sorted(name for name, _cards in groups if name),
        "can_post": policy.allowed(request.user, "workshops.post_idea", workshop),
    }


def _render_board(
    request: HttpRequest,
    workshop: Workshop,
    form: IdeaForm | None = None,
    *,
    failed_regroup: tuple[int, IdeaGroupForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    stream = workshop_stream(workshop.pk)
    config = live_config(
        stream,
        forum_events.position_of(stream),  # before the board is read
        boardUrl=reverse(
            "workshops:idea_board", kwargs={"slug": workshop.consortium.slug, "pk": workshop.pk}
        ),
        cardUrl=reverse("workshops:idea_card", kwargs={"pk": 0}).replace("/0/", "/%(id)s/"),
    )
    config["texts"].update({key: str(text) for key, text in IDEA_TEXTS.items()})
    context = {
        **_board_context(request, workshop),
        "form": form or IdeaForm(),
        "failed_card_id": failed_regroup[0] if failed_regroup else None,
        "failed_group_form": failed_regroup[1] if failed_regroup else None,
        "live_config": config,
    }
    return render(request, "workshops/workshop_ideas.html", context, status=status)


@login_required
def workshop_ideas(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The live idea board: cards on a pinboard, grouped together while the workshop runs."""
    workshop = _board_workshop(request, slug, pk)
    if request.method != "POST":
        return _render_board(request, workshop)
    if not policy.allowed(request.user, "workshops.post_idea", workshop):
        raise PermissionDenied
    form = IdeaForm(request.POST)
    if form.is_valid():
        try:
            services.add_idea(
                workshop=workshop,
                actor=request.user,
                text=form.cleaned_data["text"],
                group=form.cleaned_data["group"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(_board_url(workshop) + "#ideenwand")
    return _render_board(request, workshop, form, status=400)


def _board_url(workshop: Workshop) -> str:
    return reverse("workshops:ideas", kwargs={"slug": workshop.consortium.slug, "pk": workshop.pk})


@login_required
@require_safe
@never_cache
def workshop_idea_board(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Only the board, for the page's script to swap in when a card changes."""
    workshop = _board_workshop(request, slug, pk)
    return render(request, "workshops/includes/idea_board.html", _board_context(request, workshop))


@login_required
@require_safe
@never_cache
def idea_card(request: HttpRequest, pk: int) -> HttpResponse:
    """One card as the viewer sees it: what the page's script fetches when a card is added or
    moved (the whole board would cost every open board hundreds of kilobytes per change)."""
    card = _card_for(request, pk)
    card.can_remove = policy.allowed(request.user, "workshops.remove_idea", card)
    context = {
        "card": card,
        "can_post": policy.allowed(request.user, "workshops.post_idea", card.workshop),
    }
    return render(request, "workshops/includes/idea_card.html", context)


def _card_for(request: HttpRequest, pk: int) -> IdeaCard:
    card = (
        IdeaCard.objects.select_related("workshop__consortium", "author__profile__town")
        .filter(pk=pk)
        .first()
    )
    if card is None or not policy.allowed(request.user, "workshops.see_idea_board", card.workshop):
        raise Http404
    return card


@login_required
@require_POST
def idea_regroup(request: HttpRequest, pk: int) -> HttpResponse:
    card = _card_for(request, pk)
    workshop = card.workshop
    if not policy.allowed(request.user, "workshops.post_idea", workshop):
        raise PermissionDenied
    form = IdeaGroupForm(request.POST)
    if form.is_valid():
        try:
            services.regroup_idea(card=card, actor=request.user, group=form.cleaned_data["group"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(_board_url(workshop) + f"#idee-{card.pk}")
    return _render_board(request, workshop, failed_regroup=(card.pk, form), status=400)


@login_required
def idea_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks first (the card is gone for everyone at the board); its form removes it."""
    card = _card_for(request, pk)
    if not policy.allowed(request.user, "workshops.remove_idea", card):
        raise PermissionDenied
    if request.method != "POST":
        context = {"card": card, "workshop": card.workshop, "board_url": _board_url(card.workshop)}
        return render(request, "workshops/idea_remove.html", context)
    services.remove_idea(card=card, actor=request.user)
    messages.success(request, _("Die Karte ist entfernt."))
    return redirect(_board_url(card.workshop) + "#ideenwand")
