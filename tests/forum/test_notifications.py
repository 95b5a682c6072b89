"""Who hears of what: each notification kind, each preference, the academy setting, the in-app
list after a removal, and the unsubscribe tokens.

Everything here runs on the embedded default (tasks in-process right after the commit); the
durable queue, the send-time re-check with a worker, SMTP retries and digests are in
``test_notification_delivery.py``.
"""

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.test import TestCase
from django.utils import timezone
from wagtail.users.models import UserProfile

from forum import notifications, services
from forum.mail import language_of
from forum.models import (
    DEFAULT_DELIVERY,
    Delivery,
    Membership,
    Notification,
    NotificationPreference,
    NotificationSettings,
    Role,
    SpaceNotificationLevel,
    Subscription,
)
from forum.models import NotificationKind as Kind
from forum.notifications import notifying
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.workshops import make_workshop
from workshops import services as workshop_services
from workshops.models import Workshop
from workshops.services import RegistrationDetails

SITE = "https://akademie.example.org"
PREFIX = "[Kleinstadtakademie] "


def send_digests(**kwargs) -> int:
    """A digest run as cron starts it, outside any transaction: each digest leaves after the
    commit that queued it (in a test, its on-commit callbacks run at the end of the block)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return notifications.send_digests(**kwargs)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.WAGTAILADMIN_BASE_URL = SITE


def new_member(cast, consortium=None, role=Role.MEMBER, **profile):
    user = UserFactory(**{f"profile__{key}": value for key, value in profile.items()})
    MembershipFactory(user=user, consortium=consortium or cast.consortium, role=role)
    return user


def recipients(kind, **filters) -> set[int]:
    return set(
        Notification.objects.filter(kind=kind, **filters).values_list("recipient_id", flat=True)
    )


def ids(*users) -> set[int]:
    return {user.pk for user in users}


def emails_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def fresh(user):
    """The user as the next request would load them (no cached roles)."""
    return get_user_model().objects.get(pk=user.pk)


# --- mentions ---------------------------------------------------------------------------------


def test_a_mention_reaches_the_mentioned_reader_but_not_an_outsider_or_the_author(cast, forum, run):
    member, coach, outsider = cast.user("member"), cast.user("coach"), cast.user("outsider")
    run(
        services.post_reply,
        topic=forum.closed_topic,
        author=member,
        body=f"@{coach.username}, @{outsider.username} und ich (@{member.username}): Termin?",
    )

    assert recipients(Kind.MENTION) == ids(coach)
    assert not Notification.objects.filter(recipient=outsider).exists()
    assert not Notification.objects.filter(recipient=member).exists()
    assert [message.to for message in mail.outbox] == [[coach.email]]


def test_a_non_member_mentioned_by_username_stays_plain_text_and_hears_nothing(cast, forum, run):
    stranger = UserFactory()  # an account in no consortium at all
    post = run(
        services.post_reply,
        topic=forum.closed_topic,
        author=cast.user("member"),
        body=f"Fragen wir @{stranger.username}?",
    )

    assert list(post.mentions.all()) == []
    assert not Notification.objects.filter(recipient=stranger).exists()
    assert mail.outbox == []


def test_someone_mentioned_in_a_new_topic_hears_of_it_once(cast, forum, run):
    core = cast.user("core_team")
    topic = run(
        services.create_topic,
        space=forum.closed,
        author=cast.user("coach"),
        title="Förderprogramme 2026",
        body=f"@{core.username} kennt sich aus.",
    )

    assert list(Notification.objects.filter(recipient=core).values_list("kind", flat=True)) == [
        Kind.MENTION
    ]
    assert ids(cast.user("member")) <= recipients(Kind.NEW_TOPIC, topic=topic)


def test_a_mention_added_by_editing_reaches_only_the_newly_mentioned_once(cast, forum, run):
    member, coach, core = cast.user("member"), cast.user("coach"), cast.user("core_team")
    outsider = cast.user("outsider")
    post = run(
        services.post_reply,
        topic=forum.closed_topic,
        author=member,
        body=f"Frage an @{coach.username}.",
    )
    mail.outbox.clear()

    run(
        services.edit_post,
        post=post,
        editor=member,
        body=f"Frage an @{coach.username} und @{core.username}, nicht @{outsider.username}.",
    )

    assert recipients(Kind.MENTION, post=post) == ids(coach, core)
    assert Notification.objects.filter(recipient=coach, post=post).count() == 1
    assert [message.to for message in mail.outbox] == [[core.email]]
    assert not Notification.objects.filter(recipient=outsider).exists()

    # Taking the mention out and putting it back does not tell anyone a second time.
    run(services.edit_post, post=post, editor=member, body="Frage an alle.")
    run(services.edit_post, post=post, editor=member, body=f"Frage an @{core.username}.")
    assert Notification.objects.filter(recipient=core, kind=Kind.MENTION).count() == 1
    assert len(mail.outbox) == 1


# --- replies ----------------------------------------------------------------------------------


def test_a_reply_reaches_the_topics_followers_but_not_its_author(cast, forum, run):
    member, coach, core = cast.user("member"), cast.user("coach"), cast.user("core_team")
    services.set_subscription(topic=forum.closed_topic, user=core, subscribed=True)

    run(services.post_reply, topic=forum.closed_topic, author=coach, body="Bei uns lief es gut.")

    # The member opened the topic and so follows it; the coach wrote the reply.
    assert recipients(Kind.REPLY) == ids(member, core)


def test_a_follower_who_lost_access_hears_nothing(cast, forum, run):
    outsider = cast.user("outsider")
    leaver = new_member(cast)
    services.set_subscription(topic=forum.closed_topic, user=leaver, subscribed=True)
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    # A subscription left over from a time the outsider could read the topic.
    Subscription.objects.create(topic=forum.closed_topic, user=outsider)

    run(services.post_reply, topic=forum.closed_topic, author=cast.user("coach"), body="Neu.")

    assert recipients(Kind.REPLY) == ids(cast.user("member"))


def test_a_reply_fans_out_in_batches_once_each_and_not_again_when_run_twice(
    cast, forum, run, monkeypatch
):
    monkeypatch.setattr(notifying, "FAN_OUT_BATCH", 2)
    coach, core = cast.user("coach"), cast.user("core_team")
    followers = [new_member(cast) for _ in range(4)] + [core]
    for follower in followers:
        services.set_subscription(topic=forum.closed_topic, user=follower, subscribed=True)

    post = run(
        services.post_reply,
        topic=forum.closed_topic,
        author=coach,
        body=f"Danke, @{core.username}!",
    )

    # The mentioned core-team member hears of it once, as a mention.
    assert recipients(Kind.REPLY) == ids(cast.user("member"), *followers[:4])
    assert recipients(Kind.MENTION) == ids(core)
    assert notifying.fan_out_reply.call(post.pk) == 0
    assert Notification.objects.filter(kind=Kind.REPLY).count() == 5


def test_a_reply_request_does_not_grow_with_the_followers(client, cast, forum):
    """With the durable queue the request stores one task, however many follow the topic."""
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult

    from tests.helpers.tasks import DATABASE_TASKS

    coach = cast.user("coach")
    client.force_login(coach)
    url = reverse("forum:topic_reply", kwargs={"pk": forum.closed_topic.pk})

    def reply_queries(text: str) -> int:
        with override_settings(TASKS=DATABASE_TASKS), CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"body": text, "idempotency_key": uuid.uuid4()})
        assert response.status_code == 302
        return len(queries)

    reply_queries("Die erste Antwort macht den Coach zum Folgenden.")
    few = reply_queries("Erste Antwort.")
    for _ in range(60):
        services.set_subscription(topic=forum.closed_topic, user=new_member(cast), subscribed=True)
    many = reply_queries("Zweite Antwort.")

    assert many == few
    assert not Notification.objects.filter(kind=Kind.REPLY, post__body="Zweite Antwort.").exists()
    assert DBTaskResult.objects.filter(task_path__endswith="fan_out_reply").count() == 3
    second = forum.closed_topic.posts.get(body="Zweite Antwort.")
    assert notifying.fan_out_reply.call(second.pk) == 61


def test_followers_hear_of_a_reply_from_the_task_in_one_personal_event_each(
    client, cast, forum, django_capture_on_commit_callbacks
):
    """The reply's request sends nothing to the followers; the task sends each one event with
    both the unread hint and the notification (merged per person)."""
    from django.test import override_settings
    from django.urls import reverse

    from forum import events
    from forum.streams import personal_stream
    from tests.helpers.tasks import DATABASE_TASKS

    followers = [new_member(cast) for _ in range(3)]
    for follower in followers:
        services.set_subscription(topic=forum.closed_topic, user=follower, subscribed=True)

    def heads() -> dict[int, int]:
        return {user.pk: events.position_of(personal_stream(user.pk)) for user in followers}

    before = heads()
    client.force_login(cast.user("coach"))
    url = reverse("forum:topic_reply", kwargs={"pk": forum.closed_topic.pk})
    with (
        override_settings(TASKS=DATABASE_TASKS),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url, {"body": "Neu hier.", "idempotency_key": uuid.uuid4()})
    assert response.status_code == 302
    assert heads() == before
    post = forum.closed_topic.posts.get(body="Neu hier.")
    with django_capture_on_commit_callbacks(execute=True):
        notifying.fan_out_reply.call(post.pk)
    assert heads() == {user_id: position + 1 for user_id, position in before.items()}


def test_replies_are_in_the_daily_digest_by_default_not_an_immediate_email(cast, forum, run):
    run(services.post_reply, topic=forum.closed_topic, author=cast.user("coach"), body="Neu.")

    assert DEFAULT_DELIVERY[Kind.REPLY] == Delivery.DAILY
    assert recipients(Kind.REPLY) == ids(cast.user("member"))
    assert mail.outbox == []


# --- new topics -------------------------------------------------------------------------------


def test_a_new_topic_reaches_the_readers_of_its_closed_space_only(cast, forum, run):
    topic = run(
        services.create_topic,
        space=forum.closed,
        author=cast.user("coach"),
        title="Förderprogramme 2026",
        body="Eine Übersicht.",
    )

    assert recipients(Kind.NEW_TOPIC, topic=topic) == ids(
        cast.user("member"), cast.user("core_team"), cast.user("admin")
    )


def test_a_new_topic_in_the_academy_wide_space_reaches_all_its_readers(cast, forum, run):
    nobody = UserFactory()  # no consortium, no editor: cannot read the academy-wide forum
    topic = run(
        services.create_topic,
        space=forum.academy,
        author=cast.user("member"),
        title="Leerstand und Zwischennutzung",
        body="Was hat bei euch funktioniert?",
    )

    assert recipients(Kind.NEW_TOPIC, topic=topic) == ids(
        cast.user("outsider"),
        cast.user("coach"),
        cast.user("core_team"),
        cast.user("editor"),
        cast.user("admin"),
    )
    assert not Notification.objects.filter(recipient=nobody).exists()


def test_new_topic_fan_out_in_batches_reaches_everyone_once(cast, forum, run, monkeypatch):
    monkeypatch.setattr(notifying, "FAN_OUT_BATCH", 2)
    topic = run(
        services.create_topic,
        space=forum.academy,
        author=cast.user("member"),
        title="In Portionen verteilt",
        body="Alle sollen es erfahren.",
    )
    notified = list(
        Notification.objects.filter(kind=Kind.NEW_TOPIC, topic=topic).values_list(
            "recipient_id", flat=True
        )
    )
    assert len(notified) == len(set(notified)) == 5


# --- moderation and reports -------------------------------------------------------------------


def test_the_author_hears_when_a_coach_hides_their_post_and_when_it_is_restored(cast, forum, run):
    member, coach = cast.user("member"), cast.user("coach")
    post = run(services.post_reply, topic=forum.closed_topic, author=member, body="Mein Beitrag.")

    run(services.hide_post, post=post, moderator=coach, reason="Persönliche Daten")
    run(services.restore_post, post=post, moderator=coach, reason="Geklärt")

    notices = Notification.objects.filter(kind=Kind.MODERATION).order_by("pk")
    assert [notice.recipient_id for notice in notices] == [member.pk, member.pk]
    assert [notice.title.split(":")[0] for notice in notices] == [
        "Ausgeblendet",
        "Wieder eingeblendet",
    ]
    assert len(emails_to(member)) == 2
    assert emails_to(member)[0].subject.startswith(PREFIX + "Moderation an Ihrem Beitrag")
    assert set(notifications.notifications_for(fresh(member))) == set(notices)


def test_a_report_reaches_the_spaces_moderators_but_not_members(cast, forum, run):
    """Coaches and core team of the consortium and the admins: whoever ``forum.moderate_space``
    lets handle it. The notice carries no text of the reported post."""
    reporter = new_member(cast)
    coach, core, admin = cast.user("coach"), cast.user("core_team"), cast.user("admin")
    run(services.report_post, post=forum.closed_post, reporter=reporter, reason="Beleidigend")

    assert recipients(Kind.REPORT) == ids(coach, core, admin)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [coach.email, core.email, admin.email]
    )
    assert all("Neue Meldung" in message.subject for message in mail.outbox)
    assert set(Notification.objects.filter(kind=Kind.REPORT).values_list("excerpt", flat=True)) == {
        ""
    }


# --- workshops and invitations ----------------------------------------------------------------


def test_opening_registration_tells_the_consortium_not_outsiders(cast, run):
    workshop = make_workshop(cast, status=Workshop.Status.PLANNED, title="Werkstatt am Markt")
    coach = cast.user("coach")

    run(workshop_services.set_status, workshop=workshop, actor=coach, status=Workshop.Status.OPEN)

    told = recipients(Kind.WORKSHOP_OPEN, workshop=workshop)
    assert told - ids(coach) == ids(cast.user("member"), cast.user("core_team"))
    assert not told & ids(cast.user("outsider"), cast.user("editor"))
    [message] = emails_to(cast.user("member"))
    assert message.subject == PREFIX + "Anmeldung geöffnet: Werkstatt am Markt"
    assert f"{SITE}{workshop.get_absolute_url()}" in message.body
    assert "Rathaus, Großer Saal" in message.body


def test_the_first_on_the_waiting_list_hears_when_they_move_up(cast, run):
    workshop = make_workshop(cast, capacity=1)
    holder, waiting = new_member(cast), new_member(cast)
    yes = RegistrationDetails(attending=True)
    workshop_services.register(workshop=workshop, user=holder, details=yes)
    workshop_services.register(workshop=workshop, user=waiting, details=yes)

    run(workshop_services.cancel_registration, workshop=workshop, user=holder)

    assert recipients(Kind.WORKSHOP_MOVED_UP) == ids(waiting)
    [message] = emails_to(waiting)
    assert "nachgerückt" in message.subject


def test_moving_up_a_second_time_is_told_again(cast, run):
    workshop = make_workshop(cast, capacity=1)
    first, waiting, second = new_member(cast), new_member(cast), new_member(cast)
    yes = RegistrationDetails(attending=True)
    workshop_services.register(workshop=workshop, user=first, details=yes)
    workshop_services.register(workshop=workshop, user=waiting, details=yes)
    run(workshop_services.cancel_registration, workshop=workshop, user=first)
    run(workshop_services.cancel_registration, workshop=workshop, user=waiting)
    workshop_services.register(workshop=workshop, user=second, details=yes)
    workshop_services.register(workshop=workshop, user=waiting, details=yes)

    run(workshop_services.cancel_registration, workshop=workshop, user=second)

    assert Notification.objects.filter(recipient=waiting, kind=Kind.WORKSHOP_MOVED_UP).count() == 2
    assert len(emails_to(waiting)) == 2


def test_seat_holders_are_reminded_once(cast, run):
    workshop = make_workshop(cast, days_ahead=20)
    member = cast.user("member")
    workshop_services.register(
        workshop=workshop, user=member, details=RegistrationDetails(attending=True)
    )
    now = workshop.starts_at - timedelta(days=2)

    assert run(workshop_services.send_reminders, now=now) == 1
    assert run(workshop_services.send_reminders, now=now + timedelta(hours=1)) == 0

    assert recipients(Kind.WORKSHOP_REMINDER) == ids(member)
    [message] = emails_to(member)
    assert message.subject == PREFIX + f"Erinnerung: {workshop.title}"


def test_the_inviter_hears_in_the_app_when_their_invitation_is_accepted(cast, run):
    coach = cast.user("coach")
    issued = run(
        services.invite_member,
        consortium=cast.consortium,
        inviter=coach,
        email="anna.berger@example.org",
        role=Role.MEMBER,
        town=cast.consortium.towns.first(),
    )
    mail.outbox.clear()

    anna = run(
        services.accept_invitation_with_signup,
        token=issued.token,
        display_name="Anna Berger",
        function="Wirtschaftsförderung",
        password="Ammersee-Labor-2026!",
    )

    [notice] = Notification.objects.filter(kind=Kind.INVITATION_ACCEPTED)
    assert notice.recipient == coach
    assert notice.actor == anna
    assert "Anna Berger" in notice.title and cast.consortium.name in notice.title
    assert list(notifications.notifications_for(fresh(coach))) == [notice]
    assert mail.outbox == []  # in the app only, by default


# --- preferences ------------------------------------------------------------------------------


def test_an_immediate_email_is_german_plain_and_html_with_excerpt_link_and_unsubscribe(
    cast, forum, run
):
    member, coach = cast.user("member"), cast.user("coach")
    post = run(
        services.post_reply,
        topic=forum.closed_topic,
        author=member,
        body=f"@{coach.username} schau mal: **Das Co-Working** läuft seit März.",
    )

    [message] = mail.outbox
    name = member.profile.display_name
    assert message.to == [coach.email]
    assert message.subject == f"{PREFIX}{name} hat Sie erwähnt: Co-Working im Rathaus"
    link = f"{SITE}{post.get_absolute_url()}"
    excerpt = "Das Co-Working läuft seit März."
    assert "Guten Tag" in message.body
    assert excerpt in message.body and link in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert '<html lang="de">' in html
    assert excerpt in html and f'href="{link}"' in html
    # The token carries the time it was signed: compare what it says, not its bytes.
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    prefix = f"{SITE}/benachrichtigungen/abbestellen/"
    assert unsubscribe.startswith(prefix)
    token = unsubscribe.removeprefix(prefix).strip("/")
    assert notifications.read_unsubscribe_token(token) == (coach.pk, Kind.MENTION, None)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.message()["List-Unsubscribe"] == f"<{unsubscribe}>"
    notice = Notification.objects.get(recipient=coach)
    assert notice.emailed_at is not None and notice.email_attempts == 1


def test_an_immediate_email_follows_the_readers_language(cast, run):
    english, german = new_member(cast), new_member(cast)
    profile = UserProfile.get_for_user(english)
    profile.preferred_language = "en"
    profile.save()
    workshop = make_workshop(cast, capacity=1, title="Werkstatt am Markt")
    holder = cast.user("core_team")
    yes = RegistrationDetails(attending=True)
    for person in (holder, english, german):
        workshop_services.register(workshop=workshop, user=person, details=yes)

    run(workshop_services.cancel_registration, workshop=workshop, user=holder)
    run(workshop_services.cancel_registration, workshop=workshop, user=english)

    assert language_of(fresh(english)) == "en"
    assert language_of(fresh(german)) == "de"
    [to_english] = emails_to(english)
    [to_german] = emails_to(german)
    assert to_english.subject == PREFIX + "You have moved up: Werkstatt am Markt"
    assert to_german.subject == PREFIX + "Sie sind nachgerückt: Werkstatt am Markt"
    assert to_english.body.startswith("Hello ")
    assert to_german.body.startswith("Guten Tag ")
    assert '<html lang="en">' in to_english.alternatives[0][0]
    assert '<html lang="de">' in to_german.alternatives[0][0]
    # The workshop's German title inside the English text is marked as German content.
    assert '<span lang="de">Werkstatt am Markt</span>' in to_english.alternatives[0][0]
    assert 'lang="de">' not in to_german.alternatives[0][0].split("<body", 1)[1]
    day = timezone.localtime(workshop.starts_at).strftime("%A")  # C locale: English
    assert day in to_english.body  # dates in English too (Django's own catalogue)
    assert day not in to_german.body


def test_in_app_only_means_no_email(cast, forum, run):
    coach = cast.user("coach")
    notifications.set_preferences(user=coach, deliveries={Kind.MENTION: Delivery.IN_APP})

    run(
        services.post_reply,
        topic=forum.closed_topic,
        author=cast.user("member"),
        body="@" + coach.username,
    )

    assert recipients(Kind.MENTION) == ids(coach)
    assert mail.outbox == []
    assert send_digests(period=Delivery.DAILY) == 0
    assert notifications.unread_count(fresh(coach)) == 1


@pytest.mark.parametrize(
    ("chosen", "other"), [(Delivery.DAILY, Delivery.WEEKLY), (Delivery.WEEKLY, Delivery.DAILY)]
)
def test_a_digest_preference_holds_the_email_for_that_digest(cast, forum, run, chosen, other):
    coach = cast.user("coach")
    notifications.set_preferences(user=coach, deliveries={Kind.MENTION: chosen})

    run(
        services.post_reply,
        topic=forum.closed_topic,
        author=cast.user("member"),
        body="@" + coach.username,
    )

    assert recipients(Kind.MENTION) == ids(coach)
    assert mail.outbox == []
    assert send_digests(period=other) == 0
    assert mail.outbox == []
    assert send_digests(period=chosen) == 1
    [digest] = mail.outbox
    assert digest.to == [coach.email]
    assert "Co-Working im Rathaus" in digest.body


def test_off_means_no_notification_at_all(cast, forum, run):
    coach = cast.user("coach")
    notifications.set_preferences(user=coach, deliveries={Kind.MENTION: Delivery.OFF})

    run(
        services.post_reply,
        topic=forum.closed_topic,
        author=cast.user("member"),
        body="@" + coach.username,
    )

    assert not Notification.objects.filter(recipient=coach).exists()
    assert mail.outbox == []


def test_a_muted_space_sends_no_replies_or_new_topics_but_still_mentions(cast, forum, run):
    member, coach = cast.user("member"), cast.user("coach")
    notifications.set_space_level(
        user=member, space=forum.closed, level=SpaceNotificationLevel.Level.MUTE
    )

    run(services.post_reply, topic=forum.closed_topic, author=coach, body="Eine Antwort.")
    run(
        services.create_topic,
        space=forum.closed,
        author=coach,
        title="Neues Thema",
        body="Hallo zusammen.",
    )
    run(
        services.post_reply,
        topic=forum.closed_topic,
        author=coach,
        body=f"@{member.username}, was meinst du?",
    )
    # Muting one space leaves the others alone.
    run(services.post_reply, topic=forum.academy_topic, author=coach, body="Auch hier.")

    kinds = sorted(
        (notice.kind, notice.space_id) for notice in Notification.objects.filter(recipient=member)
    )
    assert kinds == sorted([(Kind.MENTION, forum.closed.pk), (Kind.REPLY, forum.academy.pk)])


def test_following_a_whole_space_brings_every_reply(cast, forum, run):
    core = cast.user("core_team")
    notifications.set_space_level(
        user=core, space=forum.closed, level=SpaceNotificationLevel.Level.ALL
    )
    assert not Subscription.objects.filter(user=core).exists()

    run(services.post_reply, topic=forum.closed_topic, author=cast.user("coach"), body="Eins.")
    run(services.post_reply, topic=forum.closed_topic, author=cast.user("member"), body="Zwei.")

    assert Notification.objects.filter(recipient=core, kind=Kind.REPLY).count() == 2


def test_a_space_level_needs_read_access(cast, forum):
    with pytest.raises(PermissionError):
        notifications.set_space_level(
            user=cast.user("outsider"),
            space=forum.closed,
            level=SpaceNotificationLevel.Level.ALL,
        )


def test_preferences_are_validated(cast):
    with pytest.raises(ValueError):
        notifications.set_preferences(user=cast.user("member"), deliveries={"mention": "hourly"})
    with pytest.raises(ValueError):
        notifications.set_preferences(user=cast.user("member"), deliveries={"likes": "daily"})
    assert not NotificationPreference.objects.exists()


# --- the academy setting ----------------------------------------------------------------------


def test_the_academy_can_keep_post_content_out_of_emails(cast, forum, run):
    setting = NotificationSettings.load()
    setting.include_post_content = False
    setting.save()
    coach = cast.user("coach")
    notifications.set_preferences(user=coach, deliveries={Kind.REPLY: Delivery.DAILY})
    services.set_subscription(topic=forum.closed_topic, user=coach, subscribed=True)
    secret = "Der Bürgermeister ist dagegen"

    post = run(
        services.post_reply,
        topic=forum.closed_topic,
        author=cast.user("member"),
        body=f"@{coach.username} {secret}.",
    )
    run(services.post_reply, topic=forum.closed_topic, author=cast.user("core_team"), body=secret)
    send_digests(period=Delivery.DAILY)

    immediate, digest = emails_to(coach)
    assert len(mail.outbox) >= 2
    title = forum.closed_topic.title
    for message in mail.outbox:
        html = message.alternatives[0][0]
        assert secret not in message.body and secret not in html
        # Not even the topic's title leaves the platform: "Sie wurden … erwähnt" + link.
        assert title not in message.subject and title not in message.body and title not in html
    assert immediate.subject.endswith("Sie wurden in einem Beitrag erwähnt")
    assert f"{SITE}{post.get_absolute_url()}" in immediate.body
    assert f"{SITE}{post.get_absolute_url()}" in immediate.alternatives[0][0]
    assert SITE in digest.body
    # In the app, the excerpt is still there for the reader.
    assert secret in Notification.objects.get(recipient=coach, kind=Kind.MENTION).excerpt


# --- access: what one may no longer read disappears -------------------------------------------


def test_after_a_removal_the_in_app_notifications_about_that_consortium_disappear(cast, forum, run):
    leaver = new_member(cast)
    MembershipFactory(user=leaver, consortium=cast.other_consortium, role=Role.MEMBER)
    coach = cast.user("coach")
    run(services.post_reply, topic=forum.closed_topic, author=coach, body=f"@{leaver.username}")
    run(services.post_reply, topic=forum.academy_topic, author=coach, body=f"@{leaver.username}")
    assert notifications.notifications_for(fresh(leaver)).count() == 2

    run(
        services.remove_member,
        membership=Membership.objects.get(user=leaver, consortium=cast.consortium),
        actor=coach,
    )

    [left] = notifications.notifications_for(fresh(leaver))
    assert left.space == forum.academy
    assert notifications.unread_count(fresh(leaver)) == 1


def test_removed_members_get_no_digest_entry_about_the_consortium(cast, forum, run):
    leaver = new_member(cast)
    MembershipFactory(user=leaver, consortium=cast.other_consortium, role=Role.MEMBER)
    coach = cast.user("coach")
    services.set_subscription(topic=forum.closed_topic, user=leaver, subscribed=True)
    services.set_subscription(topic=forum.academy_topic, user=leaver, subscribed=True)
    run(services.post_reply, topic=forum.closed_topic, author=coach, body="Intern: Haushalt.")
    run(services.post_reply, topic=forum.academy_topic, author=coach, body="Für alle.")
    closed_notice = Notification.objects.get(recipient=leaver, space=forum.closed)

    run(
        services.remove_member,
        membership=Membership.objects.get(user=leaver, consortium=cast.consortium),
        actor=coach,
    )
    assert send_digests(period=Delivery.DAILY) >= 1

    [digest] = emails_to(leaver)
    assert forum.academy_topic.title in digest.body
    assert forum.closed_topic.title not in digest.body
    assert "Haushalt" not in digest.body
    assert not notifications.notifications_for(fresh(leaver)).filter(pk=closed_notice.pk).exists()
    assert send_digests(period=Delivery.DAILY) == 0  # not offered again


def test_a_topic_whose_space_was_closed_vanishes_from_outsiders_notifications(cast, forum, run):
    outsider = cast.user("outsider")
    topic = run(
        services.create_topic,
        space=forum.academy,
        author=cast.user("member"),
        title="Ärger mit dem Bauamt",
        body="Eigentlich eine interne Sache.",
    )
    notice = Notification.objects.get(recipient=outsider, topic=topic)
    assert notifications.is_still_visible(notice)

    run(
        services.change_space,
        space=forum.academy,
        actor=cast.user("admin"),
        name=forum.academy.name,
        slug=forum.academy.slug,
        consortium=cast.consortium,
        description="",
    )

    assert not notifications.notifications_for(fresh(outsider)).filter(pk=notice.pk).exists()
    assert not notifications.is_still_visible(Notification.objects.get(pk=notice.pk))
    send_digests(period=Delivery.DAILY)
    assert emails_to(outsider) == []
    # The consortium's own members still see it.
    member_notice = Notification.objects.get(recipient=cast.user("core_team"), topic=topic)
    assert notifications.is_still_visible(member_notice)


def test_a_mention_in_a_post_hidden_before_the_reader_looks_is_shown_as_the_post_is(
    cast, forum, run
):
    """As ``forum.see_post_content``: a member no longer sees it, a moderator still does; once
    the post is restored, the member's notice is back."""
    coach, core, reader = cast.user("coach"), cast.user("core_team"), new_member(cast)
    for person in (core, reader):
        notifications.set_preferences(user=person, deliveries={Kind.MENTION: Delivery.DAILY})
    post = run(
        services.post_reply,
        topic=forum.closed_topic,
        author=cast.user("member"),
        body=f"@{core.username} @{reader.username} etwas Unpassendes",
    )
    run(services.hide_post, post=post, moderator=coach, reason="Unpassend")

    assert not notifications.notifications_for(fresh(reader)).exists()
    assert notifications.notifications_for(fresh(core)).filter(post=post).exists()
    assert send_digests(period=Delivery.DAILY) == 1
    assert emails_to(reader) == []
    assert len(emails_to(core)) == 1

    run(services.restore_post, post=post, moderator=coach)
    assert notifications.notifications_for(fresh(reader)).filter(post=post).exists()


