"""The Wagtail admin shows town staff only what the policy lets them read.

Consortium A is the cast's consortium (member, coach, core team); consortium B has the
"outsider" as member and ``other_coach`` as coach. Each consortium has an internal case page,
an image and a document in its internal collection. Town staff of one consortium never meet
the other's internal page or files in any admin view: listings leave them out, and every admin
URL naming one answers exactly like an id that does not exist. Editors and admins keep their
whole admin.
"""

import copy
import io
import re
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.admin.site_summary import PagesSummaryItem
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Page, TaskState, Workflow, WorkflowState

from cms import selectors, services
from cms.models import ConsortiumEditing, LabCasePage, Visibility
from forum.models import Membership, Role
from forum.rules import allowed, forget_consortium_roles
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.cases import add_case_page

TOWN_STAFF = ["outsider", "other_coach", "member", "coach", "core_team"]
ADMIN_ROLES = [*TOWN_STAFF, "editor", "admin"]
IN_A = {"member", "coach", "core_team"}
IN_B = {"outsider", "other_coach"}
READS_EVERYTHING = {"editor", "admin"}
MISSING_ID = 987654

A_WORD = "Vertrauliche"  # in the title of A's internal case page
B_WORD = "Fremdes"  # in the title of B's internal case page


def _png(name: str) -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (40, 80, 200)).save(buffer, format="PNG")
    return ImageFile(buffer, name=name)


@dataclass
class AdminSite:
    case_site: object
    users: dict
    internal: dict  # "A"/"B" → internal case page
    images: dict  # "A"/"B" → image in the internal collection
    documents: dict  # "A"/"B" → document in the internal collection
    task_states: dict  # "A"/"B" → task state of the internal page's review

    def user(self, role):
        return self.users[role]

    def own(self, role):
        return "A" if role in IN_A else "B"

    def foreign(self, role):
        return "B" if role in IN_A else "A"

    def consortium_page(self, which):
        site = self.case_site
        return site.consortium_page if which == "A" else site.other_consortium_page

    def title(self, which):
        return self.internal[which].title


def _link(page) -> str:
    return f'<p><a linktype="page" id="{page.pk}">Verweis</a></p>'


# The cast and the small site are built once for the module (the ``shared_world`` fixture),
# the admin site around them too; each test reads a copy, and whatever one writes is rolled
# back before the next.
pytestmark = pytest.mark.shared_world("case_site")


@pytest.fixture(scope="module")
def shared_admin_site(shared_world, django_db_blocker) -> AdminSite:
    with django_db_blocker.unblock():
        return _build_admin_site(shared_world.cast, shared_world.case_site)


@pytest.fixture
def admin_site(shared_admin_site, db) -> AdminSite:
    return copy.deepcopy(shared_admin_site)


@pytest.fixture(autouse=True)
def renditions_forgotten():
    """Renditions are cached by image id; one made (and rolled back) by a test is not served
    from the cache to the next."""
    from django.core.cache import cache

    cache.clear()


def _build_admin_site(cast, case_site) -> AdminSite:
    other_coach = UserFactory()
    MembershipFactory(user=other_coach, consortium=cast.other_consortium, role=Role.COACH)
    services.sync_consortium_editors(consortium=cast.other_consortium)
    users = {role: cast.user(role) for role in ("outsider", "member", "coach", "core_team")}
    users.update(other_coach=other_coach, editor=cast.user("editor"), admin=cast.user("admin"))

    internal = {"A": case_site.internal_case, "B": case_site.other_internal_case}
    # References for the usage views: each internal page links to the other consortium's page,
    # A's internal page also to A's public case page.
    for page, goals in (
        (internal["A"], _link(case_site.other_consortium_page) + _link(case_site.public_case)),
        (internal["B"], _link(case_site.consortium_page)),
    ):
        page.goals = goals
        page.save_revision(user=page.owner).publish()
    images, documents = {}, {}
    for which, consortium in (("A", cast.consortium), ("B", cast.other_consortium)):
        collection = ConsortiumEditing.objects.get(consortium=consortium).internal_collection
        images[which] = get_image_model().objects.create(
            title=f"Internes Bild {which}", file=_png(f"intern-{which}.png"), collection=collection
        )
        documents[which] = get_document_model().objects.create(
            title=f"Interner Bericht {which}",
            file=ContentFile(b"%PDF-1.4 demo", name=f"intern-{which}.pdf"),
            collection=collection,
        )
    task_states = {}
    for which, page in internal.items():
        page.save_revision(user=page.owner)
        workflow_state = page.get_workflow().start(page, page.owner)
        task_states[which] = workflow_state.current_task_state
    return AdminSite(
        case_site=case_site,
        users=users,
        internal=internal,
        images=images,
        documents=documents,
        task_states=task_states,
    )


