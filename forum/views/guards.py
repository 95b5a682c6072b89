"""What a forum view checks before it acts. Each guard returns the object the user may act on or
raises: ``Http404`` where the object must not be known to exist (a closed consortium's things
answer non-members exactly like things that do not exist), ``PermissionDenied`` where the user
sees it but may not do this, and ``MfaRequired`` (a redirect to set up two-factor login, see
``forum.middleware``) where the user may do it once two-factor login is set up."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from .. import rules as policy
from .. import selectors
from ..middleware import MfaRequired
from ..models import Consortium, Post, Space, Topic


def require_mfa(user: Any) -> None:
    if not policy.has_mfa(user):
        raise MfaRequired


def require_moderator(user: Any, space: Space) -> None:
    """403 for those who may not moderate ``space``, MFA setup for moderators without it."""
    if not policy.allowed(user, "forum.moderate_space", space):
        raise PermissionDenied
    require_mfa(user)


def visible_consortium(request: HttpRequest, slug: str) -> Consortium:
    """The consortium, or 404 for non-members exactly as for a slug that does not exist."""
    consortium = selectors.consortium_for_overview(slug, request.user)
    if consortium is None:
        raise Http404
    return consortium


def managed_consortium(request: HttpRequest, slug: str) -> Consortium:
    """The consortium if the user may manage its members (404 otherwise), once MFA is set up."""
    consortium = visible_consortium(request, slug)
    if not policy.allowed(request.user, "forum.manage_members", consortium):
        raise Http404
    require_mfa(request.user)
    return consortium


def visible_space(request: HttpRequest, slug: str) -> Space:
    space = selectors.space_visible_to(slug, request.user)
    if space is None:
        raise Http404
    return space


def visible_topic(request: HttpRequest, pk: int) -> Topic:
    topic = selectors.topic_visible_to(pk, request.user)
    if topic is None:
        raise Http404
    return topic


def visible_post(request: HttpRequest, pk: int) -> Post:
    post = selectors.post_visible_to(pk, request.user)
    if post is None:
        raise Http404
    return post


def moderated_topic(request: HttpRequest, pk: int) -> Topic:
    topic = visible_topic(request, pk)
    require_moderator(request.user, topic.space)
    return topic


def moderated_post(request: HttpRequest, pk: int) -> Post:
    post = visible_post(request, pk)
    require_moderator(request.user, post.topic.space)
    return post
