"""Private two-person conversations ("Nachrichten"): only the two people open one (admins
neither), messages notify the other person once per unread stretch, a block ends writing, the
open page follows new messages over the personal stream and ends as a reload shows it, pages
cost the same queries for few and many messages, and an erased person's side stays readable."""

import re

import pytest
from asgiref.sync import sync_to_async
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forum import rules as policy
from forum import selectors, services
from forum.models import (
    Conversation,
    ConversationMessage,
    Notification,
    NotificationKind,
    Role,
)
from forum.privacy import export
from forum.privacy.erasure import erase_person
from forum.privacy.sections import contact_blocks, conversation_messages, conversations
from tests.factories import ConsortiumFactory, MembershipFactory, UserFactory
from tests.helpers.cast import ROLES, client_for
from tests.helpers.realtime import SECRET, connect, receive

QUESTION = "Wie lief die Befragung mit QR-Code?"


def _member(consortium, **kwargs):
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, consortium=consortium, role=Role.MEMBER)
    return user


@pytest.fixture
def pair(cast):
    """A question from the cast's member answered by a member of the other consortium."""
    asker = cast.user("member")
    contact = _member(cast.other_consortium)
    conversation = services.open_with_answer(
        asker=asker,
        contact=contact,
        question=QUESTION,
        asked_at=timezone.now(),
        answer="Gut, mit Flyern im Rathaus.",
        title="Antwort",
    )
    return asker, contact, conversation


def _url(conversation, name="forum:conversation"):
    return reverse(name, kwargs={"pk": conversation.pk})


@pytest.mark.parametrize("role", ROLES)
def test_only_the_two_people_open_a_conversation(client, cast, pair, role):
    """Everyone but the two, admins and the asker's coach included, gets 404 (list, page,
    catch-up, writing); anonymous visitors are sent to login first."""
    asker, contact, conversation = pair
    user = cast.user(role)
    is_participant = user == asker
    assert policy.allowed(user, "forum.read_conversation", conversation) is is_participant
    assert (conversation in selectors.conversations_of(user)) is is_participant
    client_for(client, user)
    for url in (_url(conversation), _url(conversation, "forum:conversation_messages_after")):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302
            assert reverse("account_login") in response["Location"]
        else:
            assert response.status_code == (200 if is_participant else 404)
    response = client.post(_url(conversation), {"body": "Darf ich mitlesen?"})
    assert response.status_code == (302 if is_participant else 404 if user.pk else 302)
    assert ConversationMessage.objects.filter(body="Darf ich mitlesen?").exists() is is_participant
    if user.pk and not is_participant:
        listing = client.get(reverse("forum:conversations")).content.decode()
        assert _url(conversation) not in listing
    client.force_login(contact)
    assert client.get(_url(conversation)).status_code == 200


def test_a_message_notifies_the_other_person_once_per_unread_stretch(
    client, pair, django_capture_on_commit_callbacks
):
    asker, contact, conversation = pair
    Notification.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(conversation=conversation, author=asker, body="Danke! Noch was:")
        services.send_message(conversation=conversation, author=asker, body="Wie viele kamen?")
    (notice,) = Notification.objects.filter(kind=NotificationKind.CONVERSATION_MESSAGE)
    assert notice.recipient == contact
    (email,) = mail.outbox
    assert email.to == [contact.email]
    assert asker.email not in email.body + email.alternatives[0][0]
    assert "Danke! Noch was:" in email.body
    # Opening the conversation reads it; the next message notifies again.
    client.force_login(contact)
    client.get(_url(conversation))
    notice.refresh_from_db()
    assert notice.read_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(conversation=conversation, author=asker, body="Und noch eins.")
    assert Notification.objects.filter(kind=NotificationKind.CONVERSATION_MESSAGE).count() == 2


def test_the_list_marks_unread_conversations(client, pair):
    asker, contact, conversation = pair
    client.force_login(asker)
    html = client.get(reverse("forum:conversations")).content.decode()
    assert "badge-unread" in html and contact.profile.display_name in html
    client.get(_url(conversation))
    html = client.get(reverse("forum:conversations")).content.decode()
    assert "badge-unread" not in html


