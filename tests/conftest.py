"""Shared fixtures: the role cast of DESIGN.md around one consortium."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser

from forum import events
from forum.models import Role

from .factories import (
    ConsortiumFactory,
    MembershipFactory,
    UserFactory,
    enable_mfa,
    make_editor,
)


@pytest.fixture(autouse=True)
def channel_layer_judged_reachable(monkeypatch):
    """A test that took the channel layer down leaves ``send_now`` skipping sends for a few
    seconds; the next test starts with the layer judged reachable again."""
    monkeypatch.setattr(events, "_layer_down_until", 0.0)


ROLES = ["anonymous", "outsider", "member", "coach", "core_team", "editor", "admin"]


@dataclass
class Cast:
    consortium: object
    other_consortium: object
    users: dict

    def user(self, role: str):
        return self.users[role]


@pytest.fixture
def cast(db) -> Cast:
    """One user per role of the permission table; managers have MFA set up."""
    consortium = ConsortiumFactory()
    other = ConsortiumFactory()
    town = consortium.towns.exclude(pk=consortium.lead_town_id).first()
    member = UserFactory(profile__town=town)
    MembershipFactory(user=member, consortium=consortium, role=Role.MEMBER)
    coach = UserFactory()
    MembershipFactory(user=coach, consortium=consortium, role=Role.COACH)
    core = UserFactory()
    MembershipFactory(user=core, consortium=consortium, role=Role.CORE_TEAM)
    outsider = UserFactory()
    MembershipFactory(user=outsider, consortium=other, role=Role.MEMBER)
    editor = UserFactory()
    make_editor(editor)
    admin = UserFactory(is_superuser=True, is_staff=True)
    for manager in (coach, core, admin):
        enable_mfa(manager)
    users = {
        "anonymous": AnonymousUser(),
        "outsider": outsider,
        "member": member,
        "coach": coach,
        "core_team": core,
        "editor": editor,
        "admin": admin,
    }
    return Cast(consortium=consortium, other_consortium=other, users=users)


def client_for(client, user):
    """Log ``user`` into the Django test client unless anonymous."""
    if user.is_authenticated:
        client.force_login(user)
    return client


def ensure_site_tree():
    """Recreate what Wagtail's and our data migrations create; transactional tests flush it."""
    from wagtail.models import Locale, Page, Site

    from cms.models import HomePage

    locale, _created = Locale.objects.get_or_create(language_code="de")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root", locale=locale)
    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(instance=HomePage(title="Kleinstadtakademie", slug="start"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    return home


@pytest.fixture
def quiet(db, forum) -> None:
    """For transactional tests: Wagtail's tree back, and nothing left over from setting up the
    forum (with real commits, its new topics were announced already)."""
    from django.core import mail
    from django_tasks_db.models import DBTaskResult

    from forum.models import Notification

    ensure_site_tree()
    Notification.objects.all().delete()
    DBTaskResult.objects.all().delete()
    mail.outbox.clear()


@pytest.fixture
def home_page(db):
    return ensure_site_tree()


@dataclass
class Forum:
    closed: object
    academy: object
    closed_topic: object
    academy_topic: object
    closed_post: object
    academy_post: object


@pytest.fixture
def forum(cast) -> Forum:
    """A closed space of the cast's consortium and an academy-wide space, one topic in each."""
    from forum import services
    from forum.models import Space

    closed = services.create_consortium_space(consortium=cast.consortium)
    services.create_consortium_space(consortium=cast.other_consortium)
    academy, _created = Space.objects.get_or_create(
        slug="erfahrungsaustausch", defaults={"name": "Forum für Erfahrungsaustausch"}
    )
    member = cast.user("member")
    closed_topic = services.create_topic(
        space=closed, author=member, title="Co-Working im Rathaus", body="Wie war es bei euch?"
    )
    academy_topic = services.create_topic(
        space=academy, author=member, title="Leerstand nutzen", body="Erfahrungen gesucht."
    )
    return Forum(
        closed=closed,
        academy=academy,
        closed_topic=closed_topic,
        academy_topic=academy_topic,
        closed_post=closed_topic.posts.get(),
        academy_post=academy_topic.posts.get(),
    )
