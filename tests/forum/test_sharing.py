"""Sharing with consent: who may propose, answer, decide, see and withdraw; only accepted posts
reach the copy; withdrawal removes a copy; the audit trail; notifications only to the right
people; the crossing move asks the authors; query counts of the proposal page."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from forum import notifications, services
from forum import rules as policy
from forum.models import (
    Membership,
    Notification,
    NotificationKind,
    Post,
    Role,
    ShareConsent,
    ShareProposal,
    Space,
    StreamEvent,
    Topic,
)
from forum.privacy import retention
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.cast import ROLES, client_for
from tests.helpers.permissions import MODERATE, POST

Status, State = ShareProposal.Status, ShareConsent.State


@dataclass
class Thread:
    topic: object
    opening: object  # the member's
    by_coach: object
    by_core: object
    by_second: object  # a second member of the consortium
    second: object
    other_space: object


@pytest.fixture
def thread(cast, forum) -> Thread:
    topic = forum.closed_topic
    second = UserFactory(profile__display_name="Zweite Stimme")
    MembershipFactory(user=second, consortium=cast.consortium, role=Role.MEMBER)
    by_coach = services.post_reply(topic=topic, author=cast.user("coach"), body="Vom Paten.")
    by_core = services.post_reply(topic=topic, author=cast.user("core_team"), body="Vom Kernteam.")
    by_second = services.post_reply(topic=topic, author=second, body="Nur für uns gedacht.")
    other_space = Space.objects.get(consortium=cast.other_consortium)
    # A name only the other consortium knows: proposers must never see it.
    other_space.name = "Geheimes Hinterzimmer"
    other_space.save(update_fields=["name"])
    return Thread(
        topic=Topic.objects.select_related("space").get(pk=topic.pk),
        opening=forum.closed_post,
        by_coach=by_coach,
        by_core=by_core,
        by_second=by_second,
        second=second,
        other_space=other_space,
    )


def propose(thread, proposer, posts=None, target=None, note="Passt gut zu euch."):
    posts = posts or [thread.opening, thread.by_coach, thread.by_core, thread.by_second]
    return services.propose_share(
        topic=thread.topic,
        proposer=proposer,
        post_ids=[post.pk for post in posts],
        target=target or thread.other_space,
        note=note,
    )


def answer(proposal, author, accept):
    consent = ShareConsent.objects.get(proposal=proposal, author=author)
    return services.answer_consent(consent=consent, author=author, accept=accept)


# --- consent semantics ---------------------------------------------------------------------


def test_only_accepted_posts_reach_the_copy_in_order_with_their_authors(cast, thread, run):
    member, coach = cast.user("member"), cast.user("coach")
    proposal = run(propose, thread=thread, proposer=member)
    answer(proposal, coach, True)
    answer(proposal, thread.second, False)
    # The core team does not answer: silence is no.
    copy = run(services.confirm_share, proposal=proposal, moderator=coach)

    posts = list(Post.objects.filter(topic=copy).order_by("pk"))
    assert [p.shared_from_id for p in posts] == [thread.opening.pk, thread.by_coach.pk]
    assert [p.author_id for p in posts] == [member.pk, coach.pk]
    assert [p.body for p in posts] == ["Wie war es bei euch?", "Vom Paten."]
    assert copy.space == thread.other_space
    assert copy.reply_count == 1 and copy.last_post_id == posts[-1].pk
    texts = set(Post.objects.filter(topic=copy).values_list("body", flat=True))
    assert "Nur für uns gedacht." not in texts and "Vom Kernteam." not in texts
    proposal.refresh_from_db()
    assert (proposal.status, proposal.copy, proposal.decided_by) == (Status.SHARED, copy, coach)
    # The original stays where it was, untouched.
    assert Post.objects.filter(topic=thread.topic).count() == 4


def test_nobody_agreed_means_nothing_to_share(cast, thread):
    proposal = propose(thread, cast.user("coach"), posts=[thread.by_second])
    with pytest.raises(ValidationError, match="Niemand hat zugestimmt"):
        services.confirm_share(proposal=proposal, moderator=cast.user("coach"))
    assert not Topic.objects.filter(space=thread.other_space).exists()


def test_a_declined_answer_can_still_be_changed_while_the_proposal_is_open(cast, thread):
    proposal = propose(thread, cast.user("member"), posts=[thread.by_second])
    answer(proposal, thread.second, False)
    answer(proposal, thread.second, True)
    copy = services.confirm_share(proposal=proposal, moderator=cast.user("coach"))
    assert list(copy.posts.values_list("shared_from", flat=True)) == [thread.by_second.pk]
    with pytest.raises(PermissionDenied):
        answer(proposal, thread.second, False)


def test_withdrawal_removes_the_copy_post_and_keeps_the_time(cast, thread, run):
    member, coach = cast.user("member"), cast.user("coach")
    proposal = propose(thread, member, posts=[thread.opening, thread.by_coach])
    answer(proposal, coach, True)
    copy = services.confirm_share(proposal=proposal, moderator=coach)
    coach_copy = copy.posts.get(author=coach)

    run(services.withdraw_shared_post, post=coach_copy, author=coach)

    assert not Post.objects.filter(pk=coach_copy.pk).exists()
    copy.refresh_from_db()
    assert (copy.reply_count, copy.last_post.author_id) == (0, member.pk)
    consent = ShareConsent.objects.get(proposal=proposal, author=coach)
    assert consent.withdrawn_at is not None and consent.copy is None
    event = StreamEvent.objects.filter(stream=f"topic:{copy.pk}").latest("position")
    assert event.kind == "post.changed" and event.payload["change"] == "removed"
    assert "Vom Paten" not in str(event.payload)
    # The last author withdrawing takes the copy away entirely.
    services.withdraw_shared_post(post=copy.posts.get(), author=member)
    assert not Topic.objects.filter(pk=copy.pk).exists()


def test_only_the_author_withdraws_a_copy(cast, thread, client):
    member, coach = cast.user("member"), cast.user("coach")
    proposal = propose(thread, member, posts=[thread.opening])
    copy = services.confirm_share(proposal=proposal, moderator=coach)
    copied = copy.posts.get()
    for person in (coach, cast.user("admin"), cast.user("outsider")):
        with pytest.raises(PermissionDenied):
            services.withdraw_shared_post(post=copied, author=person)
        client.force_login(person)
        url = reverse("forum:shared_post_withdraw", args=[copied.pk])
        assert client.post(url).status_code == 404
    # The original is no copy: nothing to withdraw.
    with pytest.raises(PermissionDenied):
        services.withdraw_shared_post(post=thread.opening, author=member)
    client.force_login(member)
    response = client.post(reverse("forum:shared_post_withdraw", args=[copied.pk]))
    assert response.status_code == 302
    assert not Post.objects.filter(pk=copied.pk).exists()


def test_the_audit_trail_shows_who_agreed_when(cast, thread, client):
    member, coach = cast.user("member"), cast.user("coach")
    proposal = propose(thread, member, posts=[thread.opening, thread.by_coach, thread.by_second])
    answer(proposal, coach, True)
    answer(proposal, thread.second, False)
    copy = services.confirm_share(proposal=proposal, moderator=cast.user("core_team"))
    services.withdraw_shared_post(post=copy.posts.get(author=coach), author=coach)

    client.force_login(member)
    response = client.get(proposal.get_absolute_url())
    html = response.content.decode()
    trail = [text for _when, text in response.context["trail"]]
    coach_name = coach.profile.display_name
    assert trail[0].startswith(member.profile.display_name)
    assert f"{coach_name} stimmt dem Teilen von Beitrag #{thread.by_coach.pk} zu." in trail
    assert f"Zweite Stimme lehnt das Teilen von Beitrag #{thread.by_second.pk} ab." in trail
    assert any("bestätigt: geteilt" in text for text in trail)
    assert trail[-1] == f"{coach_name} zieht Beitrag #{thread.by_coach.pk} aus der Kopie zurück."
    answered = ShareConsent.objects.get(proposal=proposal, author=coach).answered_at
    assert dateformat.format(timezone.localtime(answered), "c") in html  # with its time


# --- permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["closed", "academy"])
def test_who_may_propose(client, cast, forum, role, where):
    topic = forum.closed_topic if where == "closed" else forum.academy_topic
    user = cast.user(role)
    allowed = role in POST[where]
    assert policy.allowed(user, "forum.propose_share", topic) is allowed
    response = client_for(client, user).get(reverse("forum:share_propose", args=[topic.pk]))
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response.url
    elif allowed:
        assert response.status_code == 200
    else:
        readable = role == "editor" and where == "academy"
        assert response.status_code == (403 if readable else 404)
    if role != "anonymous" and (allowed or role == "editor" and where == "academy"):
        page = client.get(topic.get_absolute_url()).content.decode()
        assert (reverse("forum:share_propose", args=[topic.pk]) in page) is allowed


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_proposal_and_may_decide(client, cast, thread, role):
    """The proposer and the source's moderators; a fellow member who did not propose, other
    consortia and editors get 404."""
    proposal = propose(thread, thread.second, posts=[thread.by_second])
    user = cast.user(role)
    sees = role in MODERATE["closed"]
    assert policy.allowed(user, "forum.see_share_proposal", proposal) is sees
    assert policy.allowed(user, "forum.decide_share", proposal) is sees
    response = client_for(client, user).get(proposal.get_absolute_url())
    if role == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == (200 if sees else 404)
    confirmed = client.post(reverse("forum:share_confirm", args=[proposal.pk]))
    proposal.refresh_from_db()
    if sees:
        assert confirmed.status_code == 302
        assert proposal.status == Status.SHARED
    else:
        assert confirmed.status_code == 404
        assert proposal.status == Status.WAITING


def test_the_proposer_sees_but_may_not_confirm_and_may_cancel(client, cast, thread):
    proposal = propose(thread, thread.second, posts=[thread.by_second, thread.by_coach])
    client.force_login(thread.second)
    page = client.get(proposal.get_absolute_url())
    assert page.status_code == 200
    assert page.context["can_decide"] is False and page.context["can_cancel"] is True
    assert client.post(reverse("forum:share_confirm", args=[proposal.pk])).status_code == 403
    assert client.post(reverse("forum:share_refuse", args=[proposal.pk])).status_code == 403
    client.post(reverse("forum:share_cancel", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == Status.CANCELLED
    # Decided: the coach's confirmation is refused with the reason, nothing copied.
    client.force_login(cast.user("coach"))
    response = client.post(reverse("forum:share_confirm", args=[proposal.pk]), follow=True)
    assert "bereits entschieden" in response.content.decode()
    assert not Topic.objects.filter(space=thread.other_space).exists()


def test_only_the_author_answers_for_a_post(client, cast, thread):
    proposal = propose(thread, cast.user("member"))
    consent = ShareConsent.objects.get(proposal=proposal, author=cast.user("coach"))
    for role in ("member", "core_team", "admin", "outsider"):
        with pytest.raises(PermissionDenied):
            services.answer_consent(consent=consent, author=cast.user(role), accept=True)
        client.force_login(cast.user(role))
        url = reverse("forum:consent_answer", args=[consent.pk])
        assert client.post(url, {"antwort": "ja"}).status_code == 404
    client.force_login(cast.user("coach"))
    url = reverse("forum:consent_answer", args=[consent.pk])
    assert client.post(url, {"antwort": "vielleicht"}).status_code == 400
    assert client.post(url, {"antwort": "ja"}).status_code == 302
    consent.refresh_from_db()
    assert consent.state == State.ACCEPTED and consent.answered_at is not None


def test_confirming_needs_two_factor_login(cast, thread):
    coach = UserFactory()
    MembershipFactory(user=coach, consortium=cast.consortium, role=Role.COACH)
    proposal = propose(thread, cast.user("member"), posts=[thread.opening])
    with pytest.raises(PermissionDenied):
        services.confirm_share(proposal=proposal, moderator=coach)


def test_moderators_of_the_target_may_not_decide(cast, thread):
    """Confirming is for the source consortium: the target's coach has no say."""
    other_coach = UserFactory()
    MembershipFactory(user=other_coach, consortium=cast.other_consortium, role=Role.COACH)
    proposal = propose(thread, cast.user("member"), posts=[thread.opening])
    assert not policy.allowed(other_coach, "forum.decide_share", proposal)
    with pytest.raises(PermissionDenied):
        services.refuse_share(proposal=proposal, moderator=other_coach)


