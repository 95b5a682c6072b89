"""Consortium pages, the member directory, removing a member, and people's profiles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import rules as policy
from .. import selectors, services
from ..forms import ProfileForm, posted
from ..models import Membership, Profile
from ..numbers import page_number
from .guards import managed_consortium, visible_consortium

MEMBERS_PER_PAGE = 50


@login_required
def consortium_list(request: HttpRequest) -> HttpResponse:
    consortia = selectors.consortia_visible_to(request.user)
    return render(request, "forum/consortium_list.html", {"consortia": consortia})


@login_required
def consortium_detail(request: HttpRequest, slug: str) -> HttpResponse:
    consortium = visible_consortium(request, slug)
    memberships = list(selectors.memberships_of(consortium))
    context = {
        "consortium": consortium,
        "towns": consortium.towns.all(),
        "phases": consortium.phases.all(),
        "coaches": [m for m in memberships if m.role == "coach"],
        "core_team": [m for m in memberships if m.role == "core_team"],
        "member_count": len(memberships),
        "can_manage_members": policy.allowed(request.user, "forum.manage_members", consortium),
        "can_see_log": policy.allowed(request.user, "forum.see_moderation_log", consortium),
        "space": consortium.spaces.order_by("pk").first(),
    }
    return render(request, "forum/consortium_detail.html", context)


@login_required
def member_directory(request: HttpRequest, slug: str) -> HttpResponse:
    consortium = visible_consortium(request, slug)
    page = Paginator(selectors.memberships_of(consortium), MEMBERS_PER_PAGE).get_page(
        page_number(request.GET)
    )
    context = {
        "consortium": consortium,
        "page": page,
        "can_manage_members": policy.allowed(request.user, "forum.manage_members", consortium),
    }
    return render(request, "forum/member_directory.html", context)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consortium = managed_consortium(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user__profile", "consortium"),
        pk=pk,
        consortium=consortium,
    )
    try:
        services.remove_member(membership=membership, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = getattr(
            getattr(membership.user, "profile", None), "display_name", membership.user.email
        )
        messages.success(request, _("%(name)s wurde aus dem Verbund entfernt.") % {"name": name})
    return redirect("forum:members", slug=slug)


@login_required
def profile_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    person = selectors.profile_user_visible_to(user_id, request.user)
    if person is None:
        raise Http404
    shared = selectors.consortia_visible_to(request.user).filter(memberships__user=person)
    return render(
        request, "forum/profile_detail.html", {"person": person, "shared_consortia": shared}
    )


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = Profile.objects.filter(user=request.user).first()
    form = ProfileForm(posted(request), instance=profile)
    if request.method == "POST" and form.is_valid():
        services.update_profile(
            user=request.user,
            display_name=form.cleaned_data["display_name"],
            function=form.cleaned_data["function"],
            bio=form.cleaned_data["bio"],
            accepts_contact_requests=form.cleaned_data["accepts_contact_requests"],
        )
        messages.success(request, _("Ihr Profil ist gespeichert."))
        return redirect("forum:profile", user_id=request.user.pk)
    status = 400 if form.is_bound else 200
    return render(request, "forum/profile_edit.html", {"form": form}, status=status)
