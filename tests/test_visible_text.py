"""Names and titles people type must be visible text without direction overrides.

Text of only invisible characters (zero-width spaces, soft hyphens, word joiners, Hangul
fillers …) made invisible rows and empty headings; a right-to-left override in "Julia \u202eevil"
made it render as "Julia live". ``forum.text`` holds the rule; every place people type a name or
a title applies it: the forms (the refused field keeps what was typed, with the message next to
it), the services (the one write path), and the Wagtail admin (snippets, pages, images,
documents). Ordinary German text, emoji and Arabic or Hebrew names pass unchanged.
"""

from __future__ import annotations

import io
from datetime import date
from functools import cached_property
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from wagtail.models import Collection

from cms import services as cms_services
from forum import services as forum_services
from forum import text
from forum.models import Consortium, Profile, Role, Space, Tag, Topic, Town
from tests.helpers.browser_forms import unchanged_form_data
from tests.helpers.workshops import make_workshop, workshop_data
from workshops import services as workshop_services
from workshops.models import IdeaCard, Workshop
from workshops.services import AgendaEntry, RoadmapEntry

INVISIBLE = "Bitte geben Sie sichtbaren Text ein."
BIDI = "Steuerzeichen für die Schreibrichtung sind nicht erlaubt."

BAD = {
    "zero-width-spaces": ("\u200b\u200b\u200b", INVISIBLE),
    "soft-hyphens": ("\u00ad\u00ad", INVISIBLE),
    "word-joiners": ("\u2060\u2060", INVISIBLE),
    "hangul-filler": ("\u3164\u3164", INVISIBLE),
    "bidi-override": ("Julia \u202eevil", BIDI),
}
INVISIBLE_ONLY = {key: value for key, value in BAD.items() if value[1] == INVISIBLE}
GOOD = [
    "Jürgen Groß-Weiß",
    "Straße am Öhringer Tor",
    "Café ❤️ im Rathaus 🙂",
    "👩🏽‍💻 Coworking",
    "محمد الأحمد",
    "שרה כהן",
    "Tagung 🏴󠁧󠁢󠁳󠁣󠁴󠁿",
]


def _refused(error: ValidationError, field: str, message: str) -> None:
    assert error.message_dict[field] == [message]