# --- the form ------------------------------------------------------------------------------


def test_targets_name_consortia_never_their_spaces(client, cast, thread):
    client.force_login(cast.user("member"))
    page = client.get(reverse("forum:share_propose", args=[thread.topic.pk])).content.decode()
    assert f"Verbund {cast.other_consortium.name}" in page
    assert "Geheimes Hinterzimmer" not in page
    assert "akademieweit" in page
    # Every post is preselected.
    assert page.count("checked") >= 4


def test_an_invalid_proposal_keeps_what_was_typed(client, cast, thread):
    client.force_login(cast.user("member"))
    url = reverse("forum:share_propose", args=[thread.topic.pk])
    response = client.post(url, {"target": thread.other_space.pk, "note": "Mein Grund"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte wählen Sie mindestens einen Beitrag aus." in html
    assert "Mein Grund" in html
    # A post of another topic or a target that is not offered: refused, nothing stored.
    response = client.post(
        url, {"posts": [thread.opening.pk], "target": thread.topic.space.pk, "note": "x"}
    )
    assert response.status_code == 400
    response = client.post(url, {"posts": ["12abc"], "target": thread.other_space.pk})
    assert response.status_code == 400
    assert not ShareProposal.objects.exists()


def test_a_hidden_post_cannot_be_proposed(cast, thread):
    services.hide_post(post=thread.by_core, moderator=cast.user("coach"), reason="Ton")
    with pytest.raises(ValidationError):
        propose(thread, cast.user("member"), posts=[thread.by_core])


# --- the crossing move asks the authors ----------------------------------------------------


def test_a_crossing_move_is_no_longer_silent(client, cast, forum):
    core = cast.user("core_team")
    with pytest.raises(services.MoveNeedsConsent):
        services.move_topic(topic=forum.closed_topic, moderator=core, target=forum.academy)
    client.force_login(core)
    url = reverse("forum:topic_move", args=[forum.closed_topic.pk])
    response = client.post(url, {"target": forum.academy.pk})
    assert response.status_code == 302
    assert response.url == (
        reverse("forum:share_propose", args=[forum.closed_topic.pk]) + f"?ziel={forum.academy.pk}"
    )
    form = client.get(response.url).context["form"]
    assert form.initial["target"] == forum.academy.pk
    assert form.initial["posts"] == [forum.closed_post.pk]
    forum.closed_topic.refresh_from_db()
    assert forum.closed_topic.space == forum.closed


def test_a_move_within_the_academy_wide_spaces_stays_a_move(cast, forum):
    second = Space.objects.create(name="Zweiter Austausch", slug="zweiter-austausch")
    services.move_topic(topic=forum.academy_topic, moderator=cast.user("core_team"), target=second)
    forum.academy_topic.refresh_from_db()
    assert forum.academy_topic.space == second


# --- the copy as its readers see it --------------------------------------------------------


def test_the_copy_shows_its_origin_to_the_target_and_stays_hidden_from_others(
    client, cast, thread, run
):
    member, coach = cast.user("member"), cast.user("coach")
    proposal = propose(thread, member, posts=[thread.opening])
    copy = run(services.confirm_share, proposal=proposal, moderator=coach)
    client.force_login(cast.user("outsider"))
    html = client.get(copy.get_absolute_url()).content.decode()
    assert f"aus dem Verbund {cast.consortium.name}, mit Zustimmung geteilt" in html
    assert "mit Zustimmung geteilt" in html
    # The outsider reads the copy, never the original.
    assert client.get(thread.topic.get_absolute_url()).status_code == 404
    # The source's member may not read the other consortium's copy.
    client.force_login(member)
    assert client.get(copy.get_absolute_url()).status_code == 404
    page = client.get(proposal.get_absolute_url())
    assert page.context["can_read_copy"] is False


def test_the_copy_is_announced_live_without_its_text(cast, thread, run):
    proposal = propose(thread, cast.user("member"), posts=[thread.opening])
    copy = run(services.confirm_share, proposal=proposal, moderator=cast.user("coach"))
    created = StreamEvent.objects.get(stream=f"space:{thread.other_space.pk}", kind="topic.created")
    assert created.payload["topic_id"] == copy.pk
    posted = StreamEvent.objects.get(stream=f"topic:{copy.pk}", kind="post.created")
    assert set(posted.payload) == {"post_id", "topic_id", "fragment_url"}


# --- notifications -------------------------------------------------------------------------


def visible_to(user, kind):
    return set(
        notifications.notifications_for(user).filter(kind=kind).values_list("recipient", flat=True)
    )


def test_each_author_is_asked_once_and_nobody_else_sees_it(cast, thread, run):
    member = cast.user("member")
    run(propose, thread=thread, proposer=member)
    asked = Notification.objects.filter(kind=NotificationKind.SHARE_CONSENT)
    expected = {cast.user("coach").pk, cast.user("core_team").pk, thread.second.pk}
    assert sorted(asked.values_list("recipient_id", flat=True)) == sorted(expected)
    for role in ROLES[1:]:
        user = cast.user(role)
        assert visible_to(user, NotificationKind.SHARE_CONSENT) == ({user.pk} & expected)
    notice = asked.get(recipient=thread.second)
    assert notice.post_id == thread.by_second.pk
    assert notice.url == reverse("forum:share_overview")


def test_an_author_who_left_the_consortium_is_still_asked_about_their_own_post(cast, thread):
    Membership.objects.filter(user=thread.second).delete()
    MembershipFactory(user=thread.second, consortium=cast.other_consortium, role=Role.MEMBER)
    policy.forget_consortium_roles(thread.second)
    propose(thread, cast.user("member"), posts=[thread.opening, thread.by_second])
    notice = Notification.objects.get(kind=NotificationKind.SHARE_CONSENT)
    assert notifications.is_still_visible(notice)
    # …but not of a reply in the topic they left.
    services.post_reply(topic=thread.topic, author=cast.user("coach"), body="Weiter")
    assert not notifications.notifications_for(thread.second).exclude(pk=notice.pk).exists()


def test_moderators_are_asked_to_confirm_once_everyone_answered(cast, thread, run):
    proposal = run(
        propose,
        thread=thread,
        proposer=cast.user("member"),
        posts=[thread.opening, thread.by_second],
    )
    assert not Notification.objects.filter(kind=NotificationKind.SHARE_CONFIRM).exists()
    answer(proposal, thread.second, False)
    confirm = Notification.objects.filter(kind=NotificationKind.SHARE_CONFIRM)
    moderators = {cast.user(role).pk for role in MODERATE["closed"]}
    assert set(confirm.values_list("recipient_id", flat=True)) == moderators
    proposal.refresh_from_db()
    assert proposal.status == Status.WAITING


def test_proposer_and_consenting_authors_hear_it_is_shared(cast, thread, run):
    member, coach = cast.user("member"), cast.user("coach")
    proposal = propose(thread, member, posts=[thread.opening, thread.by_coach, thread.by_second])
    answer(proposal, coach, True)
    answer(proposal, thread.second, False)
    run(services.confirm_share, proposal=proposal, moderator=cast.user("core_team"))
    done = Notification.objects.filter(kind=NotificationKind.SHARE_DONE)
    assert set(done.values_list("recipient_id", flat=True)) == {member.pk, coach.pk}


# --- "Meine Zustimmungen" ------------------------------------------------------------------


def test_my_consents_page_shows_only_my_posts_with_answer_buttons(client, cast, thread):
    propose(thread, cast.user("member"))
    client.force_login(thread.second)
    html = client.get(reverse("forum:share_overview")).content.decode()
    assert "Nur für uns gedacht." in html
    assert "Vom Paten." not in html
    assert 'name="antwort" value="ja"' in html
    assert "Geheimes Hinterzimmer" not in html
    assert f"Verbund {cast.other_consortium.name}" in html


# --- privacy -------------------------------------------------------------------------------


def test_erasure_keeps_the_answers_with_the_former_member(cast, thread):
    from forum.privacy.erasure import FORMER_MEMBER_USERNAME, erase_person

    proposal = propose(thread, thread.second, posts=[thread.by_second], note="Von Zweite Stimme")
    copy = services.confirm_share(proposal=proposal, moderator=cast.user("coach"))
    erase_person(person=thread.second, delete_posts=True, actor=cast.user("admin"))
    consent = ShareConsent.objects.get(proposal=proposal)
    assert consent.author.username == FORMER_MEMBER_USERNAME
    proposal.refresh_from_db()
    assert proposal.proposer is None and proposal.note == ""
    copied = copy.posts.get()
    assert (copied.body, copied.deleted_at is not None) == ("", True)


def test_export_holds_proposals_and_answers(cast, thread):
    from forum.privacy.sections import share_consents, share_proposals

    proposal = propose(thread, cast.user("member"), posts=[thread.opening, thread.by_coach])
    answer(proposal, cast.user("coach"), True)
    assert share_proposals(cast.user("member"))[0]["note"] == "Passt gut zu euch."
    (row,) = share_consents(cast.user("coach"))
    assert (row["post_id"], row["state"]) == (thread.by_coach.pk, "accepted")


# --- query budget --------------------------------------------------------------------------


def page_queries(client, proposal) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(proposal.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_proposal_page_costs_the_same_with_one_and_many_posts(client, cast, thread):
    member = cast.user("member")
    small = propose(thread, member, posts=[thread.by_second])
    people = []
    for number in range(12):
        person = UserFactory()
        MembershipFactory(user=person, consortium=cast.consortium, role=Role.MEMBER)
        people.append(person)
        services.post_reply(topic=thread.topic, author=person, body=f"Beitrag {number}")
    posts = list(Post.objects.filter(topic=thread.topic))
    large = propose(thread, member, posts=posts)
    for person in people[:6]:
        answer(large, person, True)
    client.force_login(member)
    page_queries(client, small)  # warm caches (session, site settings)
    assert page_queries(client, small) == page_queries(client, large)
    client.get(reverse("forum:share_overview"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("forum:share_overview"))
    propose(thread, people[0], posts=posts)
    client.get(reverse("forum:share_overview"))  # the bell counts its new notification
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("forum:share_overview"))
    assert len(one) == len(many)


@pytest.mark.parametrize("role", ROLES[1:])
def test_the_proposal_list_and_the_policy_agree(cast, thread, role):
    from forum import selectors

    mine = propose(thread, thread.second, posts=[thread.by_second])
    academy = services.propose_share(
        topic=Topic.objects.get(pk=thread.topic.pk),
        proposer=cast.user("member"),
        post_ids=[thread.opening.pk],
        target=Space.objects.get(consortium__isnull=True),
    )
    user = cast.user(role)
    listed = set(selectors.share_proposals_for(user))
    allowed = {p for p in (mine, academy) if policy.allowed(user, "forum.see_share_proposal", p)}
    assert listed == allowed


def test_a_former_members_post_is_not_waited_for(cast, thread):
    thread.second.is_active = False
    thread.second.save(update_fields=["is_active"])
    proposal = propose(thread, cast.user("member"), posts=[thread.opening, thread.by_second])
    assert proposal.status == Status.WAITING
    assert not Notification.objects.filter(kind=NotificationKind.SHARE_CONSENT).exists()


def test_an_academy_wide_topic_into_a_consortium_asks_authors_of_other_consortia(cast, forum):
    outsider, member = cast.user("outsider"), cast.user("member")
    theirs = services.post_reply(topic=forum.academy_topic, author=outsider, body="Von drüben.")
    proposal = services.propose_share(
        topic=forum.academy_topic,
        proposer=member,
        post_ids=[forum.academy_post.pk, theirs.pk],
        target=forum.closed,
    )
    notice = Notification.objects.get(kind=NotificationKind.SHARE_CONSENT)
    assert notice.recipient == outsider
    # Coaches do not moderate the academy-wide space: the core team decides.
    assert not policy.allowed(cast.user("coach"), "forum.decide_share", proposal)
    copy = services.confirm_share(proposal=proposal, moderator=cast.user("core_team"))
    assert list(copy.posts.values_list("shared_from", flat=True)) == [forum.academy_post.pk]


# --- storage period ------------------------------------------------------------------------


def test_closed_proposals_go_after_the_period_and_shared_ones_stay_while_their_copy_does(
    cast, thread, forum, settings
):
    """Refused and cancelled proposals, and shared ones whose copy is gone, are removed with
    their consents ``SHARE_PROPOSAL_DAYS`` after the decision; open ones and those whose copy
    still exists keep their audit trail."""
    settings.SHARE_PROPOSAL_DAYS = 30
    member, coach = cast.user("member"), cast.user("coach")
    refused = propose(thread, member, posts=[thread.opening])
    services.refuse_share(proposal=refused, moderator=coach)
    cancelled = propose(thread, member, posts=[thread.opening])
    services.cancel_share(proposal=cancelled, actor=member)
    recent = propose(thread, member, posts=[thread.opening])
    services.cancel_share(proposal=recent, actor=member)
    shared = propose(thread, member, posts=[thread.opening])
    copy = services.confirm_share(proposal=shared, moderator=coach)
    gone = propose(thread, member, posts=[thread.opening], target=forum.academy)
    services.withdraw_shared_post(
        post=services.confirm_share(proposal=gone, moderator=coach).posts.get(), author=member
    )
    still_open = propose(thread, member, posts=[thread.opening, thread.by_second])
    now = timezone.now()
    old = now - timedelta(days=31)
    ShareProposal.objects.exclude(pk=recent.pk).update(created_at=old, decided_at=old)
    ShareProposal.objects.filter(pk=recent.pk).update(decided_at=now - timedelta(days=29))

    removed = retention.apply_retention(now=now)["share_proposals"]

    assert removed == 3
    assert set(ShareProposal.objects.values_list("pk", flat=True)) == {
        recent.pk,
        shared.pk,
        still_open.pk,
    }
    assert not ShareConsent.objects.filter(proposal_id__in=[refused.pk, cancelled.pk, gone.pk])
    assert ShareConsent.objects.get(proposal=shared).copy == copy.posts.get()
