"""Private conversations: the list ("Nachrichten"), one conversation with its reply form, the
messages that followed the open page's last one (for live updates), and the blocked people.

Only the two participants open a conversation; for everyone else, admins included, it does not
exist (404). Anonymous visitors are sent to login before anything is looked up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import events, selectors, services
from .. import rules as policy
from ..forms import MessageForm, add_service_errors
from ..live import live_config
from ..models import Conversation
from ..numbers import page_number, parse_id
from ..streams import personal_stream

CONVERSATIONS_PER_PAGE = 30
MESSAGES_PER_PAGE = 50


def _conversation(request: HttpRequest, pk: int) -> Conversation:
    conversation = selectors.conversation_for(pk, request.user)
    if conversation is None or not policy.allowed(
        request.user, "forum.read_conversation", conversation
    ):
        raise Http404
    return conversation


@login_required
def conversation_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.conversations_of(request.user), CONVERSATIONS_PER_PAGE).get_page(
        page_number(request.GET)
    )
    for conversation in page.object_list:
        conversation.partner = conversation.other_than(request.user)
        conversation.is_unread = conversation.is_unread_for(request.user)
    return render(request, "forum/conversations/list.html", {"page": page})


def _detail(
    request: HttpRequest, conversation: Conversation, form: MessageForm, status: int = 200
) -> HttpResponse:
    user = request.user
    before = parse_id(request.GET.get("vor"))
    # The position first: whatever is sent after it reaches the page live.
    position = events.position_of(personal_stream(user.pk))
    shown, older = selectors.message_page(conversation, before=before, per_page=MESSAGES_PER_PAGE)
    is_latest = before is None
    if is_latest and request.method == "GET":
        services.mark_conversation_read(conversation=conversation, user=user)
    context = {
        "conversation": conversation,
        "partner": conversation.other_than(user),
        "shown": shown,
        "older": older,
        "form": form,
        "can_write": policy.allowed(user, "forum.write_in_conversation", conversation),
    }
    if is_latest:
        context["live_config"] = live_config(
            personal_stream(user.pk),
            position,
            conversationId=conversation.pk,
            messagesUrl=reverse(
                "forum:conversation_messages_after", kwargs={"pk": conversation.pk}
            ),
            perPage=MESSAGES_PER_PAGE,
        )
    return render(request, "forum/conversations/detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    if request.method != "POST":
        return _detail(request, conversation, MessageForm())
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.send_message(
                conversation=conversation, author=request.user, body=form.cleaned_data["body"]
            )
        except PermissionDenied:
            form.add_error(
                None, _("Sie können in dieser Unterhaltung keine Nachrichten mehr schreiben.")
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(f"{conversation.get_absolute_url()}#antworten")
    return _detail(request, conversation, form, status=400)


@login_required
def conversation_messages_after(request: HttpRequest, pk: int) -> HttpResponse:
    """The messages after ``?nach=<id>``, as the conversation page renders them (the live
    event says only *that* something arrived)."""
    conversation = _conversation(request, pk)
    after = parse_id(request.GET.get("nach"), default=0)
    shown = selectors.messages_after(conversation, after=after, limit=MESSAGES_PER_PAGE)
    if shown:
        services.mark_conversation_read(conversation=conversation, user=request.user)
    html = render_to_string(
        "forum/conversations/messages.html",
        {"shown": shown, "conversation": conversation},
        request=request,
    )
    response = HttpResponse(html)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def blocked_people(request: HttpRequest) -> HttpResponse:
    return render(
        request, "forum/conversations/blocked.html", {"blocks": selectors.blocks_of(request.user)}
    )


@login_required
@require_POST
def unblock(request: HttpRequest, pk: int) -> HttpResponse:
    if services.unblock_person(blocker=request.user, block_id=pk):
        messages.success(request, _("Die Blockierung ist aufgehoben."))
    return redirect("forum:blocked_people")