@pytest.mark.parametrize("body", ["", "   ", "\u200b", "x" * 5001])
def test_a_bad_message_gets_a_german_error_and_keeps_the_text(client, pair, body):
    asker, _contact, conversation = pair
    client.force_login(asker)
    response = client.post(_url(conversation), {"body": body})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert conversation.messages.count() == 2


def test_a_blocked_person_can_no_longer_write(client, pair):
    asker, contact, conversation = pair
    services.block_person(blocker=contact, blocked=asker)
    asker = type(asker).objects.get(pk=asker.pk)
    assert not policy.allowed(asker, "forum.write_in_conversation", conversation)
    with pytest.raises(PermissionDenied):
        services.send_message(conversation=conversation, author=asker, body="Hallo?")
    client.force_login(asker)
    response = client.post(_url(conversation), {"body": "Hallo?"})
    assert response.status_code == 400
    assert "keine Nachrichten mehr schreiben" in response.content.decode()
    assert "Hallo?" in response.content.decode()
    # The blocker still writes, and reading stays possible for both.
    services.send_message(conversation=conversation, author=contact, body="Bitte nicht mehr.")
    assert client.get(_url(conversation)).status_code == 200


def test_unblocking_someone_elses_block_does_nothing(client, pair, cast):
    asker, contact, _conversation = pair
    block = services.block_person(blocker=contact, blocked=asker)
    client.force_login(cast.user("coach"))
    client.post(reverse("forum:unblock", kwargs={"pk": block.pk}))
    assert type(block).objects.filter(pk=block.pk).exists()


def _message_ids(html):
    return [int(found) for found in re.findall(r'id="nachricht-(\d+)"', html)]


def test_the_catch_up_renders_what_a_reload_shows(client, pair):
    """What the open page appends (fetched after its last message) is exactly what a reload
    of the page shows after it."""
    asker, contact, conversation = pair
    client.force_login(asker)
    before = _message_ids(client.get(_url(conversation)).content.decode())
    services.send_message(conversation=conversation, author=contact, body="**Neu** hier")
    fragment = client.get(
        _url(conversation, "forum:conversation_messages_after"), {"nach": before[-1]}
    ).content.decode()
    reload = client.get(_url(conversation)).content.decode()
    assert _message_ids(fragment) == _message_ids(reload)[len(before) :]
    (new_item,) = re.findall(r'<li class="message.*?</li>', fragment, re.S)
    assert new_item in reload
    assert "<strong>Neu</strong>" in new_item


def test_older_messages_are_behind_a_link(client, pair, monkeypatch):
    from forum.views import conversations as views

    monkeypatch.setattr(views, "MESSAGES_PER_PAGE", 3)
    asker, contact, conversation = pair
    for number in range(4):
        services.send_message(conversation=conversation, author=contact, body=f"Nachricht {number}")
    client.force_login(asker)
    html = client.get(_url(conversation)).content.decode()
    ids = _message_ids(html)
    assert len(ids) == 3
    older = client.get(_url(conversation), {"vor": ids[0]}).content.decode()
    assert (
        _message_ids(older)
        == sorted(conversation.messages.filter(pk__lt=ids[0]).values_list("pk", flat=True))[-3:]
    )


def _add_messages(conversation, asker, contact, count):
    ConversationMessage.objects.bulk_create(
        ConversationMessage(
            conversation=conversation,
            author=asker if number % 2 else contact,
            body=f"Nachricht {number}",
            body_html=f"<p>Nachricht {number}</p>",
        )
        for number in range(count)
    )