def _login(client, user):
    client.force_login(user)
    return client


def _normalised(response, path: str) -> str:
    """The body without what differs between any two renderings: the request's own path and
    the per-render CSRF token."""
    body = response.content.decode()
    body = body.replace(path, "PATH")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)


# --- (a) listings ------------------------------------------------------------------------------


REPORT_URL_NAMES = [
    "wagtailadmin_reports:locked_pages",
    "wagtailadmin_reports:locked_pages_results",
    "wagtailadmin_reports:workflow",
    "wagtailadmin_reports:workflow_results",
    "wagtailadmin_reports:workflow_tasks",
    "wagtailadmin_reports:workflow_tasks_results",
    "wagtailadmin_reports:site_history",
    "wagtailadmin_reports:site_history_results",
    "wagtailadmin_reports:aging_pages",
    "wagtailadmin_reports:aging_pages_results",
    "wagtailadmin_reports:page_types_usage",
    "wagtailadmin_reports:page_types_usage_results",
]


@pytest.mark.parametrize("role", ADMIN_ROLES)
@pytest.mark.parametrize("url_name", REPORT_URL_NAMES)
def test_reports_are_for_editors_and_admins_only(client, admin_site, role, url_name):
    response = _login(client, admin_site.user(role)).get(reverse(url_name))
    if role == "admin" or (role == "editor" and "locked" not in url_name):
        assert response.status_code == 200
    elif role == "editor":
        # Wagtail keeps the locked pages report for those who may unlock pages.
        assert response.status_code == 302
    else:
        assert response.status_code == 404
        content = response.content.decode()
        assert admin_site.title("A") not in content
        assert admin_site.title("B") not in content


def test_page_types_usage_names_internal_pages_to_editors(client, admin_site):
    """The report the testers found: for the editors it still names the last edited page."""
    content = _login(client, admin_site.user("editor")).get(
        reverse("wagtailadmin_reports:page_types_usage")
    )
    assert admin_site.title("B") in content.content.decode()


