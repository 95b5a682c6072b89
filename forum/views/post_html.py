"""Posts as the topic page and live updates show them, rendered once for everything they show.

Rendering the same posts again for every reader was most of the topic page's time (0.5 ms a
post, bench/scale.py). Each post is drawn from one flat dict: the post's facts and the viewer's
flags from the policy. The template sees nothing else, and a digest of the dict is the cache key,
so a cached post can never be older than what it shows and needs no invalidation; readers with
the same flags share it. The cache is one per process (``CACHES["posts"]``).

The forms in a post carry the reader's CSRF token: a post is rendered with a placeholder that is
random per process, and the token replaces it in exactly that attribute, per request."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from typing import Any

from django.core.cache import caches
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from .. import rules as policy
from ..models import Post, Role, Topic

TEMPLATE = "forum/includes/post.html"
_CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"
_CSRF_FIELD = 'name="csrfmiddlewaretoken" value="{}"'


def render_posts(
    request: HttpRequest,
    posts: list[Post],
    topic: Topic,
    *,
    page_number: int = 1,
    can_quote: bool,
    can_moderate: bool,
) -> list[SafeString]:
    """The HTML of each post for ``request.user``, in order."""
    shown = [
        _shown(post, request.user, topic, page_number, can_quote, can_moderate) for post in posts
    ]
    context_key = (translation.get_language(), timezone.get_current_timezone_name())
    keys = [_key(context_key, values) for values in shown]
    cache = caches["posts"]
    cached = cache.get_many(keys)
    missing = {}
    template = get_template(TEMPLATE)
    for key, values in zip(keys, shown, strict=True):
        if key not in cached:
            html = template.render({"post": values, "csrf_token": _CSRF_PLACEHOLDER})
            cached[key] = missing[key] = html
    if missing:
        cache.set_many(missing)
    csrf = (_CSRF_FIELD.format(_CSRF_PLACEHOLDER), _CSRF_FIELD.format(get_token(request)))
    # The markup comes from our template; the values in it were escaped when it was rendered.
    return [mark_safe(cached[key].replace(*csrf)) for key in keys]  # noqa: S308


def _body_html(post: Post, user: Any) -> str:
    """The post's HTML with mentions linked only to profiles the reader may open; the others
    become plain text, as the author's name does (a link would answer 404)."""
    if not post.has_mentions:
        return post.body_html
    visible = {
        person.pk
        for person in post.mentions.all()
        if policy.allowed(user, "forum.see_profile", person)
    }

    def plain_unless_visible(match: re.Match) -> str:
        if int(match.group(1)) in visible:
            return match.group(0)
        return f'<span class="mention">{match.group(2)}</span>'

    return _mention_link().sub(plain_unless_visible, post.body_html)


@functools.cache
def _mention_link() -> re.Pattern:
    """A mention as forum/markdown.py renders it: a link to the profile with class "mention"."""
    link = re.escape(reverse("forum:profile", kwargs={"user_id": 0})).replace("0", r"(\d+)", 1)
    return re.compile(f'<a href="{link}" class="mention"[^>]*>(.*?)</a>')


def _key(context_key: tuple, values: dict) -> str:
    digest = hashlib.blake2b(repr((context_key, values)).encode(), digest_size=20)
    return f"post:{digest.hexdigest()}"


def _shown(
    post: Post, user: Any, topic: Topic, page_number: int, can_quote: bool, can_moderate: bool
) -> dict:
    """Every value the post's template uses, and nothing else.

    The posts' topic is set to ``topic`` (with its space loaded): the policy needs the space,
    and asking through each post would cost a query per post."""
    post.topic = topic
    marks = list(post.helpful_marks.all())
    author = post.author
    profile = getattr(author, "profile", None)
    role = post.author_guiding_role
    open_post = not post.is_deleted and not post.is_hidden
    shows_body = policy.allowed(user, "forum.see_post_content", post)
    return {
        "pk": post.pk,
        "author_id": post.author_id,
        # The author's memberships come with the posts (selectors.posts_for_topic_page).
        "author_profile_visible": policy.allowed(user, "forum.see_profile", author),
        "author_name": (profile.display_name if profile else "") or author.username,
        "author_role": str(Role(role).label) if role else "",
        "author_town": profile.town.name if profile and profile.town else "",
        "created_at": post.created_at,
        "edited": post.edited_at is not None,
        "can_see_history": post.edited_at is not None
        and policy.allowed(user, "forum.see_post_history", post),
        "is_deleted": post.is_deleted,
        "is_hidden": post.is_hidden,
        "hidden_reason": post.hidden_reason if shows_body else "",
        "shows_body": shows_body,
        "body_html": _body_html(post, user) if shows_body else "",
        "attachments": tuple(
            (a.pk, bool(a.thumbnail), a.original_name, a.size) for a in post.attachments.all()
        )
        if shows_body and post.has_attachments
        else (),
        "helpful_count": len(marks),
        "helpful_names": tuple(
            m.user.profile.display_name for m in marks if hasattr(m.user, "profile")
        ),
        "can_mark_helpful": policy.allowed(user, "forum.mark_helpful", post),
        "marked_helpful": any(m.user_id == user.pk for m in marks),
        "quote_query": (f"seite={page_number}&" if page_number > 1 else "")
        if can_quote and open_post
        else None,
        "can_change": policy.allowed(user, "forum.change_own_post", post),
        "can_report": open_post and post.author_id != user.pk,
        "is_shared_copy": post.shared_from_id is not None,
        "can_withdraw_copy": policy.allowed(user, "forum.withdraw_shared_post", post),
        "moderation": ("restore" if post.is_hidden else "hide")
        if can_moderate and not post.is_deleted
        else None,
    }