def test_pages_cost_the_same_queries_for_few_and_many_messages(client, cast, pair):
    asker, contact, conversation = pair
    client.force_login(asker)
    urls = [reverse("forum:conversations"), _url(conversation)]
    counts = {}
    for rows in (1, 60):
        _add_messages(conversation, asker, contact, rows)
        for _other in range(rows // 20):
            services.open_with_answer(
                asker=asker,
                contact=_member(cast.other_consortium),
                question="Frage",
                asked_at=timezone.now(),
                answer="Antwort",
                title="t",
            )
        for url in urls:
            # The bell counts again once after new notices (forum.notifications.counter).
            client.get(url)
            with CaptureQueriesContext(connection) as context:
                assert client.get(url).status_code == 200
            counts.setdefault(url, []).append(len(context.captured_queries))
    for url, (few, many) in counts.items():
        assert few == many, url


def test_erasure_leaves_the_conversation_readable_without_the_name(client, pair):
    asker, contact, conversation = pair
    name = asker.profile.display_name
    services.send_message(
        conversation=conversation, author=contact, body=f"Liebe {name}, gern geschehen."
    )
    erase_person(person=asker, delete_posts=True, actor=asker)
    conversation.refresh_from_db()
    assert conversation.first_id is None or conversation.second_id is None
    client.force_login(contact)
    html = client.get(_url(conversation)).content.decode()
    assert name not in html
    assert "ehemaliges Mitglied" in html and "Nachricht gelöscht" in html
    assert "gern geschehen" in html
    # The contact can no longer write to nobody.
    assert "keine Nachrichten mehr schreiben" in html


def test_erasure_keeping_posts_keeps_the_messages_text(client, pair):
    asker, contact, conversation = pair
    erase_person(person=asker, delete_posts=False, actor=asker)
    client.force_login(contact)
    html = client.get(_url(conversation)).content.decode()
    assert QUESTION in html and asker.profile.display_name not in html


def test_export_has_conversations_messages_and_blocks(pair):
    asker, contact, conversation = pair
    services.block_person(blocker=contact, blocked=asker)
    (row,) = conversations(asker)
    assert row["with"] == contact.profile.display_name
    assert [m["body"] for m in conversation_messages(asker)] == [QUESTION]
    assert contact_blocks(contact)[0]["blocked"] == asker.profile.display_name
    documented = {section.name: set(section.keys) for section in export.sections()}
    assert set(row) == documented["unterhaltungen"]
    assert set(conversation_messages(asker)[0]) == documented["nachrichten"]
    assert set(contact_blocks(contact)[0]) == documented["blockierte_personen"]


def test_the_account_menu_links_to_messages(client, cast):
    client.force_login(cast.user("member"))
    html = client.get(reverse("forum:notifications")).content.decode()
    assert reverse("forum:conversations") in html


@pytest.mark.django_db(transaction=True)
async def test_a_new_message_reaches_the_recipients_personal_stream_with_ids_only():
    consortium = await sync_to_async(ConsortiumFactory)()
    asker = await sync_to_async(_member)(consortium)
    contact = await sync_to_async(_member)(consortium)
    conversation = await sync_to_async(services.open_with_answer)(
        asker=asker,
        contact=contact,
        question="Frage",
        asked_at=timezone.now(),
        answer="Antwort",
        title="t",
    )
    socket = await connect(contact, Client())
    try:
        message = await sync_to_async(services.send_message)(
            conversation=conversation, author=asker, body=SECRET
        )
        seen = []
        for _attempt in range(3):
            event = await receive(socket)
            seen.append(event)
            if event.get("kind") == "conversation.message":
                break
        event = seen[-1]
        assert event["kind"] == "conversation.message"
        assert event["payload"] == {"conversation_id": conversation.pk, "message_id": message.pk}
        assert all(SECRET not in str(item) for item in seen)
    finally:
        await socket.disconnect()
    assert await sync_to_async(Conversation.objects.count)() == 1


def test_a_person_gives_and_takes_back_the_consent_to_be_asked(client, cast):
    member = cast.user("member")
    client.force_login(member)
    form = {"display_name": "Anna Berger", "function": "", "bio": ""}
    client.post(reverse("forum:profile_edit"), {**form, "accepts_contact_requests": "on"})
    member.profile.refresh_from_db()
    assert member.profile.accepts_contact_requests
    client.post(reverse("forum:profile_edit"), form)
    member.profile.refresh_from_db()
    assert not member.profile.accepts_contact_requests
