"""The demo data command: idempotent, consistent, and every demo login works."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import models
from django.utils import timezone
from wagtail.models import Revision

from cms.demo import CASES
from cms.models import (
    AccessibilityPage,
    CaseDiscussion,
    CaseIndexPage,
    HomePage,
    ImprintPage,
    PrivacyPage,
    StandardPage,
    WorkshopIndexPage,
)
from forum.demo import (
    ACADEMY_SPACE_SLUG,
    DEMO_PASSWORD,
    FORUM_TAGS,
    FORUM_TOPICS,
    PEOPLE,
    demo_email,
)
from forum.models import (
    Consortium,
    HelpfulMark,
    Membership,
    Notification,
    Phase,
    Post,
    Profile,
    ReadState,
    Role,
    Space,
    Tag,
    Topic,
    Town,
)
from forum.rules import EDITOR_GROUP
from forum.services import MAX_POSTS_PER_MINUTE
from workshops.demo import WORKSHOPS

# Every test starts from the demo seeded once for this module (tests/conftest.py: seeded_demo).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]

COUNTED = [
    Town,
    Consortium,
    Phase,
    Membership,
    Profile,
    EmailAddress,
    ImprintPage,
    PrivacyPage,
    AccessibilityPage,
    Revision,
    Tag,
    Topic,
    Post,
    HelpfulMark,
]


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def _counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    counts["User"] = get_user_model().objects.count()
    return counts


def _user(email: str):
    return get_user_model().objects.get(email=email)


def test_second_run_creates_and_changes_nothing():
    counts = _counts()
    password_hashes = dict(get_user_model().objects.values_list("email", "password"))

    output = _seed()

    assert _counts() == counts
    assert dict(get_user_model().objects.values_list("email", "password")) == password_hashes
    assert "nothing created or changed" in output


def test_first_run_creates_the_expected_objects(seeded_demo):
    output = seeded_demo

    assert Town.objects.count() == 8
    assert Consortium.objects.count() == 2
    assert Phase.objects.count() == 6
    assert get_user_model().objects.filter(email__in=[p.email for p in PEOPLE]).count() == 11
    # Impressum, Datenschutz, Barrierefreiheit and the overviews have page types of their own.
    assert not StandardPage.objects.exists()
    for model in (ImprintPage, PrivacyPage, AccessibilityPage):
        assert model.objects.live().count() == 1
    assert WorkshopIndexPage.objects.live().count() == 1
    for person in PEOPLE:
        assert person.email in output


def test_stadtlabor_has_the_five_report_towns_and_wittenberge_leads():
    consortium = Consortium.objects.get(slug="stadtlabor-kleinstadt")

    assert consortium.theme == "Digitale Arbeitswelten"
    assert consortium.lead_town.name == "Wittenberge"
    assert set(consortium.towns.values_list("name", flat=True)) == {
        "Wittenberge",
        "Dießen am Ammersee",
        "Dippoldiswalde",
        "Mölln",
        "Oestrich-Winkel",
    }
    assert set(consortium.towns.values_list("state", flat=True)) == {"BB", "BY", "SN", "SH", "HE"}


def test_phases_are_consecutive_and_inside_the_consortium_period():
    for consortium in Consortium.objects.all():
        phases = list(consortium.phases.order_by("start"))
        assert [p.kind for p in phases] == [
            Phase.Kind.EXPLORATION,
            Phase.Kind.CONSOLIDATION,
            Phase.Kind.TRANSFER,
        ]
        assert phases[0].start == consortium.start
        assert phases[-1].end == consortium.end
        for earlier, later in zip(phases, phases[1:], strict=False):
            assert earlier.end < later.start


def test_consortia_share_no_members():
    first = Consortium.objects.get(slug="stadtlabor-kleinstadt")
    second = Consortium.objects.exclude(pk=first.pk).get()
    first_members = set(first.memberships.values_list("user_id", flat=True))
    second_members = set(second.memberships.values_list("user_id", flat=True))

    assert first_members.isdisjoint(second_members)
    second_staff = second.memberships.filter(role=Role.MEMBER, user__profile__town__isnull=False)
    assert second_staff.exists()
    for membership in second_staff:
        assert membership.user.profile.town in second.towns.all()
        assert not Membership.objects.filter(user=membership.user, consortium=first).exists()


def test_town_staff_belong_to_a_town_of_their_consortium():
    for membership in Membership.objects.filter(role=Role.MEMBER).select_related("user__profile"):
        assert membership.user.profile.town in membership.consortium.towns.all()
    first = Consortium.objects.get(slug="stadtlabor-kleinstadt")
    staffed = set(
        first.memberships.filter(role=Role.MEMBER).values_list("user__profile__town", flat=True)
    )
    assert staffed == set(first.towns.values_list("pk", flat=True))


def test_roles_of_coaches_core_team_editor_and_admin():
    coach_consortia = set(
        Membership.objects.filter(role=Role.COACH).values_list("consortium__slug", flat=True)
    )
    assert coach_consortia == {"stadtlabor-kleinstadt", "lebendige-ortskerne"}
    assert Membership.objects.filter(
        role=Role.CORE_TEAM, consortium__slug="stadtlabor-kleinstadt"
    ).exists()

    editor = next(_user(p.email) for p in PEOPLE if p.editor)
    assert editor.groups.filter(name=EDITOR_GROUP).exists()
    assert editor.has_perm("wagtailadmin.access_admin")
    assert not editor.is_superuser
    assert not editor.memberships.exists()

    admin = next(_user(p.email) for p in PEOPLE if p.admin)
    assert admin.is_superuser and admin.is_staff


def test_every_demo_user_can_log_in_with_the_shared_password():
    for person in PEOPLE:
        user = _user(person.email)
        assert user.is_active
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(
            user=user, email=person.email, verified=True, primary=True
        ).exists()
        assert user.profile.display_name == person.display_name
        assert authenticate(None, email=person.email, password=DEMO_PASSWORD) == user


def test_existing_password_is_not_reset():
    user = _user(PEOPLE[0].email)
    user.set_password("ein-eigenes-Passwort-1")
    user.save()

    _seed()

    user.refresh_from_db()
    assert user.check_password("ein-eigenes-Passwort-1")


def test_footer_and_menu_pages_are_published_under_the_home_page():
    home = HomePage.objects.get()
    assert home.intro and home.body

    # The overview pages of the menu are their own page types now (cms.demo).
    assert not StandardPage.objects.child_of(home).live().in_menu().exists()
    assert WorkshopIndexPage.objects.child_of(home).live().in_menu().get().slug == "werkstaetten"
    # The case index (cms.demo) took the place of the former "Fallstudien" placeholder.
    assert CaseIndexPage.objects.child_of(home).live().in_menu().get().slug == "fallstudien"
    legal = [
        model.objects.child_of(home).live().get()
        for model in (ImprintPage, PrivacyPage, AccessibilityPage)
    ]
    assert [page.slug for page in legal] == ["impressum", "datenschutz", "barrierefreiheit"]
    for page in legal:
        assert "Beispielangaben" in page.intro
    # Honest about the state: partly conformant, with its known gaps listed.
    assert legal[2].conformity == "partial"
    assert len(legal[2].gaps) >= 1
    assert len(legal[1].purposes) >= 5


# --- Forum demo content ---------------------------------------------------------------------


def _forum_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Topic, Post, Tag, HelpfulMark)}


def _demo_topics():
    """The demo discussions, without the topics opened by publishing the demo case pages and
    by planning the demo workshops (workshops.demo)."""
    return Topic.objects.filter(case_discussion__isnull=True, workshop__isnull=True)


def test_second_run_adds_no_forum_content():
    counts = _forum_counts()
    discussions = CaseDiscussion.objects.count()
    assert discussions == 5
    # Each demo workshop opens a discussion with one post by its creator.
    workshops = len(WORKSHOPS)
    assert counts["Topic"] == len(FORUM_TOPICS) + discussions + workshops
    assert counts["Post"] == sum(1 + len(t.replies) for t in FORUM_TOPICS) + discussions + workshops
    assert counts["Tag"] == len(FORUM_TAGS)
    assert counts["HelpfulMark"] == sum(
        len(p.helpful) for t in FORUM_TOPICS for p in (t.opening, *t.replies)
    )

    _seed()

    assert _forum_counts() == counts


def test_every_space_has_at_least_two_demo_topics_with_replies():
    spaces = Space.objects.all()
    assert {s.slug for s in spaces} == {
        ACADEMY_SPACE_SLUG,
        "stadtlabor-kleinstadt",
        "lebendige-ortskerne",
    }
    for space in spaces:
        topics = list(_demo_topics().filter(space=space))
        assert len(topics) >= 2, space.slug
        for topic in topics:
            assert topic.reply_count >= 2
            assert topic.reply_count == topic.posts.count() - 1
            assert topic.last_post_id == topic.posts.order_by("pk").last().pk


def test_demo_posts_are_rendered_without_scripts_and_resolve_mentions():
    for post in Post.objects.all():
        assert post.body_html.strip()
        assert "<script" not in post.body_html.lower()
    mention = Post.objects.get(body__startswith="@claudia.weber")
    assert list(mention.mentions.values_list("username", flat=True)) == ["claudia.weber"]
    assert 'class="mention"' in mention.body_html
    assert Post.objects.filter(body_html__contains="<blockquote>").exists()
    assert Post.objects.filter(body_html__contains="<strong>").exists()


def test_demo_authors_can_read_their_space_and_never_mark_their_own_posts():
    for post in Post.objects.select_related("topic__space", "author"):
        assert post.author.has_perm("forum.post_in_space", post.topic.space)
    assert not HelpfulMark.objects.filter(user=models.F("post__author")).exists()
    academy_authors = {
        membership.consortium.slug
        for membership in Membership.objects.filter(
            user__posts__topic__space__slug=ACADEMY_SPACE_SLUG
        ).select_related("consortium")
    }
    assert academy_authors == {"stadtlabor-kleinstadt", "lebendige-ortskerne"}


def test_one_demo_topic_is_a_lesson_and_topics_carry_tags():
    lesson = Topic.objects.get(is_lesson=True)
    assert lesson.space.slug == "stadtlabor-kleinstadt"
    assert _demo_topics().filter(tags__isnull=True).count() == 0
    assert not Topic.objects.filter(is_pinned=True).exists()


def test_no_demo_author_exceeds_the_posting_rate_limit():
    """All demo posts are written within seconds; the services allow 10 per author and minute."""
    per_author = Counter(p.author for t in FORUM_TOPICS for p in (t.opening, *t.replies))
    # Publishing a demo case page opens its discussion in the name of the town's author.
    per_author.update(case.author for case in CASES)
    # Planning a demo workshop opens its discussion in the name of its creator.
    per_author.update(workshop.created_by for workshop in WORKSHOPS)
    assert max(per_author.values()) < MAX_POSTS_PER_MINUTE
    # The browser tests post as these two right after seeding: leave them room.
    assert per_author["anna.berger"] <= 5
    assert per_author["jan.petersen"] <= 5


def test_a_missing_demo_topic_is_recreated_and_continued_discussions_are_kept():
    topic = Topic.objects.get(title=FORUM_TOPICS[0].title)
    topic.delete()
    kept = Topic.objects.get(title=FORUM_TOPICS[1].title)
    posts_in_kept = kept.posts.count()

    output = _seed()

    assert Topic.objects.filter(title=FORUM_TOPICS[0].title).count() == 1
    assert kept.posts.count() == posts_in_kept
    assert "forum.Topic" in output


def test_demo_posts_are_spread_over_the_reports_timeline_not_the_seeding_minute():
    now = timezone.now()
    written = list(Post.objects.values_list("created_at", flat=True))
    days = {timezone.localdate(at) for at in written}

    assert len(days) >= 25
    # The report's consortium (from September 2021), the invented one from April 2025.
    assert min(days) >= Consortium.objects.get(slug="stadtlabor-kleinstadt").start
    assert {day.year for day in days} >= {2021, 2022, 2023, 2025, 2026}
    assert max(written) <= now
    # One discussion is current: the site shows it as recent activity ("gestern, 16:20").
    assert now - max(written) < timedelta(days=3)


def test_demo_replies_follow_their_opening_and_topics_show_their_last_post():
    for topic in Topic.objects.all():
        written = list(topic.posts.order_by("pk").values_list("created_at", flat=True))
        assert written == sorted(written), topic.title
        assert topic.created_at == written[0], topic.title
        assert topic.last_activity_at == written[-1], topic.title


def test_demo_notifications_are_dated_with_their_post_and_read_then():
    notified = Notification.objects.filter(post__isnull=False).select_related("post")

    assert notified.exists()
    for notification in notified:
        assert notification.created_at == notification.post.created_at
        assert notification.read_at == notification.created_at
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_demo_people_have_read_the_older_discussions_and_the_current_one_is_new():
    now = timezone.now()
    written = dict(Post.objects.values_list("pk", "created_at"))
    for state in ReadState.objects.all():
        assert written[state.last_read_post_id] <= state.updated_at <= now
    member = _user(demo_email("anna.berger"))
    old = Topic.objects.filter(
        space__consortium__slug="stadtlabor-kleinstadt", title__in=[t.title for t in FORUM_TOPICS]
    )
    assert old.exists()
    for topic in old:
        assert ReadState.objects.get(topic=topic, user=member).last_read_post_id == (
            topic.last_post_id
        )
    current = Topic.objects.get(title="Eigentümer ansprechen: unser erstes Anschreiben")
    reader = _user(demo_email("thomas.krueger"))
    state = ReadState.objects.get(topic=current, user=reader)
    assert state.last_read_post_id < current.last_post_id
