"""Reading and writing discussions: the forum home, a space's topic list, a topic with its posts
and reply form, new topics and replies, the fragments and permalinks live updates and links
lead to, following a topic and marking it a lesson learned."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import events, selectors, services
from .. import rules as policy
from ..forms import ReplyForm, TopicForm, add_service_errors, posted
from ..live import live_config
from ..models import Post, Tag, Topic
from ..numbers import page_number, parse_id
from ..streams import personal_stream, space_stream, topic_stream
from .guards import visible_post, visible_space, visible_topic
from .post_html import render_posts
from .posts import back_to

TOPICS_PER_PAGE = 25
POSTS_PER_PAGE = 20


@login_required
def forum_home(request: HttpRequest) -> HttpResponse:
    stream = personal_stream(request.user.pk)
    context = {
        "live_config": live_config(stream, events.position_of(stream)),
        "spaces": selectors.spaces_for_home(request.user),
        "new_topics": selectors.new_for_user(request.user),
        "can_see_academy_log": policy.allowed(request.user, "forum.see_academy_moderation_log"),
    }
    return render(request, "forum/home.html", context)


@login_required
def space_detail(request: HttpRequest, slug: str) -> HttpResponse:
    space = visible_space(request, slug)
    # Read before the topics: whatever happens after this reaches the page live.
    position = events.position_of(space_stream(space.pk))
    tag = None
    if request.GET.get("thema"):
        tag = Tag.objects.filter(slug=request.GET["thema"]).first()
        if tag is None:
            raise Http404
    page = Paginator(selectors.topics_in_space(space, request.user, tag), TOPICS_PER_PAGE).get_page(
        page_number(request.GET)
    )
    context = {
        "live_config": live_config(space_stream(space.pk), position),
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
    space = visible_space(request, slug)
    if not policy.allowed(request.user, "forum.post_in_space", space):
        raise PermissionDenied
    form = TopicForm(posted(request), request.FILES or None)
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


@login_required
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = visible_topic(request, pk)
    position = events.position_of(topic_stream(topic.pk))  # before the posts, see live_config
    user = request.user
    can_reply = policy.allowed(user, "forum.reply_to_topic", topic)
    page, posts = selectors.topic_page(topic, page_number(request.GET), POSTS_PER_PAGE)
    if posts and posts[-1].pk > topic.last_read:  # read positions never move back
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
    can_moderate = policy.allowed(user, "forum.moderate_space", topic.space)
    return {
        "live_config": live_config(
            topic_stream(topic.pk),
            position,
            isLastPage=not page.has_next(),
            lastPageUrl=f"{topic.get_absolute_url()}?seite={page.paginator.num_pages}",
            userId=user.pk,
        ),
        "topic": topic,
        "space": topic.space,
        "page": page,
        "posts": render_posts(
            request,
            posts,
            topic,
            page_number=page.number,
            can_quote=reply_form is not None,
            can_moderate=can_moderate,
        ),
        "reply_form": reply_form,
        "has_unread": topic.is_unread,
        "can_moderate": can_moderate,
        # Only offered where some target exists: coaches may not leave their consortium's spaces.
        "can_move": can_moderate and selectors.move_targets(topic, user).exists(),
        "can_mark_lesson": policy.allowed(user, "forum.mark_lesson", topic),
        "can_convert": policy.allowed(user, "cms.convert_topic", topic),
        "can_share": policy.allowed(user, "forum.propose_share", topic),
        "shared_origin": _shared_origin(topic),
        "can_reply": policy.allowed(user, "forum.reply_to_topic", topic),
        "is_subscribed": topic.is_subscribed,
    }


def _shared_origin(topic: Topic) -> str:
    """„aus dem Verbund X, mit Zustimmung geteilt“ on a copy: its authors agreed to that."""
    proposal = getattr(topic, "share_origin", None)
    if proposal is None:
        return ""
    consortium = proposal.topic.space.consortium
    if consortium is None:
        return _("aus einem akademieweiten Bereich, mit Zustimmung geteilt")
    return _("aus dem Verbund %(name)s, mit Zustimmung geteilt") % {"name": consortium.name}


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
    topic = visible_topic(request, pk)
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
            return back_to(post)
    if not policy.allowed(request.user, "forum.post_in_space", topic.space):
        raise PermissionDenied
    # Show the last page with the form and the text the user typed.
    position = events.position_of(topic_stream(topic.pk))
    page, posts = selectors.topic_page(topic, None, POSTS_PER_PAGE)
    context = _topic_context(request, topic, page, posts, form, position)
    return render(request, "forum/topic.html", context, status=400)


@login_required
def post_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """One post rendered for this viewer, for live updates (the socket says only *which* post)."""
    post = visible_post(request, pk)
    topic, user = post.topic, request.user
    posts = list(selectors.posts_for_topic_page(topic).filter(pk=pk))
    selectors.load_attachments(posts)
    selectors.load_mentions(posts)
    (html,) = render_posts(
        request,
        posts,
        topic,
        can_quote=policy.allowed(user, "forum.reply_to_topic", topic),
        can_moderate=policy.allowed(user, "forum.moderate_space", topic.space),
    )
    return HttpResponse(html)


@login_required
def topic_first_unread(request: HttpRequest, pk: int) -> HttpResponse:
    topic = visible_topic(request, pk)
    post = Post.objects.filter(topic=topic, pk__gt=topic.last_read).order_by("pk").first()
    if post is None:
        post = Post.objects.filter(topic=topic).order_by("-pk").first()
    return redirect("forum:post", pk=post.pk)


@login_required
def post_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    post = visible_post(request, pk)
    before = Post.objects.filter(topic_id=post.topic_id, pk__lt=post.pk).count()
    page_number = before // POSTS_PER_PAGE + 1
    url = reverse("forum:topic", kwargs={"pk": post.topic_id})
    if page_number > 1:
        url += f"?seite={page_number}"
    return redirect(f"{url}#beitrag-{post.pk}")


@login_required
@require_POST
def topic_lesson(request: HttpRequest, pk: int) -> HttpResponse:
    topic = visible_topic(request, pk)
    services.set_lesson(topic=topic, user=request.user, value=not topic.is_lesson)
    return redirect(topic.get_absolute_url())


@login_required
@require_POST
def topic_subscription(request: HttpRequest, pk: int) -> HttpResponse:
    topic = visible_topic(request, pk)
    subscribed = request.POST.get("abonnieren") == "1"
    services.set_subscription(topic=topic, user=request.user, subscribed=subscribed)
    if subscribed:
        messages.success(request, _("Sie folgen dieser Diskussion."))
    else:
        messages.success(request, _("Sie folgen dieser Diskussion nicht mehr."))
    return redirect(topic.get_absolute_url())
