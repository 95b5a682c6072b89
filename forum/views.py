"""Thin views: authorise through ``forum.rules``, read through selectors, write through services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import events, notifications, selectors, services, uploads
from . import rules as policy
from . import search as forum_search
from .forms import (
    InvitationForm,
    InvitationSignupForm,
    MoveForm,
    NotificationPreferencesForm,
    PostEditForm,
    ProfileForm,
    ReasonForm,
    ReplyForm,
    ResolutionForm,
    TopicForm,
    add_service_errors,
    rebase_after_conflict,
)
from .live import live_config
from .models import (
    Attachment,
    Consortium,
    Delivery,
    Invitation,
    Membership,
    NotificationKind,
    Post,
    Profile,
    Report,
    Subscription,
    Tag,
    Topic,
)
from .numbers import page_number, parse_id, parse_ids
from .services import InvitationError

MEMBERS_PER_PAGE = 50


def _visible_consortium(request: HttpRequest, slug: str) -> Consortium:
    """The consortium, or 404 for non-members exactly as for a slug that does not exist."""
    consortium = selectors.consortium_for_overview(slug, request.user)
    if consortium is None:
        raise Http404
    return consortium


def _managed_consortium(request: HttpRequest, slug: str) -> Consortium | HttpResponse:
    """The consortium if the user may manage members, a redirect to MFA setup if that is missing."""
    consortium = _visible_consortium(request, slug)
    if not policy.allowed(request.user, "forum.manage_members", consortium):
        raise Http404
    if not policy.has_mfa(request.user):
        return _mfa_setup_redirect(request)
    return consortium


@login_required
def consortium_list(request: HttpRequest) -> HttpResponse:
    consortia = selectors.consortia_visible_to(request.user)
    return render(request, "forum/consortium_list.html", {"consortia": consortia})


@login_required
def consortium_detail(request: HttpRequest, slug: str) -> HttpResponse:
    consortium = _visible_consortium(request, slug)
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
    consortium = _visible_consortium(request, slug)
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
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.update_profile(
            user=request.user,
            display_name=form.cleaned_data["display_name"],
            function=form.cleaned_data["function"],
            bio=form.cleaned_data["bio"],
        )
        messages.success(request, _("Ihr Profil ist gespeichert."))
        return redirect("forum:profile", user_id=request.user.pk)
    status = 400 if form.is_bound else 200
    return render(request, "forum/profile_edit.html", {"form": form}, status=status)


@login_required
def invitation_list(request: HttpRequest, slug: str) -> HttpResponse:
    consortium = _managed_consortium(request, slug)
    if isinstance(consortium, HttpResponse):
        return consortium
    roles = policy.roles_assignable_by(request.user, consortium)
    form = InvitationForm(request.POST or None, consortium=consortium, assignable_roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.invite_member(
                consortium=consortium,
                inviter=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                town=form.cleaned_data["town"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Die Einladung an %(email)s ist verschickt.")
                % {"email": issued.invitation.email},
            )
            return redirect("forum:invitations", slug=consortium.slug)
    context = {
        "consortium": consortium,
        "form": form,
        "invitations": selectors.pending_invitations(consortium),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    status = 400 if form.is_bound else 200
    return render(request, "forum/invitation_list.html", context, status=status)


def _pending_invitation(request: HttpRequest, slug: str, pk: int) -> Invitation | HttpResponse:
    consortium = _managed_consortium(request, slug)
    if isinstance(consortium, HttpResponse):
        return consortium
    return get_object_or_404(
        Invitation.objects.select_related("consortium"), pk=pk, consortium=consortium
    )


@login_required
@require_POST
def invitation_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    invitation = _pending_invitation(request, slug, pk)
    if isinstance(invitation, HttpResponse):
        return invitation
    try:
        services.resend_invitation(invitation=invitation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Die Einladung an %(email)s wurde erneut gesendet.") % {"email": invitation.email},
        )
    return redirect("forum:invitations", slug=slug)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    invitation = _pending_invitation(request, slug, pk)
    if isinstance(invitation, HttpResponse):
        return invitation
    try:
        services.revoke_invitation(invitation=invitation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Die Einladung an %(email)s ist zurückgezogen.") % {"email": invitation.email},
        )
    return redirect("forum:invitations", slug=slug)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consortium = _managed_consortium(request, slug)
    if isinstance(consortium, HttpResponse):
        return consortium
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


INVITATION_ERRORS: dict[str, tuple[int, Promise, Promise]] = {
    InvitationError.INVALID: (
        404,
        gettext_lazy("Ungültiger Einladungslink"),
        gettext_lazy(
            "Diesen Einladungslink kennen wir nicht. Bitte prüfen Sie, ob Sie ihn vollständig "
            "aus der E-Mail übernommen haben."
        ),
    ),
    InvitationError.EXPIRED: (
        410,
        gettext_lazy("Einladung abgelaufen"),
        gettext_lazy(
            "Dieser Einladungslink ist abgelaufen. Bitten Sie die Person, die Sie eingeladen hat, "
            "die Einladung erneut zu senden."
        ),
    ),
    InvitationError.USED: (
        410,
        gettext_lazy("Einladung bereits angenommen"),
        gettext_lazy(
            "Diese Einladung wurde bereits angenommen. Melden Sie sich mit Ihrem Konto an."
        ),
    ),
    InvitationError.REVOKED: (
        410,
        gettext_lazy("Einladung zurückgezogen"),
        gettext_lazy(
            "Diese Einladung wurde zurückgezogen. Wenden Sie sich bei Fragen an Ihre "
            "Kleinstadtpatin oder Ihren Kleinstadtpaten."
        ),
    ),
    InvitationError.WRONG_ACCOUNT: (
        403,
        gettext_lazy("Einladung für eine andere E-Mail-Adresse"),
        gettext_lazy(
            "Diese Einladung gilt für eine andere E-Mail-Adresse als die Ihres Kontos. Melden Sie "
            "sich ab und öffnen Sie den Link erneut, oder bitten Sie um eine Einladung an "
            "Ihre Adresse."
        ),
    ),
}


def _invitation_error(request: HttpRequest, error: InvitationError) -> HttpResponse:
    status, title, text = INVITATION_ERRORS[error.code]
    return render(
        request,
        "forum/invitation_error.html",
        {"title": title, "text": text, "code": error.code},
        status=status,
    )


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the invitation email: sign up, or join with the matching existing account."""
    try:
        invitation = services.find_invitation(token)
    except InvitationError as error:
        return _invitation_error(request, error)

    if request.user.is_authenticated:
        return _accept_as_user(request, token, invitation)

    if services.account_exists(invitation.email):
        login_url = reverse("account_login") + "?next=" + request.path
        return render(
            request,
            "forum/invitation_login.html",
            {"invitation": invitation, "login_url": login_url},
        )

    form = InvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation_with_signup(
                token=token,
                display_name=form.cleaned_data["display_name"],
                function=form.cleaned_data["function"],
                password=form.cleaned_data["password1"],
            )
        except InvitationError as error:
            return _invitation_error(request, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Willkommen im Verbund „%(name)s“!") % {"name": invitation.consortium.name},
            )
            return redirect(invitation.consortium.get_absolute_url())
    status = 400 if form.is_bound else 200
    return render(
        request,
        "forum/invitation_signup.html",
        {"invitation": invitation, "form": form},
        status=status,
    )