def _removed_urls(site):
    return [
        reverse("wagtailadmin_workflows:index"),
        reverse("wagtailadmin_workflows:task_index"),
        reverse("wagtailadmin_workflows:usage", args=[Workflow.objects.first().pk]),
        reverse("wagtailadmin_collections:index"),
        reverse("wagtailsnippets:index"),
        reverse("wagtailsnippets_forum_membership:list"),
        reverse("wagtailsnippets_forum_space:list"),
        reverse("wagtailsnippetchoosers_forum_membership:choose"),
        reverse("wagtailsnippetchoosers_forum_space:choose"),
        reverse("wagtailsnippetchoosers_forum_profile:choose"),
        reverse("wagtailsnippetchoosers_forum_consortium:choose"),
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_groups:index"),
        reverse("wagtailsites:index"),
        reverse("wagtailredirects:index"),
        reverse("wagtailforms:index"),
        reverse("wagtailadmin_pages:type_use", args=["cms", "labcasepage"]),
        reverse("wagtailadmin_pages:type_use_results", args=["cms", "labcasepage"]),
        reverse("wagtailadmin_pages:choose_parent", args=["cms", "labcasepage"]),
        reverse("wagtailadmin_tag_autocomplete") + "?term=a",
        reverse("wagtailadmin_api:images:listing"),
        reverse("wagtailadmin_api:documents:listing"),
        reverse("wagtailadmin_api:images:detail", args=[site.images["A"].pk]),
        reverse("wagtailadmin_api:documents:detail", args=[site.documents["A"].pk]),
    ]


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_admin_areas_town_staff_do_not_need_answer_404(client, admin_site, role):
    client = _login(client, admin_site.user(role))
    for url in _removed_urls(admin_site):
        response = client.get(url)
        if role in TOWN_STAFF:
            assert response.status_code == 404, url
        else:
            assert response.status_code != 404, url


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_admin_search(client, admin_site, role):
    client = _login(client, admin_site.user(role))
    for which, word in (("A", A_WORD), ("B", B_WORD)):
        response = client.get(reverse("wagtailadmin_pages:search"), {"q": word})
        assert response.status_code == 200
        readable = role in READS_EVERYTHING or admin_site.own(role) == which
        assert (admin_site.title(which) in response.content.decode()) is readable, which


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_explorer_listing(client, admin_site, role):
    client = _login(client, admin_site.user(role))
    for which in ("A", "B"):
        parent = admin_site.consortium_page(which)
        for name in ("wagtailadmin_explore", "wagtailadmin_explore_results"):
            response = client.get(reverse(name, args=[parent.pk]))
            content = response.content.decode()
            if role in READS_EVERYTHING or admin_site.own(role) == which:
                assert response.status_code == 200
                assert admin_site.title(which) in content
            else:
                assert admin_site.title(which) not in content


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_page_chooser(client, admin_site, role):
    client = _login(client, admin_site.user(role))
    for which, word in (("A", A_WORD), ("B", B_WORD)):
        readable = role in READS_EVERYTHING or admin_site.own(role) == which
        page = admin_site.internal[which]
        child = client.get(
            reverse("wagtailadmin_choose_page_child", args=[admin_site.consortium_page(which).pk])
        )
        search = client.get(reverse("wagtailadmin_choose_page_search"), {"q": word})
        chosen = client.get(reverse("wagtailadmin_choose_page_chosen_multiple"), {"id": page.pk})
        for response in (child, search, chosen):
            assert response.status_code == 200
            assert (page.title in response.content.decode()) is readable, which


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_admin_api_page_listing_and_detail(client, admin_site, role):
    client = _login(client, admin_site.user(role))
    api = reverse("wagtailadmin_api:pages:listing")
    home = admin_site.case_site.consortium_page.get_parent()
    for which in ("A", "B"):
        readable = role in READS_EVERYTHING or admin_site.own(role) == which
        page = admin_site.internal[which]
        parent = admin_site.consortium_page(which)
        listings = [
            client.get(api, {"child_of": parent.pk}),
            client.get(api, {"child_of": parent.pk, "for_explorer": "1"}),
            client.get(api, {"descendant_of": home.pk}),
            client.get(api, {"search": A_WORD if which == "A" else B_WORD}),
        ]
        for response in listings:
            assert (page.title in response.content.decode()) is readable, response.request
        detail = client.get(reverse("wagtailadmin_api:pages:detail", args=[page.pk]))
        if readable:
            assert detail.status_code == 200
        else:
            missing = client.get(reverse("wagtailadmin_api:pages:detail", args=[MISSING_ID]))
            assert detail.status_code == missing.status_code == 404
            assert detail.content == missing.content


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_image_and_document_listings_and_choosers(client, admin_site, role):
    client = _login(client, admin_site.user(role))
    for which in ("A", "B"):
        readable = role in READS_EVERYTHING or admin_site.own(role) == which
        image, document = admin_site.images[which], admin_site.documents[which]
        for name, title, ids in (
            ("wagtailimages:index", image.title, None),
            ("wagtailimages:index_results", image.title, None),
            ("wagtailimages_chooser:choose", image.title, None),
            ("wagtailimages_chooser:choose_results", image.title, None),
            ("wagtailimages_chooser:chosen_multiple", image.title, image.pk),
            ("wagtaildocs:index", document.title, None),
            ("wagtaildocs:index_results", document.title, None),
            ("wagtaildocs_chooser:choose", document.title, None),
            ("wagtaildocs_chooser:choose_results", document.title, None),
            ("wagtaildocs_chooser:chosen_multiple", document.title, document.pk),
        ):
            response = client.get(reverse(name), {"id": ids} if ids else {})
            assert response.status_code == 200, name
            assert (title in response.content.decode()) is readable, name


