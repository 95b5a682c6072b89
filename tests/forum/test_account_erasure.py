"""Erasing an account (GDPR Art. 17): afterwards no row anywhere names the person, their posts
stay as "ehemaliges Mitglied" or are shown as deleted, the waiting list moves up, case pages
lose their quotes, nothing queued refers to them; the last coach of a running consortium is
told to hand over first."""

import datetime
import json

import pytest
from allauth.utils import generate_unique_username
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from cms import services as cms_services
from cms.models import ForumQuote, LabCasePage
from forum import search, services
from forum.models import (
    Attachment,
    DataExport,
    Membership,
    ModerationLogEntry,
    Notification,
    OutgoingEmail,
    Post,
    Role,
    TopicPresence,
)
from forum.notifications.email import send_notification_email
from forum.privacy.erasure import (
    FORMER_MEMBER_NAME,
    MENTION_MARKER,
    erase_person,
    former_member_account,
)
from forum.privacy.export import request_data_export
from tests.factories import MembershipFactory, UserFactory, enable_mfa
from tests.helpers.tasks import DATABASE_TASKS
from tests.helpers.uploads import png_upload
from tests.helpers.workshops import make_workshop, members_of_the_cast
from workshops import services as workshop_services
from workshops.models import AgendaItem, CalendarFeed, IdeaCard, Registration, Workshop
from workshops.services import RegistrationDetails

NAME = "Annegret Vogelsang"
USERNAME = "annegret.v"
EMAIL = "a.vogelsang@rathaus-beispiel.de"
YES = RegistrationDetails(attending=True)


def names_left_in_database() -> list[str]:
    """Every text, char and JSON column of every model (Wagtail's included) that still holds
    the person's name, username or email."""
    needles = [NAME.lower(), USERNAME.lower(), EMAIL.lower()]
    found = []
    for model in apps.get_models():
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list("pk", *fields):
            for field_name, value in zip(fields, row[1:], strict=True):
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                if any(needle in (text or "").lower() for needle in needles):
                    found.append(f"{model._meta.label}.{field_name} #{row[0]}")
    return found


def references_to(user_id: int) -> list[str]:
    """Rows whose user foreign key still holds the erased account's id."""
    found = []
    user_model = get_user_model()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if (
                field.is_relation
                and field.related_model is user_model
                and model._default_manager.filter(**{field.attname: user_id}).exists()
            ):
                found.append(f"{model._meta.label}.{field.name}")
    return found


@pytest.fixture
def person(cast):
    user = UserFactory(username=USERNAME, email=EMAIL, profile__display_name=NAME)
    user.profile.town = cast.consortium.towns.first()
    user.profile.save()
    MembershipFactory(user=user, consortium=cast.consortium, role=Role.COACH)
    return user


@pytest.fixture
def full_account(cast, forum, person, home_page, django_capture_on_commit_callbacks):
    """The person with data in every area: posts with a file and a revision, a mention by
    someone else, marks, reports, a removal from another consortium in the moderation log,
    an invitation they sent, a future seat with someone waiting, a past registration, an idea
    card, a programme point, a calendar feed, a quote in a case page (two revisions), a
    presence row, a session, and Wagtail log entries about the account."""
    member = cast.user("member")
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.create_topic(
            space=forum.closed, author=person, title="Leerstand im Ortskern", body="Wir testen."
        )
        own = topic.posts.get()
        services.edit_post(post=own, editor=person, body="Wir testen Pop-up-Läden.")
        reply = services.post_reply(
            topic=forum.closed_topic,
            author=person,
            body="Bei uns hat das Co-Working geklappt.",
            uploads=[png_upload()],
        )
        mention = services.post_reply(
            topic=topic, author=member, body=f"Danke @{USERNAME}, das hilft!"
        )
        services.toggle_helpful(post=forum.closed_post, user=person)
        services.report_post(post=mention, reporter=person, reason="Bitte prüfen.")
        other = MembershipFactory(user=person, consortium=cast.other_consortium)
        outsider_coach = UserFactory()
        enable_mfa(outsider_coach)
        enable_mfa(person)
        MembershipFactory(user=outsider_coach, consortium=cast.other_consortium, role=Role.COACH)
        services.remove_member(membership=other, actor=outsider_coach)
        services.invite_member(
            consortium=cast.consortium,
            inviter=person,
            email="neu@example.org",
            role=Role.MEMBER,
            town=cast.consortium.lead_town,
        )
        services.invite_member(
            consortium=cast.other_consortium,
            inviter=outsider_coach,
            email=EMAIL,
            role=Role.COACH,
            town=None,
        )

    future = make_workshop(cast, capacity=1)
    waiting = members_of_the_cast(cast, 1)[0]
    workshop_services.register(workshop=future, user=person, details=YES)
    workshop_services.register(workshop=future, user=waiting, details=YES)
    past = make_workshop(cast, status=Workshop.Status.HELD)
    Registration.objects.create(
        workshop=past,
        user=person,
        status=Registration.Status.CONFIRMED,
        queued_at=timezone.now(),
        dietary_needs="vegetarisch",
    )
    IdeaCard.objects.create(workshop=past, author=person, text="Leerstandskataster")
    AgendaItem.objects.create(
        workshop=future,
        title="Impuls zum Leerstand",
        kind=AgendaItem.Kind.EXPERT_INPUT,
        speaker=NAME,
        start=datetime.time(10, 0),
    )
    workshop_services.calendar_feed_for(user=person)

    consortium_page = cms_services.create_consortium_page(
        consortium=cast.consortium, parent=home_page
    )
    page = cms_services.convert_topic_to_case_page(
        topic=topic,
        actor=cast.user("core_team"),
        post_ids=[own.pk, mention.pk],
        title="Pop-up-Läden",
        town=cast.consortium.lead_town,
        parent=consortium_page,
    )
    draft = page.get_latest_revision_as_object()
    draft.summary = "Zweite Fassung"
    draft.save_revision(user=cast.user("core_team"))

    TopicPresence.objects.create(channel_name="ws.1", topic=topic, user=person)
    log(instance=person, action="wagtail.edit", user=cast.user("admin"))
    return {
        "topic": topic,
        "own": own,
        "reply": reply,
        "mention": mention,
        "future": future,
        "waiting": waiting,
        "page": page,
    }


