"""The person's notifications: the list, marking read, following one to what it is about, the
bell's count, the preferences, and unsubscribing from an email link without logging in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .. import notifications, selectors
from ..forms import NotificationPreferencesForm, posted
from ..models import Delivery, NotificationKind
from ..numbers import page_number, parse_ids
from .redirects import on_this_site

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
    if not on_this_site(request, target):
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
    form = NotificationPreferencesForm(posted(request), user=request.user, spaces=spaces)
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