def _usage_rows(response) -> list[str]:
    return [str(row.instance["label"]) for row in response.context["table"].rows]


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_usage_views_leave_out_unreadable_pages(client, admin_site, role):
    """Each internal page links to the other consortium's page: the other consortium's people
    see no row for it, neither its title nor a "private" placeholder."""
    client = _login(client, admin_site.user(role))
    targets = ("A", "B") if role in READS_EVERYTHING else (admin_site.own(role),)
    for which in targets:
        referring = admin_site.internal["B" if which == "A" else "A"]
        url = reverse("wagtailadmin_pages:usage", args=[admin_site.consortium_page(which).pk])
        response = client.get(url)
        assert response.status_code == 200
        rows = _usage_rows(response)
        if role in READS_EVERYTHING:
            assert rows == [referring.title]
        else:
            assert rows == []
            assert referring.title not in response.content.decode()


@pytest.mark.parametrize("role", ["member", "coach", "core_team", "editor", "admin"])
def test_usage_views_show_readable_pages(client, admin_site, role):
    url = reverse("wagtailadmin_pages:usage", args=[admin_site.case_site.public_case.pk])
    response = _login(client, admin_site.user(role)).get(url)
    assert _usage_rows(response) == [admin_site.title("A")]


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_dashboard_and_menu(client, admin_site, role):
    response = _login(client, admin_site.user(role)).get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    content = response.content.decode()
    for which in ("A", "B"):
        if role not in READS_EVERYTHING and admin_site.own(role) != which:
            assert admin_site.title(which) not in content
    reports = reverse("wagtailadmin_reports:page_types_usage")
    assert (reports in content) is (role in READS_EVERYTHING)
    # The count of all pages below the explorable root, internal ones of others included.
    summary = response.context["site_summary"].summary_items
    counts_pages = any(isinstance(item, PagesSummaryItem) for item in summary)
    assert counts_pages is (role in READS_EVERYTHING)


def test_dashboard_forgets_pages_of_a_consortium_left(client, cast, admin_site):
    """Recent edits, locked pages and pages in moderation are the user's own — but one who
    left consortium A for B no longer reads A's internal page, so it is not listed either."""
    member = admin_site.user("member")
    page = admin_site.internal["A"]
    log(instance=page, action="wagtail.edit", user=member)
    Page.objects.filter(pk=page.pk).update(locked=True, locked_by=member, locked_at=timezone.now())
    client = _login(client, member)
    assert page.title in client.get(reverse("wagtailadmin_home")).content.decode()

    Membership.objects.filter(user=member, consortium=cast.consortium).delete()
    MembershipFactory(user=member, consortium=cast.other_consortium, role=Role.MEMBER)
    for consortium in (cast.consortium, cast.other_consortium):
        services.sync_consortium_editors(consortium=consortium)
    forget_consortium_roles(member)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert page.title not in response.content.decode()


@pytest.mark.parametrize("role", ["member", "coach", "core_team"])
def test_a_foreign_page_filed_under_the_own_consortium_page_stays_hidden(
    client, cast, admin_site, role
):
    """Membership decides, not the place in the tree: a page of consortium B that sits under
    A's consortium page (moved there by an editor) is not A's to read."""
    case_site = admin_site.case_site
    stray = add_case_page(
        case_site.consortium_page,
        town=cast.other_consortium.towns.first(),
        title="Verirrtes Labor",
        visibility=Visibility.INTERNAL,
    )
    LabCasePage.objects.filter(pk=stray.pk).update(consortium=cast.other_consortium)
    client = _login(client, admin_site.user(role))
    parent = case_site.consortium_page.pk
    api = reverse("wagtailadmin_api:pages:listing")
    for response in (
        client.get(reverse("wagtailadmin_explore", args=[parent])),
        client.get(reverse("wagtailadmin_pages:search"), {"q": "Verirrtes"}),
        client.get(api, {"child_of": parent}),
        client.get(api, {"child_of": parent, "for_explorer": "1"}),
        client.get(reverse("wagtailadmin_choose_page_child", args=[parent])),
    ):
        assert response.status_code == 200
        assert stray.title not in response.content.decode()
    assert client.get(reverse("wagtailadmin_pages:edit", args=[stray.pk])).status_code == 404


# --- (b) another consortium's ids answer like ids that do not exist -----------------------------