# --- unsubscribe tokens -----------------------------------------------------------------------


def test_an_unsubscribe_token_names_its_own_user_and_kind(cast):
    member = cast.user("member")
    token = notifications.unsubscribe_token(member, Kind.REPLY)

    assert notifications.read_unsubscribe_token(token) == (member.pk, Kind.REPLY, None)
    assert token != notifications.unsubscribe_token(member, Kind.MENTION)
    assert token != notifications.unsubscribe_token(cast.user("coach"), Kind.REPLY)
    digest_token = notifications.digest_unsubscribe_token(member, Delivery.WEEKLY)
    assert notifications.read_unsubscribe_token(digest_token) == (
        member.pk,
        None,
        Delivery.WEEKLY,
    )


def test_unsubscribing_stops_emails_of_that_kind_for_that_user_only(cast):
    member, coach = cast.user("member"), cast.user("coach")
    notifications.set_preferences(user=member, deliveries={Kind.MENTION: Delivery.IMMEDIATE})

    user, kinds = notifications.unsubscribe(
        token=notifications.unsubscribe_token(member, Kind.REPLY)
    )

    assert (user, kinds) == (member, [Kind.REPLY])
    # Emails stop; the notifications stay in the app.
    assert notifications.delivery_of(member, Kind.REPLY) == Delivery.IN_APP
    assert notifications.delivery_of(member, Kind.MENTION) == Delivery.IMMEDIATE
    assert notifications.delivery_of(coach, Kind.REPLY) == DEFAULT_DELIVERY[Kind.REPLY]


def _tampered(token: str) -> list[str]:
    value, _separator, signature = token.rpartition(":")
    flipped = "A" if signature[0] != "A" else "B"
    return [
        f"{value}:{flipped}{signature[1:]}",
        f"{value[:-1]}{'A' if value[-1] != 'A' else 'B'}:{signature}",
        token + "x",
        "",
        "kein-token",
    ]


def test_a_tampered_or_foreign_token_is_refused(cast):
    member = cast.user("member")
    token = notifications.unsubscribe_token(member, Kind.REPLY)
    other_payload = signing.dumps(
        {"u": cast.user("coach").pk, "k": Kind.REPLY}, salt="another.purpose", compress=True
    )

    for bad in [*_tampered(token), other_payload]:
        with pytest.raises(signing.BadSignature):
            notifications.read_unsubscribe_token(bad)
        with pytest.raises(signing.BadSignature):
            notifications.unsubscribe(token=bad)
    assert not NotificationPreference.objects.exists()
