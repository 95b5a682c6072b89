"""Permission matrix: every role of DESIGN.md × public/internal case page × every entry point."""

import io

import pytest
from django.core.files.images import ImageFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, PageViewRestriction

from cms import selectors
from cms.models import ConsortiumEditing, LabCasePage
from forum.rules import allowed
from tests.helpers.cast import ROLES, client_for

READS_INTERNAL = {"member", "coach", "core_team", "editor", "admin"}
EDITS_CONSORTIUM_PAGES = {"member", "coach", "core_team", "editor", "admin"}


# The cast and the small site are built once for the module (the ``shared_world`` fixture); each
# test reads a copy, and whatever one writes is rolled back before the next.
pytestmark = pytest.mark.shared_world("case_site")


def expected(role: str, which: str) -> bool:
    return which == "public" or role in READS_INTERNAL


def _case(case_site, which):
    return case_site.public_case if which == "public" else case_site.internal_case


def _png(name: str) -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 80, 40)).save(buffer, format="PNG")
    return ImageFile(buffer, name=name)


@pytest.fixture
def files(case_site, cast):
    """An image with a rendition and a document in each of the consortium's two collections."""
    from django.core.cache import cache
    from django.core.files.base import ContentFile

    # Wagtail caches renditions by image id, and rolled-back tests reuse ids on SQLite.
    cache.clear()
    editing = ConsortiumEditing.objects.get(consortium=cast.consortium)
    result = {}
    for which, collection in (
        ("public", editing.public_collection),
        ("internal", editing.internal_collection),
    ):
        image = get_image_model().objects.create(
            title=f"Bild {which}", file=_png(f"{which}.png"), collection=collection
        )
        rendition = image.get_rendition("width-20")
        document = get_document_model().objects.create(
            title=f"Bericht {which}",
            file=ContentFile(b"%PDF-1.4 demo", name=f"bericht-{which}.pdf"),
            collection=collection,
        )
        result[which] = (image, rendition, document)
    return result


@pytest.mark.parametrize("which", ["public", "internal"])
@pytest.mark.parametrize("role", ROLES)
def test_case_page_view(client, cast, case_site, role, which):
    user = cast.user(role)
    page = _case(case_site, which)
    response = client_for(client, user).get(page.url)
    assert response.status_code == (200 if expected(role, which) else 404)
    assert allowed(user, "cms.view_case_page", page) is expected(role, which)
    # The selector and the rule agree.
    visible = set(selectors.case_pages_visible_to(user).values_list("pk", flat=True))
    assert (page.pk in visible) is expected(role, which)


@pytest.mark.parametrize("role", ROLES)
def test_selector_matches_rule_for_every_case_page(cast, case_site, role):
    user = cast.user(role)
    by_rule = {p.pk for p in LabCasePage.objects.live() if allowed(user, "cms.view_case_page", p)}
    by_selector = set(selectors.case_pages_visible_to(user).values_list("pk", flat=True))
    assert by_rule == by_selector