def _page_urls(page_id: int, site: AdminSite, which: str) -> list[tuple[str, str]]:
    page = site.internal[which]
    own_page = site.consortium_page("B" if which == "A" else "A").pk
    task_state = site.task_states[which]
    urls = [
        ("get", reverse("wagtailadmin_pages:edit", args=[page_id])),
        ("get", reverse("wagtailadmin_pages:history", args=[page_id])),
        ("get", reverse("wagtailadmin_pages:history_results", args=[page_id])),
        ("get", reverse("wagtailadmin_pages:revisions_index", args=[page_id])),
        (
            "get",
            reverse("wagtailadmin_pages:revisions_view", args=[page_id, page.latest_revision_id]),
        ),
        (
            "get",
            reverse("wagtailadmin_pages:revisions_compare", args=[page_id, "earliest", "latest"]),
        ),
        (
            "get",
            reverse("wagtailadmin_pages:revisions_revert", args=[page_id, page.latest_revision_id]),
        ),
        (
            "get",
            reverse(
                "wagtailadmin_pages:revisions_unschedule",
                args=[page_id, page.latest_revision_id],
            ),
        ),
        ("get", reverse("wagtailadmin_pages:preview_on_edit", args=[page_id])),
        (
            "post",
            reverse("wagtailadmin_pages:preview_on_add", args=["cms", "labcasepage", page_id]),
        ),
        ("get", reverse("wagtailadmin_pages:view_draft", args=[page_id])),
        ("get", reverse("wagtailadmin_pages:usage", args=[page_id])),
        ("get", reverse("wagtailadmin_pages:delete", args=[page_id])),
        ("get", reverse("wagtailadmin_pages:unpublish", args=[page_id])),
        ("get", reverse("wagtailadmin_pages:move", args=[page_id])),
        ("get", reverse("wagtailadmin_pages:move_confirm", args=[page_id, own_page])),
        ("get", reverse("wagtailadmin_pages:copy", args=[page_id])),
        ("get", reverse("wagtailadmin_pages:add_subpage", args=[page_id])),
        ("get", reverse("wagtailadmin_pages:add", args=["cms", "labcasepage", page_id])),
        ("get", reverse("wagtailadmin_pages:set_privacy", args=[page_id])),
        ("get", reverse("wagtailadmin_pages:workflow_history", args=[page_id])),
        (
            "get",
            reverse(
                "wagtailadmin_pages:workflow_history_detail",
                args=[page_id, task_state.workflow_state_id],
            ),
        ),
        (
            "get",
            reverse("wagtailadmin_pages:workflow_preview", args=[page_id, task_state.task_id]),
        ),
        ("get", reverse("wagtailadmin_pages:confirm_workflow_cancellation", args=[page_id])),
        (
            "get",
            reverse("wagtailadmin_pages:workflow_action", args=[page_id, "approve", task_state.pk]),
        ),
        (
            "get",
            reverse(
                "wagtailadmin_pages:collect_workflow_action_data",
                args=[page_id, "approve", task_state.pk],
            ),
        ),
        ("post", reverse("wagtailadmin_pages:lock", args=[page_id])),
        ("post", reverse("wagtailadmin_pages:unlock", args=[page_id])),
        ("post", reverse("wagtailadmin_pages:set_page_position", args=[page_id])),
        (
            "post",
            reverse("wagtailadmin_editing_sessions:ping", args=["wagtailcore", "page", page_id, 1]),
        ),
        ("get", reverse("wagtailadmin_explore", args=[page_id])),
        ("get", reverse("wagtailadmin_explore_results", args=[page_id])),
        ("get", reverse("wagtailadmin_choose_page_child", args=[page_id])),
    ]
    return urls


def _image_urls(image_id: int) -> list[tuple[str, str]]:
    return [
        ("get", reverse("wagtailimages:edit", args=[image_id])),
        ("get", reverse("wagtailimages:delete", args=[image_id])),
        ("get", reverse("wagtailimages:image_usage", args=[image_id])),
        ("get", reverse("wagtailimages:url_generator", args=[image_id])),
        ("get", reverse("wagtailimages:url_generator_output", args=[image_id])),
        ("get", reverse("wagtailimages:preview", args=[image_id, "original"])),
        ("post", reverse("wagtailimages:edit_multiple", args=[image_id])),
        ("post", reverse("wagtailimages:delete_multiple", args=[image_id])),
        ("get", reverse("wagtailimages_chooser:chosen", args=[image_id])),
        ("get", reverse("wagtailimages_chooser:select_format", args=[image_id])),
    ]


