"""What coaches and the core team do in their spaces: hide and restore posts, lock, pin and move
topics, handle reports; and the moderation logs. Every moderation page needs two-factor login."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import rules as policy
from .. import selectors, services
from ..forms import MoveForm, ReasonForm, ResolutionForm, add_service_errors, posted
from ..models import Report
from ..numbers import page_number
from .guards import (
    moderated_post,
    moderated_topic,
    require_moderator,
    visible_consortium,
    visible_space,
)
from .posts import back_to
from .redirects import safe_next
from .topics import TOPICS_PER_PAGE


@login_required
def post_hide(request: HttpRequest, pk: int) -> HttpResponse:
    post = moderated_post(request, pk)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.hide_post(post=post, moderator=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Der Beitrag ist ausgeblendet."))
        # From the report queue back to it; otherwise to the post.
        return redirect(next_url) if (next_url := safe_next(request)) else back_to(post)
    status = 400 if form.is_bound else 200
    context = {"post": post, "form": form, "next": safe_next(request)}
    return render(request, "forum/post_hide.html", context, status=status)


@login_required
@require_POST
def post_restore(request: HttpRequest, pk: int) -> HttpResponse:
    post = moderated_post(request, pk)
    services.restore_post(post=post, moderator=request.user)
    messages.success(request, _("Der Beitrag ist wieder sichtbar."))
    return redirect(next_url) if (next_url := safe_next(request)) else back_to(post)


TOPIC_FLAGS = {
    "sperren": ("locked", True, gettext_lazy("Die Diskussion ist gesperrt.")),
    "entsperren": ("locked", False, gettext_lazy("Die Diskussion ist wieder offen.")),
    "anheften": ("pinned", True, gettext_lazy("Die Diskussion ist angeheftet.")),
    "loesen": ("pinned", False, gettext_lazy("Die Diskussion ist nicht mehr angeheftet.")),
}


@login_required
@require_POST
def topic_flag(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in TOPIC_FLAGS:
        raise Http404
    topic = moderated_topic(request, pk)
    flag, value, message = TOPIC_FLAGS[action]
    services.set_topic_flag(topic=topic, moderator=request.user, flag=flag, value=value)
    messages.success(request, message)
    return redirect(topic.get_absolute_url())


@login_required
def topic_move(request: HttpRequest, pk: int) -> HttpResponse:
    topic = moderated_topic(request, pk)
    targets = selectors.move_targets(topic, request.user)
    if not targets.exists():
        # The topic page offers no move then; an address typed in gets the reason, not a form
        # whose every choice would be refused.
        return render(request, "forum/topic_move.html", {"topic": topic})
    form = MoveForm(posted(request), targets=targets)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        if services.crosses_spaces(topic.space, target):
            # Other readers: not a move but sharing, which asks every author first.
            share_url = reverse("forum:share_propose", kwargs={"pk": topic.pk})
            return redirect(f"{share_url}?{urlencode({'ziel': target.pk})}")
        try:
            services.move_topic(
                topic=topic,
                moderator=request.user,
                target=target,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error) or _("Dafür fehlt Ihnen die Berechtigung."))
        else:
            messages.success(request, _("Die Diskussion ist verschoben."))
            return redirect(topic.get_absolute_url())
    status = 400 if form.is_bound else 200
    return render(request, "forum/topic_move.html", {"topic": topic, "form": form}, status=status)


@login_required
def space_reports(request: HttpRequest, slug: str) -> HttpResponse:
    space = visible_space(request, slug)
    require_moderator(request.user, space)
    page = Paginator(selectors.open_reports(space), TOPICS_PER_PAGE).get_page(
        page_number(request.GET)
    )
    return render(request, "forum/reports.html", {"space": space, "page": page})


@login_required
@require_POST
def report_handle(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        Report.objects.filter(
            selectors.readable_spaces_q(request.user, "post__topic__space__")
        ).select_related("post__topic__space"),
        pk=pk,
    )
    space = report.post.topic.space
    require_moderator(request.user, space)
    form = ResolutionForm(request.POST)
    form.is_valid()
    services.handle_report(
        report=report, moderator=request.user, resolution=form.cleaned_data.get("resolution", "")
    )
    messages.success(request, _("Die Meldung ist als erledigt markiert."))
    return redirect("forum:reports", slug=space.slug)


@login_required
def consortium_moderation_log(request: HttpRequest, slug: str) -> HttpResponse:
    consortium = visible_consortium(request, slug)
    if not policy.allowed(request.user, "forum.see_moderation_log", consortium):
        raise PermissionDenied
    page = Paginator(selectors.moderation_log(consortium), 50).get_page(page_number(request.GET))
    return render(request, "forum/moderation_log.html", {"consortium": consortium, "page": page})


@login_required
def academy_moderation_log(request: HttpRequest) -> HttpResponse:
    if not policy.allowed(request.user, "forum.see_academy_moderation_log"):
        raise PermissionDenied
    page = Paginator(selectors.moderation_log(None), 50).get_page(page_number(request.GET))
    return render(request, "forum/moderation_log.html", {"consortium": None, "page": page})
