"""Shared fixtures: the role cast of DESIGN.md around one consortium, its forum and case pages."""

import copy
import sqlite3
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from cms import services as cms_services
from cms.models import (
    ActionModuleIndexPage,
    ActionModulePage,
    CaseIndexPage,
    Visibility,
)
from forum import events
from forum.models import Format, Role, Space
from tests.helpers.cases import add_case_page
from tests.helpers.migrated import migrated_sqlite_template
from tests.helpers.shared import module_transaction
from tests.helpers.site_tree import ensure_site_tree

from .factories import (
    ConsortiumFactory,
    MembershipFactory,
    UserFactory,
    enable_mfa,
    make_editor,
)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite each worker's in-memory test database starts as a copy of the migrated template
    (``migrate`` then finds nothing to do) instead of being migrated from nothing (about 25 s
    per worker). The copy is written through a connection of its own, held for the session:
    an in-memory database lives as long as a connection to it."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        yield
        return
    # The name Django gives the default alias's in-memory test database.
    holder = sqlite3.connect("file:memorydb_default?mode=memory&cache=shared", uri=True)
    with sqlite3.connect(migrated_sqlite_template()) as template:
        template.backup(holder)
    yield
    holder.close()


@pytest.fixture(autouse=True)
def site_language_after_each_test():
    """A request in English (or ``translation.activate``) leaves its language active in the
    thread; the next test on the same worker starts in the site's language again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def site_navigation_built_per_test():
    """Menu and footer links are cached (cms.navigation); pages a test made and rolled
    back leave no links behind for the next test."""
    from cms import navigation

    navigation.forget()


@pytest.fixture(autouse=True)
def channel_layer_judged_reachable(monkeypatch):
    """A test that took the channel layer down leaves ``send_now`` skipping sends for a few
    seconds; the next test starts with the layer judged reachable again."""
    monkeypatch.setattr(events, "_layer_down_until", 0.0)


@dataclass
class Cast:
    consortium: object
    other_consortium: object
    users: dict

    def user(self, role: str):
        return self.users[role]


def build_cast() -> Cast:
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


@pytest.fixture
def cast(db, shared_world) -> Cast:
    if shared_world is not None:
        return copy.deepcopy(shared_world.cast)
    return build_cast()


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
def forum(cast, shared_world) -> Forum:
    if shared_world is not None and shared_world.forum is not None:
        return copy.deepcopy(shared_world.forum)
    return build_forum(cast)


def build_forum(cast: Cast) -> Forum:
    """A closed space of the cast's consortium and an academy-wide space, one topic in each."""
    from forum import services

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


@dataclass
class CaseSite:
    consortium_page: object
    other_consortium_page: object
    case_index: object
    module_index: object
    public_case: object
    internal_case: object
    other_internal_case: object
    module: object


@pytest.fixture
def case_site(cast, home_page, shared_world) -> CaseSite:
    if shared_world is not None and shared_world.case_site is not None:
        return copy.deepcopy(shared_world.case_site)
    return build_case_site(cast, home_page)


def build_case_site(cast: Cast, home_page) -> CaseSite:
    """A small site: the cast's consortium page with one public and one internal case page."""

    Space.objects.get_or_create(
        slug="erfahrungsaustausch", defaults={"name": "Forum für Erfahrungsaustausch"}
    )
    consortium_page = cms_services.create_consortium_page(
        consortium=cast.consortium, parent=home_page
    )
    other_page = cms_services.create_consortium_page(
        consortium=cast.other_consortium, parent=home_page
    )
    case_index = home_page.add_child(
        instance=CaseIndexPage(title="Fallstudien", slug="fallstudien")
    )
    module_index = home_page.add_child(
        instance=ActionModuleIndexPage(title="Handlungsbausteine", slug="handlungsbausteine")
    )
    member = cast.user("member")
    town = member.profile.town
    public_case = add_case_page(
        consortium_page,
        town=town,
        title="Offenes Pop-up-Büro",
        visibility=Visibility.PUBLIC,
        owner=member,
        summary="Sieben Arbeitsplätze auf Zeit im Ortskern.",
    )
    internal_case = add_case_page(
        consortium_page,
        town=town,
        title="Vertrauliche Bilanz Heimarbeit",
        visibility=Visibility.INTERNAL,
        owner=member,
        formats=[Format.objects.get(slug="befragung")],
        summary="Was bei der Umfrage schiefging.",
    )
    outsider = cast.user("outsider")
    other_internal = add_case_page(
        other_page,
        town=cast.other_consortium.towns.first(),
        title="Fremdes Internes Labor",
        visibility=Visibility.INTERNAL,
        owner=outsider,
    )
    module = module_index.add_child(
        instance=ActionModulePage(
            title="Ankerperson vor Ort",
            summary="Eine Person, die den Raum belebt.",
            recommendation="<p>Früh klären, wer da ist.</p>",
            fits_town_types="Kleinstädte mit Leerstand",
            resources_needed="Eine halbe Stelle",
        )
    )
    module.evidence.set([public_case, internal_case])
    module.save_revision().publish()
    return CaseSite(
        consortium_page=consortium_page,
        other_consortium_page=other_page,
        case_index=case_index,
        module_index=module_index,
        public_case=public_case,
        internal_case=internal_case,
        other_internal_case=other_internal,
        module=module,
    )


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup, django_db_blocker):
    """Run ``seed_demo`` once for a whole test module; returns what the first run printed.
    For modules whose tests all start from the freshly seeded demo (tests/helpers/shared.py)."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            call_command("seed_demo", stdout=out, stderr=StringIO())
        yield out.getvalue()


@dataclass
class SharedWorld:
    cast: Cast
    forum: Forum | None
    case_site: CaseSite | None


@pytest.fixture(scope="module", autouse=True)
def shared_world(request, django_db_blocker) -> SharedWorld | None:
    """For a module marked ``shared_world`` (role matrices that only read): the cast, and the
    parts the mark names ("forum", "case_site"), built once inside the module's transaction
    (tests/helpers/shared.py). ``cast``, ``forum`` and ``case_site`` then hand each test a deep
    copy, so what a test changes in Python stays with it, as with ``setUpTestData``. Autouse at
    module scope, so it is set up before any test's own transaction."""
    mark = request.node.get_closest_marker("shared_world")
    if mark is None:
        yield None
        return
    request.getfixturevalue("django_db_setup")
    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            cast = build_cast()
            forum = build_forum(cast) if "forum" in mark.args else None
            case_site = (
                build_case_site(cast, ensure_site_tree()) if "case_site" in mark.args else None
            )
        yield SharedWorld(cast=cast, forum=forum, case_site=case_site)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a service and then what it left for after the commit (tasks, emails)."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run