def _document_urls(document_id: int) -> list[tuple[str, str]]:
    return [
        ("get", reverse("wagtaildocs:edit", args=[document_id])),
        ("get", reverse("wagtaildocs:delete", args=[document_id])),
        ("get", reverse("wagtaildocs:document_usage", args=[document_id])),
        ("post", reverse("wagtaildocs:edit_multiple", args=[document_id])),
        ("post", reverse("wagtaildocs:delete_multiple", args=[document_id])),
        ("get", reverse("wagtaildocs_chooser:chosen", args=[document_id])),
    ]


def _assert_like_missing(client, method, url, missing_url):
    response = getattr(client, method)(url)
    missing = getattr(client, method)(missing_url)
    assert missing.status_code == 404, missing_url
    assert response.status_code == 404, url
    assert _normalised(response, url) == _normalised(missing, missing_url), url


@pytest.mark.parametrize("role", TOWN_STAFF)
def test_foreign_page_ids_answer_like_missing_ones(client, admin_site, role):
    foreign = admin_site.foreign(role)
    page = admin_site.internal[foreign]
    client = _login(client, admin_site.user(role))
    found = _page_urls(page.pk, admin_site, foreign)
    missing = _page_urls(MISSING_ID, admin_site, foreign)
    for (method, url), (_method, missing_url) in zip(found, missing, strict=True):
        _assert_like_missing(client, method, url, missing_url)
    # As the destination of a move, too.
    own_page = admin_site.consortium_page(admin_site.own(role)).pk
    _assert_like_missing(
        client,
        "get",
        reverse("wagtailadmin_pages:move_confirm", args=[own_page, page.pk]),
        reverse("wagtailadmin_pages:move_confirm", args=[own_page, MISSING_ID]),
    )


@pytest.mark.parametrize("role", TOWN_STAFF)
def test_foreign_image_and_document_ids_answer_like_missing_ones(client, admin_site, role):
    foreign = admin_site.foreign(role)
    client = _login(client, admin_site.user(role))
    for urls in (_image_urls, _document_urls):
        obj = (admin_site.images if urls is _image_urls else admin_site.documents)[foreign]
        for (method, url), (_method, missing_url) in zip(
            urls(obj.pk), urls(MISSING_ID), strict=True
        ):
            _assert_like_missing(client, method, url, missing_url)


def _assert_same_answer(first, first_path, second, second_path):
    assert first.status_code == second.status_code
    assert first.get("Location") == second.get("Location")
    assert _normalised(first, first_path) == _normalised(second, second_path)


@pytest.mark.parametrize("role", TOWN_STAFF)
def test_wrong_methods_answer_alike_for_foreign_and_missing_ids(client, admin_site, role):
    page = admin_site.internal[admin_site.foreign(role)]
    client = _login(client, admin_site.user(role))
    for method, name in (
        ("get", "wagtailadmin_pages:lock"),
        ("get", "wagtailadmin_pages:unlock"),
        ("get", "wagtailadmin_pages:set_page_position"),
        ("delete", "wagtailadmin_pages:edit"),
    ):
        found, missing = (reverse(name, args=[pk]) for pk in (page.pk, MISSING_ID))
        _assert_same_answer(
            getattr(client, method)(found), found, getattr(client, method)(missing), missing
        )


@pytest.mark.parametrize("role", TOWN_STAFF)
def test_copy_and_move_forms_take_a_foreign_parent_for_a_missing_one(client, admin_site, role):
    """The copy form names the chosen parent in its error; a foreign page is no valid choice.
    (Wagtail's copy view answers a missing parent with a server error: so must a foreign one.)"""
    own = admin_site.internal[admin_site.own(role)]
    foreign = admin_site.internal[admin_site.foreign(role)]
    client = _login(client, admin_site.user(role))
    client.raise_request_exception = False
    for name, data in (
        ("wagtailadmin_pages:copy", {"new_title": "Kopie", "new_slug": "kopie"}),
        ("wagtailadmin_pages:move", {}),
    ):
        url = reverse(name, args=[own.pk])
        found = client.post(url, {**data, "new_parent_page": foreign.pk})
        missing = client.post(url, {**data, "new_parent_page": MISSING_ID})
        _assert_same_answer(found, url, missing, url)
        assert foreign.title not in found.content.decode()