def _png(name: str = "foto.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (11, 92, 122)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- the rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "message"), BAD.values(), ids=BAD.keys())
def test_the_rule_refuses_invisible_text_and_direction_overrides(value, message):
    with pytest.raises(ValidationError) as raised:
        text.clean_line(value)
    assert raised.value.messages == [message]


@pytest.mark.parametrize(
    "value",
    [
        "\ufeff",
        "\u2800\u2800",
        "\u115f\u1160",
        "\uffa0",
        "\ufe0f",
        "\u180e",
        "\u200e\u200f\u061c",
        " \u200b\t\u3000\u00a0",
        "\u200c\u200d",
        "\U000e0020\U000e007f",
        "\u034f",
    ],
)
def test_more_invisible_characters_are_not_text(value):
    with pytest.raises(ValidationError) as raised:
        text.clean_line(value)
    assert raised.value.messages == [INVISIBLE]


@pytest.mark.parametrize("control", "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
def test_every_embedding_override_and_isolate_control_is_refused(control):
    with pytest.raises(ValidationError) as raised:
        text.clean_line(f"Anna {control}Berger")
    assert raised.value.messages == [BIDI]


@pytest.mark.parametrize("value", GOOD)
def test_ordinary_text_passes_unchanged(value):
    assert text.clean_line(value) == value
    assert text.clean_text(value) == value


@pytest.mark.parametrize(
    ("value", "cleaned"),
    [
        ("  Anna Berger\u200b ", "Anna Berger"),
        ("\u2060\u00adAnna\u00ad\u200b", "Anna"),
        ("Anna  \n Berger", "Anna Berger"),
        ("Cafe\u0301", "Café"),
        ("\u200fשרה כהן\u200f", "שרה כהן"),
        ("ab\u200fcd", "ab\u200fcd"),
        ("", ""),
    ],
)
def test_a_line_is_normalised(value, cleaned):
    assert text.clean_line(value) == cleaned


def test_text_over_several_lines_keeps_its_lines():
    assert text.clean_text("\u200b Erste Zeile\n\nZweite Zeile \u00ad") == (
        "Erste Zeile\n\nZweite Zeile"
    )
    with pytest.raises(ValidationError):
        text.clean_text("\u200b\n\u2060\n")


def test_a_service_error_names_the_field():
    with pytest.raises(ValidationError) as raised:
        text.clean_line("\u200b", field="title")
    _refused(raised.value, "title", INVISIBLE)


# --- services --------------------------------------------------------------------------------


class World:
    """Objects for the entry points, made when an entry point first asks for them."""

    def __init__(self, request: Any) -> None:
        self.request = request
        self.cast = request.getfixturevalue("cast")

    @cached_property
    def forum(self) -> Any:
        return self.request.getfixturevalue("forum")

    @cached_property
    def case_site(self) -> Any:
        return self.request.getfixturevalue("case_site")

    @cached_property
    def workshop(self) -> Workshop:
        return make_workshop(self.cast)

    @cached_property
    def held(self) -> Workshop:
        return make_workshop(self.cast, status=Workshop.Status.HELD)

    @cached_property
    def card(self) -> IdeaCard:
        return workshop_services.add_idea(
            workshop=self.held, actor=self.member, text="Leerstand füllen"
        )

    @cached_property
    def invitation_token(self) -> str:
        return forum_services.invite_member(
            consortium=self.cast.consortium,
            inviter=self.coach,
            email="neu@example.org",
            role=Role.MEMBER,
            town=self.cast.consortium.lead_town,
        ).token

    @property
    def member(self) -> Any:
        return self.cast.user("member")

    @property
    def coach(self) -> Any:
        return self.cast.user("coach")


@pytest.fixture
def world(request, cast) -> World:
    return World(request)


def _agenda(value: str, field: str) -> list[AgendaEntry]:
    entry = {"day": 1, "start": "13:00", "title": "Ankommen", "kind": "arrival", "speaker": ""}
    entry[field] = value
    return [AgendaEntry(**entry)]


def _topic(w: World, *, title: str = "Leerstand", body: str = "Text") -> Topic:
    return forum_services.create_topic(
        space=w.forum.closed, author=w.member, title=title, body=body
    )


SERVICES = {
    "create_topic.title": ("title", lambda w, v: _topic(w, title=v)),
    "create_topic.body": ("body", lambda w, v: _topic(w, body=v)),
    "post_reply.body": (
        "body",
        lambda w, v: forum_services.post_reply(topic=w.forum.closed_topic, author=w.member, body=v),
    ),
    "edit_post.body": (
        "body",
        lambda w, v: forum_services.edit_post(post=w.forum.closed_post, editor=w.member, body=v),
    ),
    "update_profile.display_name": (
        "display_name",
        lambda w, v: forum_services.update_profile(
            user=w.member, display_name=v, function="", bio=""
        ),
    ),
    "update_profile.function": (
        "function",
        lambda w, v: forum_services.update_profile(
            user=w.member, display_name="Anna", function=v, bio=""
        ),
    ),
    "accept_invitation_with_signup.display_name": (
        "display_name",
        lambda w, v: forum_services.accept_invitation_with_signup(
            token=w.invitation_token, display_name=v, function="", password="Ammersee-2026!"
        ),
    ),
    "accept_invitation_with_signup.function": (
        "function",
        lambda w, v: forum_services.accept_invitation_with_signup(
            token=w.invitation_token, display_name="Anna", function=v, password="Ammersee-2026!"
        ),
    ),
    "create_workshop.title": (
        "title",
        lambda w, v: workshop_services.create_workshop(
            consortium=w.cast.consortium,
            actor=w.coach,
            data=workshop_data(w.cast.consortium.lead_town, title=v),
        ),
    ),
    "create_workshop.venue_name": (
        "venue_name",
        lambda w, v: workshop_services.create_workshop(
            consortium=w.cast.consortium,
            actor=w.coach,
            data=workshop_data(w.cast.consortium.lead_town, venue_name=v),
        ),
    ),
    "update_workshop.title": (
        "title",
        lambda w, v: workshop_services.update_workshop(
            workshop=w.workshop,
            actor=w.coach,
            data=workshop_data(w.workshop.host_town, title=v),
        ),
    ),
    "update_venue.venue_name": (
        "venue_name",
        lambda w, v: workshop_services.update_venue(
            workshop=w.workshop, actor=w.coach, venue_name=v, venue_address="Markt 1", directions=""
        ),
    ),
    "save_agenda.title": (
        "title",
        lambda w, v: workshop_services.save_agenda(
            workshop=w.workshop, actor=w.coach, entries=_agenda(v, "title")
        ),
    ),
    "save_agenda.speaker": (
        "speaker",
        lambda w, v: workshop_services.save_agenda(
            workshop=w.workshop, actor=w.coach, entries=_agenda(v, "speaker")
        ),
    ),
    "add_idea.text": (
        "text",
        lambda w, v: workshop_services.add_idea(workshop=w.held, actor=w.member, text=v),
    ),
    "add_idea.group": (
        "group",
        lambda w, v: workshop_services.add_idea(
            workshop=w.held, actor=w.member, text="Idee", group=v
        ),
    ),
    "regroup_idea.group": (
        "group",
        lambda w, v: workshop_services.regroup_idea(card=w.card, actor=w.member, group=v),
    ),
    "add_files.caption": (
        "caption",
        lambda w, v: workshop_services.add_files(
            workshop=w.held, actor=w.coach, uploads=[_png()], caption=v
        ),
    ),
    "save_roadmap.what": (
        "what",
        lambda w, v: workshop_services.save_roadmap(
            workshop=w.held, actor=w.coach, entries=[RoadmapEntry(what=v, who="Kernteam")]
        ),
    ),
    "save_roadmap.who": (
        "who",
        lambda w, v: workshop_services.save_roadmap(
            workshop=w.held, actor=w.coach, entries=[RoadmapEntry(what="Flyer", who=v)]
        ),
    ),
    "propose_summary_page.title": (
        "title",
        lambda w, v: cms_services.propose_summary_page(
            workshop=w.held,
            actor=w.coach,
            title=v,
            summary="Rückblick",
            include_roadmap=False,
            photo_ids=[],
        ),
    ),
    "convert_topic_to_case_page.title": (
        "title",
        lambda w, v: cms_services.convert_topic_to_case_page(
            topic=w.forum.closed_topic,
            actor=w.coach,
            post_ids=[w.forum.closed_post.pk],
            title=v,
            town=w.cast.consortium.lead_town,
            parent=w.case_site.consortium_page,
        ),
    ),
}
# Bodies of posts are free text: only text without anything visible is refused there.
FREE_TEXT = {"create_topic.body", "post_reply.body", "edit_post.body"}
SERVICE_CASES = [
    pytest.param(entry, value, message, id=f"{entry}-{name}")
    for entry in SERVICES
    for name, (value, message) in BAD.items()
    if entry not in FREE_TEXT or message == INVISIBLE
]


@pytest.mark.parametrize(("entry", "value", "message"), SERVICE_CASES)
def test_services_refuse(world, entry, value, message):
    field, call = SERVICES[entry]
    with pytest.raises(ValidationError) as raised:
        call(world, value)
    _refused(raised.value, field, message)


@pytest.mark.parametrize("value", GOOD)
def test_services_keep_ordinary_names_and_titles_unchanged(world, value):
    topic = _topic(world, title=value, body=value)
    assert topic.title == value
    assert topic.posts.get().body == value
    profile = forum_services.update_profile(
        user=world.member, display_name=value, function=value, bio=""
    )
    assert (profile.display_name, profile.function) == (value, value)
    card = workshop_services.add_idea(
        workshop=world.held, actor=world.member, text=value, group=value
    )
    assert (card.text, card.group) == (value, value)
    workshop = workshop_services.create_workshop(
        consortium=world.cast.consortium,
        actor=world.coach,
        data=workshop_data(world.cast.consortium.lead_town, title=value, venue_name=value),
    )
    assert (workshop.title, workshop.venue_name) == (value, value)


def test_services_store_the_normalised_name(world):
    profile = forum_services.update_profile(
        user=world.member, display_name="\u200b Anna\u00ad Berger \u2060", function="", bio=""
    )
    assert profile.display_name == "Anna\u00ad Berger"
    topic = _topic(world, title="\u2060Leerstand\u200b nutzen\u00ad")
    assert topic.title == "Leerstand\u200b nutzen"


# --- forms in the site's pages --------------------------------------------------------------------


def _form_page(w: World, page: str) -> tuple[Any, str, str | None]:
    """(who fills it in, url of the page with the form, url it posts to if elsewhere)."""
    slug = w.cast.consortium.slug
    if page.startswith("held_"):
        held = {"slug": slug, "pk": w.held.pk}
    elif page.startswith("workshop_"):
        open_ = {"slug": slug, "pk": w.workshop.pk}
    elif page == "convert_topic":
        assert w.case_site.consortium_page  # the page a converted topic is filed under
    pages = {
        "topic_create": lambda: (
            w.member,
            reverse("forum:topic_create", kwargs={"slug": w.forum.closed.slug}),
            None,
        ),
        "topic_reply": lambda: (
            w.member,
            w.forum.closed_topic.get_absolute_url(),
            reverse("forum:topic_reply", kwargs={"pk": w.forum.closed_topic.pk}),
        ),
        "post_edit": lambda: (
            w.member,
            reverse("forum:post_edit", kwargs={"pk": w.forum.closed_post.pk}),
            None,
        ),
        "profile_edit": lambda: (w.member, reverse("forum:profile_edit"), None),
        "invitation_signup": lambda: (
            None,
            reverse("forum:invitation_accept", kwargs={"token": w.invitation_token}),
            None,
        ),
        "workshop_create": lambda: (
            w.coach,
            reverse("workshops:create", kwargs={"slug": slug}),
            None,
        ),
        "workshop_edit": lambda: (w.coach, reverse("workshops:edit", kwargs=open_), None),
        "workshop_agenda": lambda: (w.coach, reverse("workshops:agenda", kwargs=open_), None),
        "held_ideas": lambda: (w.member, reverse("workshops:ideas", kwargs=held), None),
        "held_regroup": lambda: (
            w.member,
            reverse("workshops:ideas", kwargs=held),
            reverse("workshops:idea_regroup", kwargs={"pk": w.card.pk}),
        ),
        "held_documentation": lambda: (
            w.coach,
            reverse("workshops:document", kwargs=held),
            None,
        ),
        "held_upload": lambda: (
            w.coach,
            reverse("workshops:document", kwargs=held),
            reverse("workshops:upload_files", kwargs=held),
        ),
        "held_summary": lambda: (w.coach, reverse("workshops:summary", kwargs=held), None),
        "convert_topic": lambda: (
            w.coach,
            reverse("cms:convert_topic", kwargs={"topic_id": w.forum.closed_topic.pk}),
            None,
        ),
    }
    return pages[page]()


SIGNUP_PASSWORDS = {"password1": "Ammersee-Labor-2026!", "password2": "Ammersee-Labor-2026!"}
FORMS = {
    # entry: (form field, field the form is found by, extra data)
    "topic_create.title": ("title", "title", {}),
    "topic_create.body": ("body", "title", {}),
    "topic_reply.body": ("body", "idempotency_key", {}),
    "post_edit.body": ("body", "body", {}),
    "profile_edit.display_name": ("display_name", "display_name", {}),
    "profile_edit.function": ("function", "display_name", {}),
    "invitation_signup.display_name": ("display_name", "display_name", SIGNUP_PASSWORDS),
    "invitation_signup.function": ("function", "display_name", SIGNUP_PASSWORDS),
    "workshop_create.title": ("title", "capacity", {}),
    "workshop_create.venue_name": ("venue_name", "capacity", {}),
    "workshop_edit.title": ("title", "capacity", {}),
    "workshop_agenda.ort-venue_name": ("ort-venue_name", "ort-venue_name", {}),
    "workshop_agenda.programm-0-title": ("programm-0-title", "ort-venue_name", {}),
    "workshop_agenda.programm-0-speaker": ("programm-0-speaker", "ort-venue_name", {}),
    "held_ideas.text": ("text", "text", {}),
    "held_ideas.group": ("group", "text", {"text": "Idee"}),
    "held_regroup.group": ("group", "text", {}),
    "held_documentation.fahrplan-0-what": (
        "fahrplan-0-what",
        "protokoll-protocol",
        {"fahrplan-0-who": "Kernteam"},
    ),
    "held_documentation.fahrplan-0-who": (
        "fahrplan-0-who",
        "protokoll-protocol",
        {"fahrplan-0-what": "Flyer"},
    ),
    "held_upload.dateien-caption": ("dateien-caption", "dateien-caption", {}),
    "held_summary.title": ("title", "summary", {"summary": "Rückblick"}),
    "convert_topic.title": ("title", "town", {}),
}
FORM_CASES = [
    pytest.param(entry, value, message, id=f"{entry}-{name}")
    for entry in FORMS
    for name, (value, message) in BAD.items()
    if not entry.endswith(".body") or message == INVISIBLE
]


@pytest.mark.parametrize(("entry", "value", "message"), FORM_CASES)
def test_forms_refuse_and_keep_what_was_typed(world, entry, value, message):
    page_name, _dot, _field = entry.partition(".")
    field, finder, extra = FORMS[entry]
    user, url, action = _form_page(world, page_name)
    client = Client()
    if user is not None:
        client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200
    data = unchanged_form_data(page.content.decode(), finder)
    data.update(extra)
    data[field] = value
    if field == "dateien-caption":
        data["dateien-files"] = _png()
    if "regroup" in entry:
        data = {"group": value}
    response = client.post(action or url, data)
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert value in content  # what was typed is shown again


# --- the Wagtail admin ---------------------------------------------------------------------------


def _snippet_data(model: type, value: str, w: World) -> tuple[str, dict[str, Any], str]:
    town = w.cast.consortium.lead_town
    if model is Town:
        data = {"name": value, "slug": "neu", "state": "BB", "population": "9000"}
        return "/admin/snippets/forum/town/add/", data, "name"
    if model is Tag:
        return "/admin/snippets/forum/tag/add/", {"name": value, "slug": "neu"}, "name"
    if model is Space:
        data = {"name": value, "slug": "neu", "consortium": "", "description": ""}
        return "/admin/snippets/forum/space/add/", data, "name"
    if model is Consortium:
        data = {
            "name": value,
            "slug": "neu",
            "theme": "Mobilität",
            "lead_town": town.pk,
            "towns": [town.pk],
            "start": "2026-01-01",
            "end": "2027-12-31",
            "description": "",
            "phases-TOTAL_FORMS": "0",
            "phases-INITIAL_FORMS": "0",
            "phases-MIN_NUM_FORMS": "0",
            "phases-MAX_NUM_FORMS": "1000",
        }
        return "/admin/snippets/forum/consortium/add/", data, "name"
    profile = w.member.profile
    data = {
        "user": w.member.pk,
        "display_name": value,
        "town": profile.town_id or "",
        "function": "",
        "bio": "",
    }
    return f"/admin/snippets/forum/profile/edit/{profile.pk}/", data, "display_name"


SNIPPETS = [Town, Tag, Space, Consortium, Profile]


@pytest.mark.parametrize("model", SNIPPETS, ids=lambda model: model.__name__)
@pytest.mark.parametrize(("value", "message"), BAD.values(), ids=BAD.keys())
def test_admin_snippet_forms_refuse(world, home_page, model, value, message):
    client = Client()
    client.force_login(world.cast.user("admin"))
    url, data, field = _snippet_data(model, value, world)
    count = model.objects.count()
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    content = response.content.decode()
    assert message in content
    assert value in content
    assert model.objects.count() == count
    if model is Profile:
        assert Profile.objects.get(pk=world.member.profile.pk).display_name != value


@pytest.mark.parametrize("model", SNIPPETS, ids=lambda model: model.__name__)
def test_admin_snippet_forms_take_ordinary_names_unchanged(world, home_page, model):
    client = Client()
    client.force_login(world.cast.user("admin"))
    url, data, field = _snippet_data(model, "Groß-Öhringen ❤️ محمد", world)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert model.objects.filter(**{field: "Groß-Öhringen ❤️ محمد"}).exists()


def test_admin_consortium_theme_is_checked_too(world, home_page):
    client = Client()
    client.force_login(world.cast.user("admin"))
    url, data, _field = _snippet_data(Consortium, "Neuer Verbund", world)
    data["theme"] = "\u200b"
    response = client.post(url, data)
    assert INVISIBLE in response.content.decode()
    assert not Consortium.objects.filter(name="Neuer Verbund").exists()


def _case_page_form(town, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "slug": "neue-fallstudie",
        "summary": "Probetage im Bahnhofsgebäude.",
        "town": town.pk,
        "period_start": "2022-05-02",
        "period_end": "",
        "visibility": "public",
        "goals": '{"blocks": [{"key": "a1b2c", "text": "Ziele", "type": "unstyled", "depth": 0, '
        '"inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}}',
        "body-count": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }


@pytest.mark.parametrize(("value", "message"), BAD.values(), ids=BAD.keys())
def test_admin_page_form_refuses_the_title(world, value, message):
    from cms.models import LabCasePage

    client = Client()
    client.force_login(world.cast.user("admin"))
    parent = world.case_site.consortium_page
    url = reverse("wagtailadmin_pages:add", args=["cms", "labcasepage", parent.pk])
    response = client.post(url, _case_page_form(world.member.profile.town, value))
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert value in content
    assert not LabCasePage.objects.filter(slug="neue-fallstudie").exists()


def test_admin_page_form_takes_an_ordinary_title_unchanged(world):
    from cms.models import LabCasePage

    client = Client()
    client.force_login(world.cast.user("admin"))
    parent = world.case_site.consortium_page
    url = reverse("wagtailadmin_pages:add", args=["cms", "labcasepage", parent.pk])
    response = client.post(url, _case_page_form(world.member.profile.town, GOOD[2]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LabCasePage.objects.get(slug="neue-fallstudie").title == GOOD[2]


@pytest.mark.parametrize(("value", "message"), BAD.values(), ids=BAD.keys())
def test_every_page_type_refuses_such_a_title(world, value, message):
    from cms.models import StandardPage

    page = StandardPage(title=value, slug="seite")
    with pytest.raises(ValidationError) as raised:
        world.case_site.module_index.add_child(instance=page)
    _refused(raised.value, "title", message)
    page = world.case_site.public_case
    page.seo_title = value
    with pytest.raises(ValidationError) as raised:
        page.full_clean()
    _refused(raised.value, "seo_title", message)


@pytest.mark.parametrize("kind", ["image", "document"])
@pytest.mark.parametrize(("value", "message"), BAD.values(), ids=BAD.keys())
def test_admin_upload_forms_refuse_the_title(world, home_page, kind, value, message):
    from wagtail.documents import get_document_model
    from wagtail.documents.forms import get_document_form
    from wagtail.images import get_image_model
    from wagtail.images.forms import get_image_form

    if kind == "image":
        form_class = get_image_form(get_image_model())
        files = {"file": _png()}
    else:
        form_class = get_document_form(get_document_model())
        files = {"file": SimpleUploadedFile("plan.txt", b"Plan", content_type="text/plain")}
    form = form_class(
        {"title": value, "collection": Collection.get_first_root_node().pk, "tags": ""},
        files,
        user=world.cast.user("admin"),
    )
    assert not form.is_valid()
    assert form.errors["title"] == [message]


@pytest.mark.parametrize("kind", ["image", "document"])
def test_admin_upload_forms_take_an_ordinary_title(world, home_page, kind):
    from wagtail.documents import get_document_model
    from wagtail.documents.forms import get_document_form
    from wagtail.images import get_image_model
    from wagtail.images.forms import get_image_form

    if kind == "image":
        form_class, files = get_image_form(get_image_model()), {"file": _png()}
    else:
        form_class = get_document_form(get_document_model())
        files = {"file": SimpleUploadedFile("plan.txt", b"Plan", content_type="text/plain")}
    form = form_class(
        {"title": GOOD[0], "collection": Collection.get_first_root_node().pk, "tags": ""},
        files,
        user=world.cast.user("admin"),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == GOOD[0]


def test_period_dates_stay_checked_next_to_the_title(world):
    page = world.case_site.public_case
    page.period_end = date(2000, 1, 1)
    with pytest.raises(ValidationError) as raised:
        page.full_clean()
    assert "period_end" in raised.value.message_dict