def _erase(person, *, delete_posts, callbacks, actor=None):
    with callbacks(execute=True):
        return erase_person(person=person, delete_posts=delete_posts, actor=actor or person)


@pytest.mark.parametrize("delete_posts", [False, True], ids=["keep_posts", "delete_posts"])
def test_after_erasure_no_row_names_or_references_the_person(
    cast, person, full_account, delete_posts, django_capture_on_commit_callbacks, mailoutbox
):
    assert names_left_in_database(), "the fixture must leave names to find"
    account_id = person.pk
    mailoutbox.clear()

    _erase(person, delete_posts=delete_posts, callbacks=django_capture_on_commit_callbacks)

    assert not get_user_model().objects.filter(pk=account_id).exists()
    assert names_left_in_database() == [], names_left_in_database()
    assert references_to(account_id) == []
    assert not Membership.objects.filter(user_id=account_id).exists()
    assert not CalendarFeed.objects.filter(user_id=account_id).exists()
    # The farewell email left, and its row keeps neither content nor address.
    farewell = [message for message in mailoutbox if message.to == [EMAIL]]
    assert len(farewell) == 1 and "gelöscht" in farewell[0].subject
    row = OutgoingEmail.objects.get(kind="account_deleted")
    assert (row.to, row.subject, row.text) == ("", "", "") and row.sent_at is not None


def test_keeping_posts_attributes_them_to_the_shared_former_member(
    cast, person, full_account, django_capture_on_commit_callbacks
):
    other = UserFactory()
    MembershipFactory(user=other, consortium=cast.consortium)
    other_post = services.post_reply(topic=full_account["topic"], author=other, body="Gut so.")
    services.delete_post(post=other_post, actor=other)
    _erase(person, delete_posts=False, callbacks=django_capture_on_commit_callbacks)

    former = former_member_account()
    reply = Post.objects.get(pk=full_account["reply"].pk)
    assert reply.author == former and reply.deleted_at is None
    assert reply.body == "Bei uns hat das Co-Working geklappt."
    assert Attachment.objects.filter(post=reply).count() == 1
    assert full_account["topic"].__class__.objects.get(pk=full_account["topic"].pk).author == former
    assert not former.is_active and not former.has_usable_password() and former.email == ""
    assert former.profile.display_name == FORMER_MEMBER_NAME
    # The mention is now a neutral marker, in text and HTML, linking nowhere.
    mention = Post.objects.get(pk=full_account["mention"].pk)
    assert MENTION_MARKER in mention.body and "mention" not in mention.body_html
    assert not mention.mentions.exists()


def test_deleting_posts_empties_them_and_removes_their_files(
    cast, person, full_account, django_capture_on_commit_callbacks
):
    reply = full_account["reply"]
    stored = Attachment.objects.get(post=reply)
    storage, name = stored.file.storage, stored.file.name
    assert storage.exists(name)

    _erase(person, delete_posts=True, callbacks=django_capture_on_commit_callbacks)

    for post in Post.objects.filter(pk__in=[reply.pk, full_account["own"].pk]):
        assert post.deleted_at is not None
        assert (post.body, post.body_html) == ("", "")
        assert not post.revisions.exists()
    assert not Attachment.objects.filter(post=reply).exists()
    assert not storage.exists(name)
    assert not IdeaCard.objects.filter(text="Leerstandskataster").exists()