@pytest.mark.parametrize("role", TOWN_STAFF)
def test_own_ids_still_open(client, admin_site, role):
    own = admin_site.own(role)
    client = _login(client, admin_site.user(role))
    page = admin_site.internal[own]
    for url in (
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        reverse("wagtailadmin_pages:history", args=[page.pk]),
        reverse("wagtailadmin_pages:workflow_history", args=[page.pk]),
        reverse("wagtailadmin_pages:usage", args=[page.pk]),
        reverse("wagtailimages:edit", args=[admin_site.images[own].pk]),
        reverse("wagtailimages_chooser:chosen", args=[admin_site.images[own].pk]),
        reverse("wagtaildocs:edit", args=[admin_site.documents[own].pk]),
        reverse("wagtaildocs_chooser:chosen", args=[admin_site.documents[own].pk]),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", TOWN_STAFF)
def test_bulk_actions_leave_out_foreign_ids(client, admin_site, role):
    foreign = admin_site.internal[admin_site.foreign(role)]
    own = admin_site.internal[admin_site.own(role)]
    client = _login(client, admin_site.user(role))
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    alone = client.get(url, {"id": foreign.pk})
    missing = client.get(url, {"id": MISSING_ID})
    assert alone.status_code == missing.status_code == 404
    mixed = client.get(url, {"id": [foreign.pk, own.pk]})
    assert mixed.status_code == 200
    assert foreign.title not in mixed.content.decode()
    assert own.title in mixed.content.decode()
    everything = client.get(
        url, {"id": "all", "childOf": admin_site.consortium_page(admin_site.foreign(role)).pk}
    )
    assert foreign.title not in everything.content.decode()


@pytest.mark.parametrize("role", ["coach", "other_coach"])
def test_workflow_action_with_another_pages_task_state_answers_404(client, admin_site, role):
    """Wagtail takes the task state from the URL without asking whose it is: a coach must not
    approve another consortium's review through the URL of an own page."""
    own, foreign = admin_site.own(role), admin_site.foreign(role)
    foreign_state = admin_site.task_states[foreign]
    client = _login(client, admin_site.user(role))
    for name in ("workflow_action", "collect_workflow_action_data"):
        url = reverse(
            f"wagtailadmin_pages:{name}",
            args=[admin_site.internal[own].pk, "approve", foreign_state.pk],
        )
        assert client.post(url).status_code == 404
    foreign_state.refresh_from_db()
    assert foreign_state.status == TaskState.STATUS_IN_PROGRESS
    assert WorkflowState.objects.get(pk=foreign_state.workflow_state_id).status == (
        WorkflowState.STATUS_IN_PROGRESS
    )


# --- (c) editors and admins keep the whole admin -------------------------------------------------


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_and_admins_open_every_internal_page_and_file(client, admin_site, role):
    client = _login(client, admin_site.user(role))
    for which in ("A", "B"):
        for url in (
            reverse("wagtailadmin_pages:edit", args=[admin_site.internal[which].pk]),
            reverse("wagtailadmin_pages:history", args=[admin_site.internal[which].pk]),
            reverse("wagtailadmin_choose_page_child", args=[admin_site.consortium_page(which).pk]),
        ):
            assert client.get(url).status_code == 200, url
    if role == "admin":
        for which in ("A", "B"):
            for url in (
                reverse("wagtailimages:edit", args=[admin_site.images[which].pk]),
                reverse("wagtaildocs:edit", args=[admin_site.documents[which].pk]),
            ):
                assert client.get(url).status_code == 200, url


# --- the selector the admin filters with agrees with the rule -----------------------------------


@pytest.mark.parametrize("role", [*ADMIN_ROLES, "anonymous"])
def test_unreadable_pages_match_the_rule(cast, admin_site, role):
    user = cast.user("anonymous") if role == "anonymous" else admin_site.user(role)
    by_rule = {
        page.pk
        for page in LabCasePage.objects.all()
        if not allowed(user, "cms.view_case_page", page)
    }
    assert set(selectors.unreadable_pages(user).values_list("pk", flat=True)) == by_rule