def _accept_as_user(request: HttpRequest, token: str, invitation: Invitation) -> Any:
    if not services.invitation_matches_user(invitation, request.user):
        return _invitation_error(request, InvitationError(InvitationError.WRONG_ACCOUNT))
    if request.method == "POST":
        try:
            services.accept_invitation_as_user(token=token, user=request.user)
        except InvitationError as error:
            return _invitation_error(request, error)
        messages.success(
            request,
            _("Sie sind jetzt Mitglied im Verbund „%(name)s“.")
            % {"name": invitation.consortium.name},
        )
        return redirect(invitation.consortium.get_absolute_url())
    return render(request, "forum/invitation_confirm.html", {"invitation": invitation})


# --- Forum ----------------------------------------------------------------------------------

TOPICS_PER_PAGE = 25
POSTS_PER_PAGE = 20


def _mfa_setup_redirect(request: HttpRequest) -> HttpResponse:
    messages.warning(
        request,
        _(
            "Bitte richten Sie zuerst die Zwei-Faktor-Anmeldung ein. Erst dann können Sie "
            "moderieren, einladen oder Mitglieder entfernen."
        ),
    )
    return redirect_to_login(
        request.get_full_path(), login_url=reverse("mfa_activate_totp"), redirect_field_name="next"
    )