@pytest.mark.parametrize("delete_posts", [False, True], ids=["keep_posts", "delete_posts"])
def test_forum_search_finds_nothing_of_the_person(
    cast, person, full_account, delete_posts, django_capture_on_commit_callbacks
):
    reader = cast.user("admin")
    assert len(search.search(reader, "Co-Working geklappt")) == 1
    _erase(person, delete_posts=delete_posts, callbacks=django_capture_on_commit_callbacks)
    for term in ("Annegret", "Vogelsang", USERNAME):
        assert len(search.search(reader, term)) == 0
    assert len(search.search(reader, "Co-Working geklappt")) == (0 if delete_posts else 1)


def test_case_pages_lose_the_quotes_in_every_revision(
    cast, person, full_account, django_capture_on_commit_callbacks
):
    page = full_account["page"]
    assert page.revisions.count() >= 2
    _erase(person, delete_posts=False, callbacks=django_capture_on_commit_callbacks)

    page = LabCasePage.objects.get(pk=page.pk)
    speakers = [block.value["speaker"] for block in page.body if block.block_type == "quote"]
    assert NAME not in speakers and len(speakers) == 1  # the other member's quote stays
    for revision in page.revisions.all():
        assert NAME not in json.dumps(revision.content, ensure_ascii=False)
    assert not ForumQuote.objects.filter(page=page, post=full_account["own"]).exists()
    assert ForumQuote.objects.filter(page=page, post=full_account["mention"]).exists()


def test_the_future_seat_goes_to_the_waiting_list_who_is_told(
    cast, person, full_account, django_capture_on_commit_callbacks, mailoutbox
):
    waiting = full_account["waiting"]
    mailoutbox.clear()
    _erase(person, delete_posts=False, callbacks=django_capture_on_commit_callbacks)

    seat = Registration.objects.get(workshop=full_account["future"], user=waiting)
    assert seat.status == Registration.Status.CONFIRMED
    assert Notification.objects.filter(recipient=waiting, kind="workshop_moved_up").exists()
    assert any(message.to == [waiting.email] for message in mailoutbox)
    assert not Registration.objects.filter(user_id=person.pk).exists()
    speaker = AgendaItem.objects.get(title="Impuls zum Leerstand").speaker
    assert speaker == FORMER_MEMBER_NAME


def test_nothing_queued_refers_to_the_person(
    cast, forum, person, django_capture_on_commit_callbacks
):
    """With the durable queue: the notification emails about the person's mention and to
    them, and the emails to their address, are not sent after the erasure."""
    member = cast.user("member")
    with override_settings(TASKS=DATABASE_TASKS):
        services.post_reply(topic=forum.closed_topic, author=member, body=f"Hallo @{USERNAME}")
        services.post_reply(
            topic=forum.closed_topic, author=person, body=f"Hallo @{member.username}"
        )
        queued_before = DBTaskResult.objects.filter(
            task_path=send_notification_email.module_path
        ).count()
        assert queued_before >= 2
        notification_ids = list(
            Notification.objects.filter(recipient=person).values_list("pk", flat=True)
        ) + list(Notification.objects.filter(actor=person).values_list("pk", flat=True))

        erase_person(person=person, delete_posts=False, actor=person)

        for row in DBTaskResult.objects.filter(task_path=send_notification_email.module_path):
            assert not set(row.args_kwargs["args"]) & set(notification_ids)
        assert not Notification.objects.filter(pk__in=notification_ids).exists()
        assert not OutgoingEmail.objects.filter(to=EMAIL).exclude(kind="account_deleted").exists()


def test_invitations_they_sent_stay_without_them(
    cast, forum, person, full_account, django_capture_on_commit_callbacks
):
    from forum.models import Invitation

    _erase(person, delete_posts=False, callbacks=django_capture_on_commit_callbacks)
    kept = Invitation.objects.get(email="neu@example.org")
    assert kept.invited_by is None
    assert not Invitation.objects.filter(email__iexact=EMAIL).exists()


def test_log_names_only_the_account_number(cast, person, django_capture_on_commit_callbacks):
    admin = cast.user("admin")
    account_id = person.pk
    _erase(person, delete_posts=False, callbacks=django_capture_on_commit_callbacks, actor=admin)
    entry = ModelLogEntry.objects.get(action="forum.erase_account")
    assert entry.label == f"Konto #{account_id} gelöscht"
    assert entry.user_id == admin.pk and entry.data == {"posts_deleted": False}


def test_moderation_log_keeps_the_entry_without_the_name(
    cast, person, full_account, django_capture_on_commit_callbacks
):
    _erase(person, delete_posts=False, callbacks=django_capture_on_commit_callbacks)
    entry = ModerationLogEntry.objects.get(consortium=cast.other_consortium, action="remove_member")
    assert entry.subject == FORMER_MEMBER_NAME


