"""No input makes the site answer 500.

Every URL pattern of the site is requested by an anonymous visitor, a member and an admin, with
path parameters filled from real objects and every query and form parameter our views read
(``PARAMETERS``) set to hostile values: digits of other scripts, huge and negative numbers,
NUL bytes, very long text, quotes and search syntax, markup. Each URL's requests run in a
savepoint that is rolled back, so a deleting POST does not take the objects away from the next.
Set ``FUZZ_SEED`` to replay another random draw.
"""

from __future__ import annotations

import io
import os
import random
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from PIL import Image
from wagtail.images import get_image_model

from cms import services as cms_services
from cms.admin_access import is_town_staff, opens_for_town_staff
from cms.models import LabCasePage
from cms.transfers import services as transfer_services
from forum import notifications
from forum import services as forum_services
from forum.models import Notification, NotificationKind, Role
from forum.privacy.export import request_data_export
from tests.helpers.workshops import make_workshop
from workshops import services as workshop_services
from workshops.models import Workshop
from workshops.services import RegistrationDetails

# fmt: off
# Every query (GET) and form (POST) parameter the views of forum, workshops and cms read, by
# reading the views and forms; Wagtail's own listing parameters (q, p, ordering) are added.
PARAMETERS: dict[str, tuple[str, ...]] = {
    "GET": (
        "seite", "zitat", "thema", "bereich", "q", "art", "verbund", "format", "land",
        "groesse", "p", "ordering", "next", "ziel",
    ),
    "POST": (
        # forum
        "notification", "alle", "seite", "abonnieren", "title", "body", "tags",
        "idempotency_key", "reason", "resolution", "target", "confirm", "display_name",
        "function", "bio", "email", "role", "town", "password1", "password2",
        "kind_mention", "kind_reply", "space_1", "posts", "note", "antwort",
        # workshops
        "host_town", "starts_at", "ends_at", "registration_deadline", "capacity",
        "seats_per_town", "venue_name", "venue_address", "directions", "description",
        "announce_publicly", "attending", "needs_overnight_stay", "arrival", "dietary_needs",
        "remarks", "status", "text", "group", "summary", "include_roadmap", "photos",
        "ort-venue_name", "ort-venue_address", "ort-directions",
        "programm-TOTAL_FORMS", "programm-INITIAL_FORMS", "programm-0-day",
        "programm-0-start", "programm-0-title", "programm-0-kind", "programm-0-speaker",
        "protokoll-protocol", "fahrplan-TOTAL_FORMS", "fahrplan-INITIAL_FORMS",
        "fahrplan-0-what", "fahrplan-0-who", "fahrplan-0-due", "fahrplan-0-status",
        "anwesenheit-present", "dateien-caption",
        # cms
        "parent", "post_ids",
    ),
}

HOSTILE = [
    "²", "٣", "１２", "0", "-1", "-9223372036854775809", "9223372036854775808",
    str(10**30), "1.5", "1e3", "NaN", "", " ", "\x00", "a\x00b", "x" * 5000, '"', 'a"b',
    "'", "' OR 1=1 --", "(", "a (b", ")", "*", "a*", "NEAR(a b)", "a -b", "-", "title:x",
    ":", "a AND OR NOT b", "<script>alert(1)</script>", "\u202e", "\u200b", "%", "\\",
    "ä" * 300, "🙂", "1,2", "[]",
]
# fmt: on
# Each of these is once sent in every parameter at the same time; Wagtail's admin (hundreds of
# URLs, none of them ours) gets the first few and one random draw.
CORE = ['a"b', "²", "\x00", str(10**30), "١", "１２", "-1", '"', "x" * 5000]
ADMIN_CORE = 4
RANDOM_DRAWS = 3
# Wagtail's page for trying out the admin's error page: it fails on purpose.
DELIBERATE_ERRORS = {"/admin/failwhale/"}
SEED = int(os.environ.get("FUZZ_SEED", "20260512"))

# Ours are filled from the world below; the rest (Wagtail admin, allauth, …) by parameter name.
OWN_NAMESPACES = {"forum", "workshops", "cms"}
GENERIC_VALUES = {
    "app_label": "forum",
    "model_name": "town",
    "content_type_app_name": "cms",
    "content_type_model_name": "labcasepage",
    "token": "falsch",
    "key": "falsch",
    "uidb36": "1",
    "action": "sperren",
}


