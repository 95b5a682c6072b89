"""A post's own pages: editing (with conflict handling), deleting, its edit history, the
"helpful" mark and reporting it to the space's moderation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import rules as policy
from .. import services
from ..forms import PostEditForm, ReasonForm, add_service_errors, posted, rebase_after_conflict
from ..models import Post
from .guards import visible_post


def back_to(post: Post) -> HttpResponse:
    """Back to the post, on its page of the topic."""
    return redirect("forum:post", pk=post.pk)


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = visible_post(request, pk)
    if not policy.allowed(request.user, "forum.change_own_post", post):
        raise PermissionDenied
    form = PostEditForm(posted(request), initial={"body": post.body, "based_on": post.version})
    saved_meanwhile = None
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(
                post=post,
                editor=request.user,
                body=form.cleaned_data["body"],
                based_on=form.cleaned_data["based_on"] or None,
            )
        except services.EditConflict as conflict:
            saved_meanwhile = visible_post(request, pk)
            rebase_after_conflict(form, conflict, saved_meanwhile.version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Ihr Beitrag ist geändert."))
            return back_to(post)
    status = 409 if saved_meanwhile else 400 if form.is_bound else 200
    context = {"post": post, "form": form, "saved_meanwhile": saved_meanwhile}
    return render(request, "forum/post_edit.html", context, status=status)


@login_required
def post_delete(request: HttpRequest, pk: int) -> HttpResponse:
    post = visible_post(request, pk)
    if not policy.allowed(request.user, "forum.change_own_post", post):
        raise PermissionDenied
    if request.method == "POST":
        services.delete_post(post=post, actor=request.user)
        messages.success(request, _("Ihr Beitrag ist gelöscht."))
        return back_to(post)
    return render(request, "forum/post_delete.html", {"post": post})


@login_required
def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    post = visible_post(request, pk)
    if not policy.allowed(request.user, "forum.see_post_history", post):
        raise PermissionDenied
    revisions = post.revisions.select_related("replaced_by__profile")
    return render(request, "forum/post_history.html", {"post": post, "revisions": revisions})


@login_required
@require_POST
def post_helpful(request: HttpRequest, pk: int) -> HttpResponse:
    post = visible_post(request, pk)
    services.toggle_helpful(post=post, user=request.user)
    return back_to(post)


@login_required
def post_report(request: HttpRequest, pk: int) -> HttpResponse:
    post = visible_post(request, pk)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.report_post(post=post, reporter=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request, _("Danke. Die Moderation des Bereichs sieht sich den Beitrag an.")
        )
        return back_to(post)
    status = 400 if form.is_bound else 200
    context = {
        "post": post,
        "form": form,
        "shows_body": policy.allowed(request.user, "forum.see_post_content", post),
    }
    return render(request, "forum/post_report.html", context, status=status)