# --- refusals -------------------------------------------------------------------------------


def _running(consortium):
    today = timezone.localdate()
    consortium.start = today - datetime.timedelta(days=30)
    consortium.end = today + datetime.timedelta(days=300)
    consortium.save()


def test_the_last_coach_of_a_running_consortium_must_hand_over_first(cast, person):
    consortium = cast.consortium
    _running(consortium)
    Membership.objects.filter(consortium=consortium, role__in=[Role.COACH, Role.CORE_TEAM]).exclude(
        user=person
    ).delete()

    with pytest.raises(ValidationError) as refusal:
        erase_person(person=person, delete_posts=False, actor=person)

    assert consortium.name in refusal.value.messages[0]
    assert get_user_model().objects.filter(pk=person.pk).exists()
    assert Membership.objects.filter(user=person, consortium=consortium).exists()


def test_a_coach_with_another_manager_beside_them_may_go(
    cast, person, django_capture_on_commit_callbacks
):
    _running(cast.consortium)  # the cast's coach and core team stay
    _erase(person, delete_posts=False, callbacks=django_capture_on_commit_callbacks)
    assert not get_user_model().objects.filter(pk=person.pk).exists()


def test_the_guard_ignores_consortia_that_ended(cast, person, django_capture_on_commit_callbacks):
    Membership.objects.filter(
        consortium=cast.consortium, role__in=[Role.COACH, Role.CORE_TEAM]
    ).exclude(user=person).delete()
    assert cast.consortium.end < timezone.localdate()
    _erase(person, delete_posts=False, callbacks=django_capture_on_commit_callbacks)
    assert not get_user_model().objects.filter(pk=person.pk).exists()


@pytest.mark.parametrize("role", ["outsider", "member", "coach", "core_team", "editor"])
def test_nobody_but_the_person_and_admins_may_erase_an_account(cast, person, role):
    with pytest.raises(PermissionDenied):
        erase_person(person=person, delete_posts=False, actor=cast.user(role))
    assert get_user_model().objects.filter(pk=person.pk).exists()


def test_the_former_member_account_itself_cannot_be_erased(cast):
    with pytest.raises(PermissionDenied):
        erase_person(person=former_member_account(), delete_posts=False, actor=cast.user("admin"))


def test_the_farewell_goes_to_the_address_in_the_persons_language(
    cast, person, django_capture_on_commit_callbacks, mailoutbox
):
    _erase(person, delete_posts=True, callbacks=django_capture_on_commit_callbacks)
    (message,) = [message for message in mailoutbox if message.to == [EMAIL]]
    assert message.subject == settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + "Ihr Konto wurde gelöscht"
    assert "ebenfalls gelöscht" in message.body


def test_the_persons_data_export_goes_with_its_file(
    cast, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request_data_export(user=person)
    export = DataExport.objects.get(user=person)
    storage, name = export.file.storage, export.file.name
    assert storage.exists(name)

    _erase(person, delete_posts=False, callbacks=django_capture_on_commit_callbacks)

    assert not DataExport.objects.exists()
    assert not storage.exists(name)


@pytest.mark.parametrize("delete_posts", [False, True], ids=["keep_posts", "delete_posts"])
def test_the_name_written_out_in_others_posts_and_titles_goes_too(
    cast, forum, person, delete_posts, django_capture_on_commit_callbacks
):
    member = cast.user("member")
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.create_topic(
            space=forum.closed,
            author=member,
            title=f"Fragen an {NAME}",
            body=f"Liebe {NAME}, wie lief es? Schreib an {EMAIL}.",
        )
        post = topic.posts.get()
        services.edit_post(post=post, editor=member, body=f"{NAME}, wie lief es bei euch?")

    _erase(person, delete_posts=delete_posts, callbacks=django_capture_on_commit_callbacks)

    post.refresh_from_db()
    topic.refresh_from_db()
    revision = post.revisions.get()
    for text in (post.body, post.body_html, revision.body, topic.title):
        assert NAME not in text and EMAIL not in text
    assert topic.title == "Fragen an ehemaliges Mitglied"
    assert post.body == "ehemaliges Mitglied, wie lief es bei euch?"
    assert len(search.search(cast.user("admin"), "Vogelsang")) == 0


def test_nobody_can_sign_up_as_the_former_member_account(
    cast, person, django_capture_on_commit_callbacks
):
    # The username an invitation accepted under the placeholder's display name would get.
    taken = UserFactory(username=generate_unique_username(["ehemaliges-mitglied", "e@m.de"]))
    _erase(person, delete_posts=False, callbacks=django_capture_on_commit_callbacks)
    former = former_member_account()
    assert former.pk != taken.pk
    assert not former.is_active and not former.has_usable_password()