@pytest.mark.parametrize("which", ["public", "internal"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("listing", ["case_index", "home", "consortium_page", "module"])
def test_case_page_in_listings(client, cast, case_site, role, which, listing):
    url = {
        "case_index": case_site.case_index.url,
        "home": "/",
        "consortium_page": case_site.consortium_page.url,
        "module": case_site.module.url,
    }[listing]
    content = client_for(client, cast.user(role)).get(url).content.decode()
    assert (_case(case_site, which).title in content) is expected(role, which)
    # Another consortium's internal page is listed for nobody but editors and admins.
    assert (case_site.other_internal_case.title in content) is (
        listing in ("case_index", "home") and role in {"outsider", "editor", "admin"}
    )


@pytest.mark.parametrize("which", ["public", "internal"])
@pytest.mark.parametrize("role", ROLES)
def test_case_page_in_search(client, cast, case_site, role, which):
    word = "Arbeitsplätze" if which == "public" else "schiefging"
    response = client_for(client, cast.user(role)).get(reverse("cms:search"), {"q": word})
    assert response.status_code == 200
    assert (_case(case_site, which).title in response.content.decode()) is expected(role, which)


@pytest.mark.parametrize("role", ROLES)
def test_sitemap_lists_public_pages_only(client, cast, case_site, role):
    content = client_for(client, cast.user(role)).get("/sitemap.xml").content.decode()
    assert case_site.public_case.slug in content or "offenes-pop-up" in content
    assert "vertrauliche-bilanz" not in content
    assert "fremdes-internes" not in content


@pytest.mark.parametrize("role", ROLES)
def test_feed_lists_public_pages_only(client, cast, case_site, role):
    response = client_for(client, cast.user(role)).get(reverse("cms:case_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    content = response.content.decode()
    assert case_site.public_case.title in content
    assert case_site.internal_case.title not in content
    assert case_site.other_internal_case.title not in content


def test_internal_pages_need_no_restriction_rows(case_site):
    """Membership decides when serving and listing; restriction rows would make every
    ``public()`` query grow with the number of internal pages."""
    assert not PageViewRestriction.objects.exists()


def test_no_page_api_is_exposed(client, case_site):
    assert client.get("/api/v2/pages/").status_code == 404


@pytest.mark.parametrize("which", ["public", "internal"])
@pytest.mark.parametrize("role", ROLES)
def test_images_and_renditions_follow_the_collection(client, cast, files, role, which):
    image, rendition, _document = files[which]
    client = client_for(client, cast.user(role))
    for url in (image.file.url, rendition.url):
        assert url.startswith("/medien/")
        response = client.get(url)
        assert response.status_code == (200 if expected(role, which) else 404), url
        if response.status_code == 200:
            assert response["Content-Type"] == "image/png"
            cache = "private" if which == "internal" else "public"
            assert response["Cache-Control"].startswith(cache)


@pytest.mark.parametrize("which", ["public", "internal"])
@pytest.mark.parametrize("role", ROLES)
def test_documents_follow_the_collection(client, cast, files, role, which):
    _image, _rendition, document = files[which]
    client = client_for(client, cast.user(role))
    assert client.get(document.url).status_code == (200 if expected(role, which) else 404)
    direct = client.get(document.file.url)
    assert direct.status_code == (200 if expected(role, which) else 404)


def test_unknown_media_paths_are_not_served(client, cast, files):
    client.force_login(cast.user("admin"))
    assert client.get("/medien/original_images/nicht-vorhanden.png").status_code == 404
    assert client.get("/medien/../settings.py").status_code == 404


def test_files_outside_consortium_collections_are_public(client, cast, case_site):
    root = Collection.get_first_root_node()
    image = get_image_model().objects.create(title="Logo", file=_png("logo.png"), collection=root)
    assert client.get(image.file.url).status_code == 200


@pytest.mark.parametrize("which", ["public", "internal"])
@pytest.mark.parametrize("role", ROLES)
def test_admin_edit_of_case_pages(client, cast, case_site, role, which):
    page = _case(case_site, which)
    response = client_for(client, cast.user(role)).get(
        reverse("wagtailadmin_pages:edit", args=[page.pk])
    )
    if role in EDITS_CONSORTIUM_PAGES:
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    elif which == "internal":
        # Another consortium's internal page answers like a missing one (cms.admin_access).
        assert response.status_code == 404
    else:
        assert response.status_code in (302, 403)


@pytest.mark.parametrize("role", ["member", "coach", "core_team"])
def test_consortium_people_cannot_edit_other_consortia_pages(client, cast, case_site, role):
    client.force_login(cast.user(role))
    response = client.get(
        reverse("wagtailadmin_pages:edit", args=[case_site.other_internal_case.pk])
    )
    assert response.status_code != 200


@pytest.mark.parametrize("role", ROLES)
def test_admin_page_chooser_hides_foreign_internal_pages(client, cast, case_site, role):
    user = cast.user(role)
    if not user.is_authenticated or role == "outsider":
        return
    client.force_login(user)
    response = client.get(
        reverse("wagtailadmin_choose_page_child", args=[case_site.other_consortium_page.pk])
    )
    content = response.content.decode()
    assert (case_site.other_internal_case.title in content) is (role in {"editor", "admin"})


FORUM_READERS = {
    "closed": {"member", "coach", "core_team", "admin"},
    "academy": {"outsider", "member", "coach", "core_team", "editor", "admin"},
}


@pytest.mark.parametrize("role", ROLES)
def test_forum_posts_in_site_search(client, cast, forum, case_site, role):
    """/suche/ finds forum posts only where the role may read them (``forum.read_forum`` to
    search at all, the space's read permission per hit); the consortium filter keeps the
    academy-wide posts out."""
    from forum import services as forum_services

    author = cast.user("coach")
    closed = forum_services.post_reply(
        topic=forum.closed_topic, author=author, body="Quellwasserprojekt im Verbund"
    )
    academy = forum_services.post_reply(
        topic=forum.academy_topic, author=author, body="Quellwasserprojekt für alle"
    )
    links = {
        kind: f'href="{post.get_absolute_url()}"'
        for kind, post in (("closed", closed), ("academy", academy))
    }
    client = client_for(client, cast.user(role))
    content = client.get(reverse("cms:search"), {"q": "Quellwasserprojekt"}).content.decode()
    for kind, link in links.items():
        assert (link in content) is (role in FORUM_READERS[kind]), kind

    filtered = client.get(
        reverse("cms:search"), {"q": "Quellwasserprojekt", "verbund": cast.consortium.slug}
    ).content.decode()
    assert (links["closed"] in filtered) is (role in FORUM_READERS["closed"])
    assert links["academy"] not in filtered


def test_the_consortium_filter_applies_before_the_result_limit(
    client, cast, forum, case_site, monkeypatch
):
    """With the limit reached by academy-wide hits, the consortium's own hit still shows."""
    from cms import views
    from forum import services as forum_services

    monkeypatch.setattr(views, "SEARCH_LIMIT", 1)
    coach = cast.user("coach")
    closed = forum_services.post_reply(
        topic=forum.closed_topic, author=coach, body="Quellwasserprojekt im Verbund"
    )
    forum_services.post_reply(
        topic=forum.academy_topic,
        author=coach,
        body="Quellwasserprojekt, Quellwasserprojekt und noch einmal Quellwasserprojekt",
    )
    client = client_for(client, cast.user("member"))
    filtered = client.get(
        reverse("cms:search"), {"q": "Quellwasserprojekt", "verbund": cast.consortium.slug}
    ).content.decode()
    assert f'href="{closed.get_absolute_url()}"' in filtered