def _back_to(post: Post) -> HttpResponse:
    return redirect("forum:post", pk=post.pk)


@login_required
def forum_home(request: HttpRequest) -> HttpResponse:
    stream = f"user:{request.user.pk}"
    context = {
        "live_config": live_config(stream, events.position_of(stream)),
        "spaces": selectors.spaces_for_home(request.user),
        "new_topics": selectors.new_for_user(request.user),
        "can_see_academy_log": policy.allowed(request.user, "forum.see_academy_moderation_log"),
    }
    return render(request, "forum/home.html", context)


@login_required
def space_detail(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_visible_to(slug, request.user)
    if space is None:
        raise Http404
    # Read before the topics: whatever happens after this reaches the page live.
    position = events.position_of(f"space:{space.pk}")
    tag = None
    if request.GET.get("thema"):
        tag = Tag.objects.filter(slug=request.GET["thema"]).first()
        if tag is None:
            raise Http404
    page = Paginator(selectors.topics_in_space(space, request.user, tag), TOPICS_PER_PAGE).get_page(
        page_number(request.GET)
    )
    context = {
        "live_config": live_config(f"space:{space.pk}", position),
        "space": space,
        "page": page,
        "tag": tag,
        "tags": Tag.objects.filter(topics__space=space).distinct().order_by("name"),
        "can_post": policy.allowed(request.user, "forum.post_in_space", space),
        "can_moderate": policy.allowed(request.user, "forum.moderate_space", space),
    }
    return render(request, "forum/space.html", context)


@login_required
def topic_create(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_visible_to(slug, request.user)
    if space is None:
        raise Http404
    if not policy.allowed(request.user, "forum.post_in_space", space):
        raise PermissionDenied
    form = TopicForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.create_topic(
                space=space,
                author=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=list(form.cleaned_data["tags"]),
                uploads=form.cleaned_data["attachments"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(topic.get_absolute_url())
    status = 400 if form.is_bound else 200
    return render(request, "forum/topic_form.html", {"space": space, "form": form}, status=status)


def _prepare_posts(posts: list[Post], user: Any, topic: Topic) -> None:
    """Per-viewer flags from the policy, so the template never asks the database or the policy.

    The posts' topic is set to ``topic`` (with its space loaded): the policy needs the space,
    and asking through each post would cost a query per post."""
    for post in posts:
        post.topic = topic
        marks = list(post.helpful_marks.all())
        post.helpful_count = len(marks)
        post.helpful_names = [
            m.user.profile.display_name for m in marks if hasattr(m.user, "profile")
        ]
        post.marked_helpful = any(m.user_id == user.pk for m in marks)
        post.viewer_is_author = post.author_id == user.pk
        post.shows_body = policy.allowed(user, "forum.see_post_content", post)
        post.can_change = policy.allowed(user, "forum.change_own_post", post)
        post.can_mark_helpful = policy.allowed(user, "forum.mark_helpful", post)
        post.can_see_history = bool(post.edited_at) and policy.allowed(
            user, "forum.see_post_history", post
        )
        guiding = post.author.guiding_roles
        post.author_role = guiding[0].get_role_display() if guiding else ""


@login_required
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = selectors.topic_visible_to(pk, request.user)
    if topic is None:
        raise Http404
    position = events.position_of(f"topic:{topic.pk}")  # before the posts, see live_config
    user = request.user
    can_reply = policy.allowed(user, "forum.reply_to_topic", topic)
    page = Paginator(selectors.posts_for_topic_page(topic), POSTS_PER_PAGE).get_page(
        page_number(request.GET)
    )
    posts = list(page.object_list)
    _prepare_posts(posts, user, topic)
    if posts:
        services.mark_read(topic=topic, user=user, up_to_post_id=posts[-1].pk)
    reply_form = None
    if can_reply:
        reply_form = ReplyForm(initial={"body": _quote(request, topic)})
    return render(
        request,
        "forum/topic.html",
        _topic_context(request, topic, page, posts, reply_form, position),
    )


def _topic_context(request, topic, page, posts, reply_form, position: int) -> dict:
    user = request.user
    return {
        "live_config": live_config(
            f"topic:{topic.pk}",
            position,
            isLastPage=not page.has_next(),
            lastPageUrl=f"{topic.get_absolute_url()}?seite={page.paginator.num_pages}",
            userId=user.pk,
        ),
        "topic": topic,
        "space": topic.space,
        "page": page,
        "posts": posts,
        "reply_form": reply_form,
        "has_unread": topic.is_unread,
        "can_moderate": policy.allowed(user, "forum.moderate_space", topic.space),
        "can_mark_lesson": policy.allowed(user, "forum.mark_lesson", topic),
        "can_convert": policy.allowed(user, "cms.convert_topic", topic),
        "can_reply": policy.allowed(user, "forum.reply_to_topic", topic),
        "is_subscribed": Subscription.objects.filter(topic=topic, user=user).exists(),
    }


def _quote(request: HttpRequest, topic: Topic) -> str:
    """Reply text prefilled with a quote of ``?zitat=<post id>`` from the same topic."""
    post_id = parse_id(request.GET.get("zitat"))
    if post_id is None:
        return ""
    post = (
        Post.objects.filter(topic=topic, pk=post_id, deleted_at=None, hidden_at=None)
        .select_related("author__profile")
        .first()
    )
    if post is None:
        return ""
    quoted = "\n".join(f"> {line}" for line in post.body.splitlines())
    return f"{quoted}\n>\n> — @{post.author.username}\n\n"


@login_required
@require_POST
def topic_reply(request: HttpRequest, pk: int) -> HttpResponse:
    topic = selectors.topic_visible_to(pk, request.user)
    if topic is None:
        raise Http404
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            post = services.post_reply(
                topic=topic,
                author=request.user,
                body=form.cleaned_data["body"],
                uploads=form.cleaned_data["attachments"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _back_to(post)
    if not policy.allowed(request.user, "forum.post_in_space", topic.space):
        raise PermissionDenied
    # Show the last page with the form and the text the user typed.
    position = events.position_of(f"topic:{topic.pk}")
    paginator = Paginator(selectors.posts_for_topic_page(topic), POSTS_PER_PAGE)
    page = paginator.get_page(paginator.num_pages)
    posts = list(page.object_list)
    _prepare_posts(posts, request.user, topic)
    context = _topic_context(request, topic, page, posts, form, position)
    return render(request, "forum/topic.html", context, status=400)


@login_required
def post_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """One post rendered for this viewer, for live updates (the socket says only *which* post)."""
    post = selectors.post_visible_to(pk, request.user)
    if post is None:
        raise Http404
    topic, user = post.topic, request.user
    posts = list(selectors.posts_for_topic_page(topic).filter(pk=pk))
    can_moderate = policy.allowed(user, "forum.moderate_space", topic.space)
    _prepare_posts(posts, user, topic)
    context = {
        "post": posts[0],
        "can_moderate": can_moderate,
        "reply_form": policy.allowed(user, "forum.reply_to_topic", topic),
    }
    return render(request, "forum/includes/post.html", context)


@login_required
def topic_first_unread(request: HttpRequest, pk: int) -> HttpResponse:
    topic = selectors.topic_visible_to(pk, request.user)
    if topic is None:
        raise Http404
    post = Post.objects.filter(topic=topic, pk__gt=topic.last_read).order_by("pk").first()
    if post is None:
        post = Post.objects.filter(topic=topic).order_by("-pk").first()
    return redirect("forum:post", pk=post.pk)


@login_required
def post_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_visible_to(pk, request.user)
    if post is None:
        raise Http404
    before = Post.objects.filter(topic_id=post.topic_id, pk__lt=post.pk).count()
    page_number = before // POSTS_PER_PAGE + 1
    url = reverse("forum:topic", kwargs={"pk": post.topic_id})
    if page_number > 1:
        url += f"?seite={page_number}"
    return redirect(f"{url}#beitrag-{post.pk}")


def _visible_post(request: HttpRequest, pk: int) -> Post:
    post = selectors.post_visible_to(pk, request.user)
    if post is None:
        raise Http404
    return post


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    if not policy.allowed(request.user, "forum.change_own_post", post):
        raise PermissionDenied
    form = PostEditForm(request.POST or None, initial={"body": post.body, "based_on": post.version})
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
            saved_meanwhile = _visible_post(request, pk)
            rebase_after_conflict(form, conflict, saved_meanwhile.version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Ihr Beitrag ist geändert."))
            return _back_to(post)
    status = 409 if saved_meanwhile else 400 if form.is_bound else 200
    context = {"post": post, "form": form, "saved_meanwhile": saved_meanwhile}
    return render(request, "forum/post_edit.html", context, status=status)


@login_required
def post_delete(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    if not policy.allowed(request.user, "forum.change_own_post", post):
        raise PermissionDenied
    if request.method == "POST":
        services.delete_post(post=post, actor=request.user)
        messages.success(request, _("Ihr Beitrag ist gelöscht."))
        return _back_to(post)
    return render(request, "forum/post_delete.html", {"post": post})


@login_required
def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    if not policy.allowed(request.user, "forum.see_post_history", post):
        raise PermissionDenied
    revisions = post.revisions.select_related("replaced_by__profile")
    return render(request, "forum/post_history.html", {"post": post, "revisions": revisions})


@login_required
@require_POST
def post_helpful(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    services.toggle_helpful(post=post, user=request.user)
    return _back_to(post)


def _moderated_post(request: HttpRequest, pk: int) -> Post | HttpResponse:
    post = _visible_post(request, pk)
    if not policy.allowed(request.user, "forum.moderate_space", post.topic.space):
        raise PermissionDenied
    if not policy.has_mfa(request.user):
        return _mfa_setup_redirect(request)
    return post


@login_required
def post_hide(request: HttpRequest, pk: int) -> HttpResponse:
    post = _moderated_post(request, pk)
    if isinstance(post, HttpResponse):
        return post
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.hide_post(post=post, moderator=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Der Beitrag ist ausgeblendet."))
        return _back_to(post)
    status = 400 if form.is_bound else 200
    return render(request, "forum/post_hide.html", {"post": post, "form": form}, status=status)


@login_required
@require_POST
def post_restore(request: HttpRequest, pk: int) -> HttpResponse:
    post = _moderated_post(request, pk)
    if isinstance(post, HttpResponse):
        return post
    services.restore_post(post=post, moderator=request.user)
    messages.success(request, _("Der Beitrag ist wieder sichtbar."))
    return _back_to(post)


@login_required
def post_report(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.report_post(post=post, reporter=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request, _("Danke. Die Moderation des Bereichs sieht sich den Beitrag an.")
        )
        return _back_to(post)
    status = 400 if form.is_bound else 200
    return render(request, "forum/post_report.html", {"post": post, "form": form}, status=status)


def _moderated_topic(request: HttpRequest, pk: int) -> Topic | HttpResponse:
    topic = selectors.topic_visible_to(pk, request.user)
    if topic is None:
        raise Http404
    if not policy.allowed(request.user, "forum.moderate_space", topic.space):
        raise PermissionDenied
    if not policy.has_mfa(request.user):
        return _mfa_setup_redirect(request)
    return topic


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
    topic = _moderated_topic(request, pk)
    if isinstance(topic, HttpResponse):
        return topic
    flag, value, message = TOPIC_FLAGS[action]
    services.set_topic_flag(topic=topic, moderator=request.user, flag=flag, value=value)
    messages.success(request, message)
    return redirect(topic.get_absolute_url())


@login_required
def topic_move(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _moderated_topic(request, pk)
    if isinstance(topic, HttpResponse):
        return topic
    form = MoveForm(request.POST or None, targets=selectors.move_targets(topic, request.user))
    needs_confirmation = False
    if request.method == "POST" and form.is_valid():
        try:
            services.move_topic(
                topic=topic,
                moderator=request.user,
                target=form.cleaned_data["target"],
                reason=form.cleaned_data["reason"],
                confirmed=form.cleaned_data["confirm"],
            )
        except services.MoveNeedsConfirmation as error:
            needs_confirmation = True
            form.add_error("confirm", error)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error) or _("Dafür fehlt Ihnen die Berechtigung."))
        else:
            messages.success(request, _("Die Diskussion ist verschoben."))
            return redirect(topic.get_absolute_url())
    status = 400 if form.is_bound else 200
    context = {"topic": topic, "form": form, "needs_confirmation": needs_confirmation}
    return render(request, "forum/topic_move.html", context, status=status)


@login_required
@require_POST
def topic_lesson(request: HttpRequest, pk: int) -> HttpResponse:
    topic = selectors.topic_visible_to(pk, request.user)
    if topic is None:
        raise Http404
    services.set_lesson(topic=topic, user=request.user, value=not topic.is_lesson)
    return redirect(topic.get_absolute_url())


@login_required
@require_POST
def topic_subscription(request: HttpRequest, pk: int) -> HttpResponse:
    topic = selectors.topic_visible_to(pk, request.user)
    if topic is None:
        raise Http404
    subscribed = request.POST.get("abonnieren") == "1"
    services.set_subscription(topic=topic, user=request.user, subscribed=subscribed)
    if subscribed:
        messages.success(request, _("Sie folgen dieser Diskussion."))
    else:
        messages.success(request, _("Sie folgen dieser Diskussion nicht mehr."))
    return redirect(topic.get_absolute_url())


@login_required
def space_reports(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_visible_to(slug, request.user)
    if space is None:
        raise Http404
    if not policy.allowed(request.user, "forum.moderate_space", space):
        raise PermissionDenied
    if not policy.has_mfa(request.user):
        return _mfa_setup_redirect(request)
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
    if not policy.allowed(request.user, "forum.moderate_space", space):
        raise PermissionDenied
    if not policy.has_mfa(request.user):
        return _mfa_setup_redirect(request)
    form = ResolutionForm(request.POST)
    form.is_valid()
    services.handle_report(
        report=report, moderator=request.user, resolution=form.cleaned_data.get("resolution", "")
    )
    messages.success(request, _("Die Meldung ist als erledigt markiert."))
    return redirect("forum:reports", slug=space.slug)


@login_required
def consortium_moderation_log(request: HttpRequest, slug: str) -> HttpResponse:
    consortium = _visible_consortium(request, slug)
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


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    space = None
    if request.GET.get("bereich"):
        space = selectors.space_visible_to(request.GET["bereich"], request.user)
    hits = forum_search.search_posts(request.user, query, space=space) if query else []
    context = {
        "query": query,
        "hits": hits,
        "space": space,
        "too_long": len(query) > 200,
    }
    return render(request, "forum/search.html", context)


# --- Notifications --------------------------------------------------------------------------

NOTIFICATIONS_PER_PAGE = 30


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        notifications.notifications_for(request.user), NOTIFICATIONS_PER_PAGE
    ).get_page(page_number(request.GET))
    for notification in page.object_list:
        notification.actor_name = notifications.actor_name(notification)
    unread = notifications.unread_count(request.user)
    context = {
        "page": page,
        # Also read by the bell in base.html, so the count is asked once per page.
        "notification_unread": unread,
    }
    return render(request, "forum/notifications/list.html", context)


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (``notification=<id>``) or all of them (``alle=1``) as read."""
    if request.POST.get("alle"):
        notifications.mark_read(user=request.user)
        messages.success(request, _("Alle Benachrichtigungen sind als gelesen markiert."))
    else:
        ids = parse_ids(request.POST.getlist("notification"))
        # ``mark_read`` only ever touches the signed-in person's own notifications.
        if ids and notifications.mark_read(user=request.user, notification_ids=ids):
            messages.success(request, _("Die Benachrichtigung ist als gelesen markiert."))
    url = reverse("forum:notifications")
    page = page_number(request.POST)
    if page != 1:
        url += f"?seite={page}"
    return redirect(url)


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification to what it is about; 404 for anyone but its recipient and for
    notifications about things the recipient may no longer read."""
    notification = get_object_or_404(notifications.notifications_for(request.user), pk=pk)
    if notification.read_at is None:
        notifications.mark_read(user=request.user, notification_ids=[notification.pk])
    target = notification.url
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("forum:notifications")
    return redirect(target)


@login_required
@never_cache
def notification_count(request: HttpRequest) -> JsonResponse:
    """The bell's number, fetched by ``static/js/live.js`` when the personal stream says so."""
    response = JsonResponse({"unread": notifications.unread_count(request.user)})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    spaces = list(selectors.spaces_visible_to(request.user).order_by("consortium__name", "name"))
    form = NotificationPreferencesForm(request.POST or None, user=request.user, spaces=spaces)
    if request.method == "POST" and form.is_valid():
        # Only what changed is stored: untouched kinds keep following the defaults.
        notifications.set_preferences(user=request.user, deliveries=form.changed_deliveries())
        for space, level in form.changed_levels():
            notifications.set_space_level(user=request.user, space=space, level=level)
        messages.success(request, _("Ihre Einstellungen für Benachrichtigungen sind gespeichert."))
        return redirect("forum:notification_preferences")
    status = 400 if form.is_bound else 200
    return render(request, "forum/notifications/preferences.html", {"form": form}, status=status)


@csrf_exempt  # RFC 8058 one-click POSTs from mail clients carry no CSRF token: the signed
@never_cache  # token is the authorisation, and it can do nothing but switch one kind off.
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every notification email; works without login and never logs anyone in.

    GET only shows what will happen (mail scanners open links); POST switches the kind off."""
    try:
        user_id, kind, period = notifications.read_unsubscribe_token(token)
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        return _unsubscribe_invalid(request)
    if not get_user_model().objects.filter(pk=user_id).exists():
        return _unsubscribe_invalid(request)
    context = {
        "token": token,
        "kind_label": NotificationKind(kind).label if kind else "",
        "digest_label": Delivery(period).label if period else "",
        "done": False,
    }
    if request.method == "POST":
        try:
            notifications.unsubscribe(token=token)
        except get_user_model().DoesNotExist:
            return _unsubscribe_invalid(request)
        context["done"] = True
    return render(request, "forum/notifications/unsubscribe.html", context)


def _unsubscribe_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "forum/notifications/unsubscribe_invalid.html", status=400)