@dataclass
class World:
    kwargs: dict[str, dict[str, Any]]
    page_paths: list[str]
    int_id: int


def _png(name: str = "foto.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (11, 92, 122)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def world(cast, forum, case_site) -> World:  # noqa: F811
    member, coach = cast.user("member"), cast.user("coach")
    slug = cast.consortium.slug
    reply = forum_services.post_reply(
        topic=forum.closed_topic, author=member, body="Mit Foto", uploads=[_png()]
    )
    attachment = reply.attachments.get()
    report = forum_services.report_post(post=reply, reporter=coach, reason="Bitte prüfen")
    issued = forum_services.invite_member(
        consortium=cast.consortium,
        inviter=coach,
        email="neu@example.org",
        role=Role.MEMBER,
        town=cast.consortium.lead_town,
    )
    [notification] = notifications.notify(
        kind=NotificationKind.MENTION,
        recipient_ids=[member.pk],
        title="Erwähnt",
        url=forum.closed_post.get_absolute_url(),
        actor=coach,
        space=forum.closed,
        topic=forum.closed_topic,
        post=forum.closed_post,
    )
    open_workshop = make_workshop(cast)
    workshop_services.register(
        workshop=open_workshop,
        user=member,
        details=RegistrationDetails(),
    )
    held = make_workshop(cast, status=Workshop.Status.HELD)
    card = workshop_services.add_idea(workshop=held, actor=member, text="Leerstand füllen")
    [photo] = workshop_services.add_files(workshop=held, actor=coach, uploads=[_png()])
    page = cms_services.convert_topic_to_case_page(
        topic=forum.closed_topic,
        actor=coach,
        post_ids=[forum.closed_post.pk],
        title="Aus dem Forum",
        town=cast.consortium.lead_town,
        parent=case_site.consortium_page,
    )
    quote = page.forum_quotes.get()
    proposal = forum_services.propose_share(
        topic=forum.closed_topic,
        proposer=member,
        post_ids=[forum.closed_post.pk],
        target=forum.academy,
    )
    consent = proposal.consents.get()
    shared = forum_services.confirm_share(proposal=proposal, moderator=coach).posts.get()
    adopting = cast.consortium.towns.exclude(pk=member.profile.town_id).first()
    transfer = transfer_services.record_transfer(
        actor=coach,
        source=case_site.public_case,
        town=adopting,
        consortium=cast.consortium,
    )
    evidence = transfer_services.add_evidence(
        transfer=transfer, actor=coach, kind="file", upload=_png("beleg.png")
    )
    image = get_image_model().objects.create(
        title="Marktplatz", file=ImageFile(_png("markt.png"), name="markt.png")
    )
    membership = member.memberships.get(consortium=cast.consortium)
    export = request_data_export(user=member)
    # "Kontakt aufnehmen": the coach answers one question of the member's, another waits; the
    # coach blocked the outsider.
    coach.profile.accepts_contact_requests = True
    coach.profile.save()
    LabCasePage.objects.filter(
        pk__in=[case_site.public_case.pk, case_site.internal_case.pk]
    ).update(contact_person=coach)
    answered = cms_services.ask_contact_person(
        page=LabCasePage.objects.get(pk=case_site.public_case.pk), asker=member, question="Wie?"
    )
    answered = cms_services.answer_contact_request(
        contact_request=answered, contact=coach, answer="So."
    )
    waiting = cms_services.ask_contact_person(
        page=LabCasePage.objects.get(pk=case_site.internal_case.pk), asker=member, question="Wo?"
    )
    block = forum_services.block_person(blocker=coach, blocked=cast.user("outsider"))
    conversation_id = answered.conversation_id
    kwargs = {
        "forum:space": {"slug": forum.closed.slug},
        "forum:topic_create": {"slug": forum.closed.slug},
        "forum:reports": {"slug": forum.closed.slug},
        "forum:topic_flag": {"pk": forum.closed_topic.pk, "action": "sperren"},
        "forum:report_handle": {"pk": report.pk},
        "forum:attachment": {"pk": attachment.pk},
        "forum:attachment_thumbnail": {"pk": attachment.pk},
        "forum:member_remove": {"slug": slug, "pk": membership.pk},
        "forum:invitation_resend": {"slug": slug, "pk": issued.invitation.pk},
        "forum:invitation_revoke": {"slug": slug, "pk": issued.invitation.pk},
        "forum:profile": {"user_id": member.pk},
        "forum:invitation_accept": {"token": issued.token},
        "forum:unsubscribe": {
            "token": notifications.unsubscribe_token(member, NotificationKind.REPLY)
        },
        "forum:notification_open": {"pk": notification.pk},
        "forum:data_export_download": {"pk": export.pk},
        "forum:share_propose": {"pk": forum.closed_topic.pk},
        "forum:consent_answer": {"pk": consent.pk},
        "forum:shared_post_withdraw": {"pk": shared.pk},
        "workshops:idea_card": {"pk": card.pk},
        "workshops:idea_regroup": {"pk": card.pk},
        "workshops:idea_remove": {"pk": card.pk},
        "workshops:file": {"pk": photo.pk},
        "workshops:file_thumbnail": {"pk": photo.pk},
        "workshops:file_delete": {"pk": photo.pk},
        "workshops:calendar_feed": {
            "token": workshop_services.calendar_feed_for(user=member).token
        },
        "cms:convert_topic": {"topic_id": forum.closed_topic.pk},
        "cms:quote_objection": {"quote_id": quote.pk},
        "cms:media": {"path": image.file.name},
        "forum:conversation": {"pk": conversation_id},
        "forum:conversation_messages_after": {"pk": conversation_id},
        "forum:unblock": {"pk": block.pk},
        "cms:contact_ask": {"page_id": case_site.public_case.pk},
        "cms:contact_answer": {"pk": waiting.pk},
        "cms:contact_decline": {"pk": waiting.pk},
        "cms:record_transfer": {"page_id": case_site.public_case.pk},
        "cms:remove_evidence": {"pk": transfer.pk, "evidence_pk": evidence.pk},
        "cms:transfer_file": {"pk": evidence.pk},
    }
    for name in ("transfer", "edit_transfer", "transfer_status", "add_evidence", "delete_transfer"):
        kwargs[f"cms:{name}"] = {"pk": transfer.pk}
    for name in (
        "topic",
        "topic_reply",
        "topic_unread",
        "topic_move",
        "topic_lesson",
        "topic_subscription",
    ):
        kwargs[f"forum:{name}"] = {"pk": forum.closed_topic.pk}
    for name in (
        "post",
        "post_fragment",
        "post_edit",
        "post_delete",
        "post_history",
        "post_helpful",
        "post_hide",
        "post_restore",
        "post_report",
    ):
        kwargs[f"forum:{name}"] = {"pk": forum.closed_post.pk}
    for name in ("share_detail", "share_confirm", "share_refuse", "share_cancel"):
        kwargs[f"forum:{name}"] = {"pk": proposal.pk}
    for name in ("consortium", "moderation_log", "members", "invitations"):
        kwargs[f"forum:{name}"] = {"slug": slug}
    kwargs["workshops:list"] = kwargs["workshops:create"] = {"slug": slug}
    for name in (
        "detail",
        "edit",
        "agenda",
        "status",
        "register",
        "cancel",
        "participants_csv",
        "ics",
    ):
        kwargs[f"workshops:{name}"] = {"slug": slug, "pk": open_workshop.pk}
    for name in ("document", "upload_files", "summary", "ideas", "idea_board"):
        kwargs[f"workshops:{name}"] = {"slug": slug, "pk": held.pk}
    pages = [
        case_site.case_index,
        case_site.public_case,
        case_site.internal_case,
        case_site.consortium_page,
        case_site.module_index,
        case_site.module,
    ]
    return World(
        kwargs=kwargs,
        page_paths=["/", *(page.url for page in pages)],
        int_id=case_site.public_case.pk,
    )


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _patterns(entry, prefix + str(entry.pattern), inner or namespace)
        else:
            yield prefix + str(entry.pattern), namespace, entry


def _paths(world: World) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(label, path) for every URL pattern, and (namespace, pattern) of those not filled."""
    paths, unfilled = [], []
    for pattern, namespace, entry in _patterns(get_resolver()):
        name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
        if name == "wagtail_serve":
            paths += [(name, path) for path in world.page_paths]
            continue
        regex = entry.pattern.regex
        args = [world.int_id] * regex.groups if not regex.groupindex else None
        if namespace.split(":")[0] in OWN_NAMESPACES and regex.groupindex:
            kwargs = world.kwargs.get(name)
        else:
            kwargs = {p: GENERIC_VALUES.get(p, world.int_id) for p in regex.groupindex}
        try:
            path = reverse(name, args=args, kwargs=kwargs) if name else "/" + pattern
        except (NoReverseMatch, TypeError):
            unfilled.append((namespace, pattern))
        else:
            paths.append((pattern, path))
    return paths, unfilled


def _draws(rng: random.Random, method: str, admin_area: bool) -> list[dict[str, str]]:
    names = PARAMETERS[method]
    # Wagtail's pages and form posts: the first core values (quote, superscript digit, NUL,
    # 10**30) and one random draw, so the walk stays within the CI's time.
    short = admin_area or method == "POST"
    core, random_draws = (CORE[:ADMIN_CORE], 1) if short else (CORE, RANDOM_DRAWS)
    draws = [{name: value for name in names} for value in core]
    draws += [{name: rng.choice(HOSTILE) for name in names} for _ in range(random_draws)]
    return draws


# Anonymous visitors reach the same parsing as members only on public pages, which members
# also walk; the login redirect in front of everything else parses nothing.
ROLES = ["member", "admin"]


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql",
    reason="the walk tests how views parse input, the same on every database; it runs in the "
    "SQLite pass (the CI's PostgreSQL pass keeps the named cases below, NUL bytes included)",
)
@pytest.mark.parametrize("area", ["site", "admin"])
@pytest.mark.parametrize("role", ROLES)
def test_no_url_answers_500_to_hostile_parameters(cast, world, role, area):
    """Split by area (Wagtail's admin, everything else) so that parallel workers share it."""
    paths, unfilled = _paths(world)
    own = [pattern for namespace, pattern in unfilled if namespace in OWN_NAMESPACES]
    assert not own, f"URL patterns of ours without objects to fill them: {own}"
    rng = random.Random(f"{SEED}-{role}-{area}")
    user = cast.user(role)
    failures = []
    for label, path in paths:
        admin_area = path.startswith("/admin/")
        if path in DELIBERATE_ERRORS or admin_area is not (area == "admin"):
            continue
        with transaction.atomic():
            client = Client(raise_request_exception=False)
            if user.is_authenticated:
                client.force_login(user)
            for method in ("GET", "POST"):
                if method == "POST" and admin_area:
                    continue  # Wagtail's own forms; ours are fuzzed through our views
                draws = _draws(rng, method, admin_area)
                if admin_area and is_town_staff(user) and not opens_for_town_staff(path):
                    # Refused by its URL name before any view reads a parameter.
                    draws = draws[:1]
                for data in draws:
                    send = client.get if method == "GET" else client.post
                    response = send(path, data)
                    if response.status_code >= 500:
                        short = {k: v[:20] for k, v in data.items()}
                        failures.append(f"{method} {path} ({label}): {short}")
                        break
            transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


# --- the cases the testers named -------------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "١", "１２", str(10**30), "-1", "1.0"])
def test_a_quote_id_that_is_not_an_ascii_number_shows_the_topic_without_a_quote(cast, forum, value):
    client = Client(raise_request_exception=False)
    client.force_login(cast.user("member"))
    response = client.get(forum.closed_topic.get_absolute_url(), {"zitat": value})
    assert response.status_code == 200
    assert "&gt; Wie war es bei euch?" not in response.content.decode()


def test_a_quote_id_in_full_width_digits_does_not_quote_that_post(client, cast, forum):
    client.force_login(cast.user("member"))
    post_id = str(forum.closed_post.pk)
    wide = "".join(chr(ord(digit) - ord("0") + ord("０")) for digit in post_id)
    response = client.get(forum.closed_topic.get_absolute_url(), {"zitat": wide})
    assert "&gt; Wie war es bei euch?" not in response.content.decode()
    response = client.get(forum.closed_topic.get_absolute_url(), {"zitat": post_id})
    assert "&gt; Wie war es bei euch?" in response.content.decode()


@pytest.mark.parametrize("value", ["²", "١", "１", str(10**30), "-1", "\x00"])
def test_marking_a_notification_read_ignores_what_is_not_an_id(cast, forum, value):
    member = cast.user("member")
    [notification] = notifications.notify(
        kind=NotificationKind.MENTION,
        recipient_ids=[member.pk],
        title="Erwähnt",
        url=forum.closed_post.get_absolute_url(),
        actor=cast.user("coach"),
        post=forum.closed_post,
    )
    client = Client(raise_request_exception=False)
    client.force_login(member)
    response = client.post(
        "/benachrichtigungen/gelesen/", {"notification": [value, "x"], "seite": value}
    )
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert response["Location"] == "/benachrichtigungen/"
    assert Notification.objects.get(pk=notification.pk).read_at is None


@pytest.mark.parametrize("query", ['"', 'a"b', '"Pop-up', "a (b", "*", "NEAR(a b)", "-x", ":"])
def test_site_search_syntax_is_an_ordinary_result(cast, case_site, query):  # noqa: F811
    client = Client(raise_request_exception=False)
    client.force_login(cast.user("member"))
    response = client.get("/suche/", {"q": query})
    assert response.status_code == 200


def test_site_search_with_quotes_still_finds_the_words(client, case_site):  # noqa: F811
    response = client.get("/suche/", {"q": '"Pop-up-Büro'})
    assert response.status_code == 200
    assert "Offenes Pop-up-Büro" in response.content.decode()


# --- number fields of the forms ----------------------------------------------------------------

NOT_IDS = ["²", "１", "٣", str(10**30), "-1", "0", "1.0", " "]


@pytest.mark.parametrize("value", NOT_IDS)
def test_a_topic_tag_must_be_an_ascii_id(db, value):
    from forum.forms import TopicForm
    from forum.models import Tag

    Tag.objects.create(pk=1, name="Leerstand", slug="leerstand")
    form = TopicForm({"title": "Leerstand", "body": "Text", "tags": [value]})
    assert not form.is_valid()
    assert "tags" in form.errors


@pytest.mark.parametrize("value", NOT_IDS)
def test_a_move_target_must_be_an_ascii_id(forum, value):
    from forum.forms import MoveForm
    from forum.models import Space

    form = MoveForm({"target": value}, targets=Space.objects.all())
    assert not form.is_valid()
    assert "target" in form.errors


@pytest.mark.parametrize("value", NOT_IDS)
def test_an_invitation_town_must_be_an_ascii_id(cast, value):
    from forum.forms import InvitationForm

    form = InvitationForm(
        {"email": "neu@example.org", "role": Role.MEMBER, "town": value},
        consortium=cast.consortium,
        assignable_roles=[Role.MEMBER],
    )
    assert not form.is_valid()
    assert "town" in form.errors


@pytest.mark.parametrize("value", ["²", "１２", "٣", "12.5", "1e2", str(10**30), "-" + "9" * 30])
def test_workshop_seats_and_agenda_days_take_ascii_digits_only(cast, value):
    from workshops.forms import AgendaItemForm, WorkshopForm

    form = WorkshopForm({"capacity": value, "seats_per_town": value}, consortium=cast.consortium)
    form.is_valid()
    assert "capacity" in form.errors and "seats_per_town" in form.errors
    agenda = AgendaItemForm({"day": value, "start": "13:00", "title": "Start", "kind": "talk"})
    assert not agenda.is_valid()
    assert "day" in agenda.errors


def test_a_number_field_says_what_is_wrong(cast):
    from workshops.forms import WorkshopForm

    form = WorkshopForm({"capacity": "１２"}, consortium=cast.consortium)
    form.is_valid()
    assert form.errors["capacity"] == ["Bitte geben Sie eine ganze Zahl in Ziffern (0–9) ein."]
    form = WorkshopForm({"capacity": str(10**30)}, consortium=cast.consortium)
    form.is_valid()
    assert form.errors["capacity"] == ["Diese Zahl liegt außerhalb des erlaubten Bereichs."]
    form = WorkshopForm({"capacity": "12"}, consortium=cast.consortium)
    form.is_valid()
    assert "capacity" not in form.errors


@pytest.mark.parametrize("value", NOT_IDS)
def test_summary_photos_must_be_ascii_ids(cast, value):
    from cms.forms import SummaryForm
    from workshops.models import WorkshopFile

    form = SummaryForm(
        {"title": "Rückblick", "summary": "Text", "photos": [value]},
        photos=WorkshopFile.objects.all(),
    )
    assert not form.is_valid()
    assert "photos" in form.errors


@pytest.mark.parametrize("value", NOT_IDS)
def test_a_conversion_target_must_be_an_ascii_id(cast, forum, case_site, value):  # noqa: F811
    from cms.forms import ConvertTopicForm

    form = ConvertTopicForm(
        {"title": "Fall", "parent": value, "town": "", "post_ids": []},
        topic=forum.closed_topic,
        targets=[case_site.consortium_page, case_site.other_consortium_page],
        posts=[forum.closed_post],
    )
    assert not form.is_valid()
    assert "parent" in form.errors
