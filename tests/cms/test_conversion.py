"""„Aus dem Forum übernehmen“: a forum topic becomes a draft case page quoting chosen posts;
quoted authors are told and may object."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms import services
from cms.models import ConsortiumPage, ForumQuote, LabCasePage, Visibility
from forum import services as forum_services
from forum.models import Role
from forum.rules import allowed
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.cast import ROLES, client_for

# Expected answer of the convert view per role: closed space of the cast's consortium and the
# academy-wide exchange. 404 where the topic is not readable, 403 where readable only.
CONVERT_STATUS = {
    "closed": {
        "anonymous": 302,
        "outsider": 404,
        "member": 403,
        "coach": 200,
        "core_team": 200,
        "editor": 404,
        "admin": 200,
    },
    "academy": {
        "anonymous": 302,
        "outsider": 403,
        "member": 403,
        "coach": 200,
        "core_team": 200,
        "editor": 200,
        "admin": 200,
    },
}


@pytest.fixture
def consortium_page(cast, home_page) -> ConsortiumPage:
    return services.create_consortium_page(consortium=cast.consortium, parent=home_page)


@pytest.fixture
def other_consortium_page(cast, home_page) -> ConsortiumPage:
    return services.create_consortium_page(consortium=cast.other_consortium, parent=home_page)


def _topic(forum, which):
    return forum.closed_topic if which == "closed" else forum.academy_topic


def _convert(topic, actor, parent, posts, *, title="Co-Working im Rathaus", town=None):
    return services.convert_topic_to_case_page(
        topic=topic,
        actor=actor,
        post_ids=[post.pk for post in posts],
        title=title,
        town=town or parent.consortium.lead_town,
        parent=parent,
    )


def _latest_body(page):
    page = LabCasePage.objects.get(pk=page.pk)
    return list(page.get_latest_revision().as_object().body)


def _quotes(body):
    return [block.value for block in body if block.block_type == "quote"]


@pytest.fixture
def discussion(cast, forum):
    """The closed topic with replies: two by the member, one by the core team, one by the
    coach, who converts it."""
    member, core, coach = cast.user("member"), cast.user("core_team"), cast.user("coach")
    member.profile.function = "Wirtschaftsförderung"
    member.profile.save()
    core.profile.function = "Projektleitung"
    core.profile.save()
    topic = forum.closed_topic
    posts = [
        forum.closed_post,
        forum_services.post_reply(topic=topic, author=core, body="Bei uns half ein **Schlüssel**."),
        forum_services.post_reply(topic=topic, author=coach, body="Gute Frage."),
        forum_services.post_reply(topic=topic, author=member, body="Danke, probieren wir."),
    ]
    return topic, posts


# --- Who may convert ------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["closed", "academy"])
@pytest.mark.parametrize("role", ROLES)
def test_convert_view_answers_by_role(client, cast, forum, consortium_page, role, which):
    user = cast.user(role)
    topic = _topic(forum, which)
    expected = CONVERT_STATUS[which][role]
    response = client_for(client, user).get(reverse("cms:convert_topic", args=[topic.pk]))
    assert response.status_code == expected
    if role == "anonymous":
        assert reverse("account_login") in response["Location"]
    assert allowed(user, "cms.convert_topic", topic) is (expected == 200)
    # The topic page links to the conversion exactly for those allowed.
    topic_page = client.get(topic.get_absolute_url())
    if topic_page.status_code == 200:
        link = reverse("cms:convert_topic", args=[topic.pk])
        assert (link in topic_page.content.decode()) is (expected == 200)


@pytest.mark.parametrize("which", ["closed", "academy"])
@pytest.mark.parametrize("role", ROLES)
def test_convert_service_answers_by_role(cast, forum, consortium_page, role, which):
    topic = _topic(forum, which)
    post = forum.closed_post if which == "closed" else forum.academy_post
    user = cast.user(role)
    if CONVERT_STATUS[which][role] == 200:
        page = _convert(topic, user, consortium_page, [post])
        assert page.get_parent().pk == consortium_page.pk
    else:
        with pytest.raises(PermissionDenied):
            _convert(topic, user, consortium_page, [post])
        assert not LabCasePage.objects.exists()


def test_closed_topic_stays_in_its_consortium(cast, forum, consortium_page, other_consortium_page):
    with pytest.raises(ValidationError) as error:
        _convert(forum.closed_topic, cast.user("admin"), other_consortium_page, [forum.closed_post])
    assert "parent" in error.value.error_dict
    assert not LabCasePage.objects.exists()


def test_academy_topic_goes_only_to_consortia_the_coach_guides(
    cast, forum, consortium_page, other_consortium_page
):
    coach = cast.user("coach")
    with pytest.raises(PermissionDenied):
        _convert(forum.academy_topic, coach, other_consortium_page, [forum.academy_post])
    # An editor may file an academy-wide topic with any consortium.
    page = _convert(
        forum.academy_topic, cast.user("editor"), other_consortium_page, [forum.academy_post]
    )
    assert page.consortium_id == cast.other_consortium.pk


def test_town_must_belong_to_the_target_consortium(cast, forum, consortium_page):
    foreign_town = cast.other_consortium.lead_town
    with pytest.raises(ValidationError) as error:
        _convert(
            forum.closed_topic,
            cast.user("coach"),
            consortium_page,
            [forum.closed_post],
            town=foreign_town,
        )
    assert "town" in error.value.error_dict


def test_convert_needs_at_least_one_post(cast, forum, consortium_page):
    with pytest.raises(ValidationError) as error:
        _convert(forum.closed_topic, cast.user("coach"), consortium_page, [])
    assert "post_ids" in error.value.error_dict


def test_posts_of_another_topic_cannot_be_quoted(cast, forum, consortium_page):
    with pytest.raises(ValidationError):
        _convert(forum.closed_topic, cast.user("admin"), consortium_page, [forum.academy_post])


# --- The draft ------------------------------------------------------------------------------


def test_convert_creates_internal_draft_with_attributed_quotes(cast, discussion, consortium_page):
    topic, posts = discussion
    coach, member = cast.user("coach"), cast.user("member")
    town = member.profile.town

    page = _convert(topic, coach, consortium_page, [posts[0], posts[1]], town=town)

    page.refresh_from_db()
    assert page.live is False
    assert page.has_unpublished_changes is True
    assert page.visibility == Visibility.INTERNAL
    assert page.consortium_id == cast.consortium.pk
    assert page.town == town
    assert page.owner == coach
    assert not page.formats.exists()
    assert page.period_start == timezone.localdate(topic.created_at)
    assert topic.title in page.summary
    assert page.goals.strip()
    assert page.get_latest_revision().user == coach

    body = _latest_body(page)
    assert body[0].block_type == "text"
    intro = body[0].value.source
    assert "Übernommen aus dem Forum:" in intro
    assert f'href="{topic.get_absolute_url()}"' in intro
    assert topic.title in intro
    quotes = _quotes(body)
    assert [q["text"] for q in quotes] == [posts[0].body, posts[1].body]
    assert quotes[0]["speaker"] == member.profile.display_name
    assert quotes[0]["speaker_role"] == f"Wirtschaftsförderung, {town.name}"
    assert quotes[1]["speaker"] == cast.user("core_team").profile.display_name
    assert quotes[1]["speaker_role"] == "Projektleitung"
    assert set(ForumQuote.objects.filter(page=page).values_list("post_id", "author_id")) == {
        (posts[0].pk, member.pk),
        (posts[1].pk, cast.user("core_team").pk),
    }


def test_draft_from_academy_topic_is_internal_too(cast, forum, consortium_page):
    page = _convert(forum.academy_topic, cast.user("editor"), consortium_page, [forum.academy_post])
    assert page.visibility == Visibility.INTERNAL
    assert page.live is False


def test_draft_is_not_readable_on_the_site(client, cast, discussion, consortium_page):
    topic, posts = discussion
    page = _convert(topic, cast.user("coach"), consortium_page, posts[:1])
    client.force_login(cast.user("member"))
    assert client.get(page.url).status_code == 404


@pytest.mark.parametrize("how", ["hidden", "deleted"])
def test_hidden_and_deleted_posts_cannot_be_quoted(client, cast, discussion, consortium_page, how):
    topic, posts = discussion
    coach = cast.user("coach")
    target = posts[1]
    if how == "hidden":
        forum_services.hide_post(post=target, moderator=coach, reason="Persönliche Angaben")
    else:
        forum_services.delete_post(post=target, actor=cast.user("core_team"))

    with pytest.raises(ValidationError) as error:
        _convert(topic, coach, consortium_page, [posts[0], target])
    assert "post_ids" in error.value.error_dict
    assert not LabCasePage.objects.exists()

    client.force_login(coach)
    url = reverse("cms:convert_topic", args=[topic.pk])
    content = client.get(url).content.decode()
    assert f'name="post_ids" value="{posts[0].pk}"' in content
    assert f'name="post_ids" value="{target.pk}"' not in content
    response = client.post(
        url,
        {
            "title": "Versuch",
            "town": cast.consortium.lead_town.pk,
            "post_ids": [posts[0].pk, target.pk],
        },
    )
    assert response.status_code == 400
    assert not LabCasePage.objects.exists()


# --- The views ------------------------------------------------------------------------------


def test_convert_form_lists_posts_with_author_and_prefilled_title(
    client, cast, discussion, consortium_page
):
    topic, posts = discussion
    client.force_login(cast.user("coach"))
    response = client.get(reverse("cms:convert_topic", args=[topic.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "<fieldset" in content and "<legend>Beiträge, die zitiert werden</legend>" in content
    assert f'value="{topic.title}"' in content
    assert cast.user("member").profile.display_name in content
    assert "Bei uns half ein Schlüssel." in content
    # Only the consortium's own towns are offered, and no choice of consortium.
    for town in cast.consortium.towns.all():
        assert town.name in content
    assert cast.other_consortium.lead_town.name not in content
    assert 'name="parent"' not in content


def test_convert_form_offers_the_consortia_an_editor_may_choose(
    client, cast, forum, consortium_page, other_consortium_page
):
    client.force_login(cast.user("editor"))
    content = client.get(
        reverse("cms:convert_topic", args=[forum.academy_topic.pk])
    ).content.decode()
    assert 'name="parent"' in content
    assert f'<optgroup label="{cast.other_consortium.name}">' in content


def test_convert_view_creates_draft_and_opens_the_editor(
    client, cast, discussion, consortium_page, django_capture_on_commit_callbacks
):
    topic, posts = discussion
    client.force_login(cast.user("coach"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cms:convert_topic", args=[topic.pk]),
            {
                "title": "Schlüssel fürs Rathaus",
                "town": cast.user("member").profile.town.pk,
                "post_ids": [posts[0].pk],
            },
        )
    page = LabCasePage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert page.title == "Schlüssel fürs Rathaus"
    assert page.live is False
    editor = client.get(response["Location"])
    assert editor.status_code == 200
    assert "Der Entwurf „Schlüssel fürs Rathaus“ ist angelegt." in editor.content.decode()


def test_failed_convert_form_keeps_input_and_explains_in_german(
    client, cast, discussion, consortium_page
):
    topic, posts = discussion
    client.force_login(cast.user("coach"))
    response = client.post(
        reverse("cms:convert_topic", args=[topic.pk]),
        {"title": "Mein eigener Titel", "town": "", "post_ids": []},
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert 'value="Mein eigener Titel"' in content
    assert "Bitte wählen Sie mindestens einen Beitrag zum Zitieren aus." in content
    assert "Bitte wählen Sie eine Kleinstadt." in content
    assert not LabCasePage.objects.exists()


def test_convert_view_rejects_a_town_of_another_consortium(
    client, cast, discussion, consortium_page
):
    topic, posts = discussion
    client.force_login(cast.user("coach"))
    response = client.post(
        reverse("cms:convert_topic", args=[topic.pk]),
        {
            "title": "Titel",
            "town": cast.other_consortium.lead_town.pk,
            "post_ids": [posts[0].pk],
        },
    )
    assert response.status_code == 400
    assert not LabCasePage.objects.exists()


# --- Notifications --------------------------------------------------------------------------


def test_quoted_authors_are_emailed_once_each_but_not_the_actor(
    cast, discussion, consortium_page, django_capture_on_commit_callbacks
):
    topic, posts = discussion
    member, core, coach = cast.user("member"), cast.user("core_team"), cast.user("coach")

    with django_capture_on_commit_callbacks(execute=True):
        page = _convert(topic, coach, consortium_page, posts)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, core.email])
    by_recipient = {m.to[0]: m for m in mail.outbox}
    to_member = by_recipient[member.email]
    assert "zitiert" in to_member.subject
    member_quotes = ForumQuote.objects.filter(page=page, author=member).order_by("post_id")
    assert member_quotes.count() == 2
    for quote in member_quotes:
        assert services.quote_objection_url(quote) in to_member.body
        assert services.quote_objection_url(quote) in to_member.alternatives[0][0]
    assert page.title in to_member.body
    core_quote = ForumQuote.objects.get(page=page, author=core)
    assert services.quote_objection_url(core_quote) in by_recipient[core.email].body
    assert services.quote_objection_url(member_quotes[0]) not in by_recipient[core.email].body


def test_no_email_when_the_conversion_rolls_back(
    cast, discussion, consortium_page, django_capture_on_commit_callbacks
):
    topic, posts = discussion
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _convert(topic, cast.user("coach"), consortium_page, posts)
        raise RuntimeError
    assert mail.outbox == []
    assert not LabCasePage.objects.exists()


# --- Objections -----------------------------------------------------------------------------


@pytest.fixture
def converted(cast, discussion, consortium_page, django_capture_on_commit_callbacks):
    topic, posts = discussion
    with django_capture_on_commit_callbacks(execute=True):
        page = _convert(topic, cast.user("coach"), consortium_page, posts[:2])
    mail.outbox.clear()
    return page, posts


def test_objection_by_the_author_removes_the_quote_from_the_latest_revision(
    client, cast, converted, django_capture_on_commit_callbacks
):
    page, posts = converted
    member = cast.user("member")
    quote = ForumQuote.objects.get(page=page, post=posts[0])
    revisions_before = page.revisions.count()
    client.force_login(member)
    url = reverse("cms:quote_objection", args=[quote.pk])

    shown = client.get(url).content.decode()
    assert page.title in shown
    assert posts[0].body in shown
    assert "Widersprechen" in shown

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.objected_at is not None
    assert page.revisions.count() == revisions_before + 1
    texts = [q["text"] for q in _quotes(_latest_body(page))]
    assert texts == [posts[1].body]
    # The draft row follows the revision, as with Wagtail's own editor.
    page.refresh_from_db()
    assert [q["text"] for q in _quotes(page.body)] == [posts[1].body]
    # The page's owner hears about it.
    assert [m.to for m in mail.outbox] == [[cast.user("coach").email]]
    assert "Widerspruch" in mail.outbox[0].subject
    confirmation = client.get(url).content.decode()
    assert "widersprochen" in confirmation
    assert "<button" not in confirmation.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize("role", ["outsider", "coach", "core_team", "editor", "admin"])
def test_objection_by_someone_else_is_not_found(client, cast, converted, role):
    page, posts = converted
    quote = ForumQuote.objects.get(page=page, post=posts[0])
    client.force_login(cast.user(role))
    url = reverse("cms:quote_objection", args=[quote.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    quote.refresh_from_db()
    assert quote.objected_at is None
    with pytest.raises(PermissionDenied):
        services.object_to_quote(quote=quote, user=cast.user(role))


def test_objection_page_needs_login(client, converted):
    page, posts = converted
    quote = ForumQuote.objects.filter(page=page).first()
    response = client.get(reverse("cms:quote_objection", args=[quote.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_objection_finds_the_quote_after_the_draft_was_edited(cast, converted):
    page, posts = converted
    draft = page.get_latest_revision_as_object()
    raw = list(draft.body.raw_data)
    draft.body = [{"type": "text", "value": "<p>Neu davor</p>"}, *raw]
    draft.save_revision(user=cast.user("coach"))

    quote = ForumQuote.objects.get(page=page, post=posts[1])
    services.object_to_quote(quote=quote, user=cast.user("core_team"))

    body = _latest_body(page)
    assert [q["text"] for q in _quotes(body)] == [posts[0].body]
    assert body[0].value.source == "<p>Neu davor</p>"


def test_objection_is_recorded_once(cast, converted):
    page, posts = converted
    quote = ForumQuote.objects.get(page=page, post=posts[0])
    first = services.object_to_quote(quote=quote, user=cast.user("member"))
    revisions = page.revisions.count()
    again = services.object_to_quote(quote=quote, user=cast.user("member"))
    assert again.objected_at == first.objected_at
    assert page.revisions.count() == revisions


def test_objection_to_a_published_page_updates_the_draft_and_warns_the_owner(
    cast, converted, django_capture_on_commit_callbacks
):
    page, posts = converted
    page.get_latest_revision().publish()
    quote = ForumQuote.objects.get(page=page, post=posts[0])

    with django_capture_on_commit_callbacks(execute=True):
        services.object_to_quote(quote=quote, user=cast.user("member"))

    page.refresh_from_db()
    quote.refresh_from_db()
    assert quote.objected_at is not None
    assert page.live and page.has_unpublished_changes
    assert [q["text"] for q in _quotes(_latest_body(page))] == [posts[1].body]
    assert len(mail.outbox) == 1
    assert "veröffentlichte Fassung enthält das Zitat noch" in mail.outbox[0].body


def test_quoted_author_outside_the_consortium_is_notified_for_academy_topics(
    cast, forum, consortium_page, django_capture_on_commit_callbacks
):
    outsider = cast.user("outsider")
    reply = forum_services.post_reply(
        topic=forum.academy_topic, author=outsider, body="Bei uns im Verbund genauso."
    )
    coach_elsewhere = UserFactory()
    MembershipFactory(user=coach_elsewhere, consortium=cast.consortium, role=Role.COACH)
    with django_capture_on_commit_callbacks(execute=True):
        page = _convert(forum.academy_topic, coach_elsewhere, consortium_page, [reply])
    assert [m.to for m in mail.outbox] == [[outsider.email]]
    quote = ForumQuote.objects.get(page=page)
    assert quote.author == outsider


def test_convert_form_query_count_does_not_grow_with_posts(
    client, cast, forum, consortium_page, django_assert_max_num_queries
):
    topic = forum.closed_topic
    client.force_login(cast.user("coach"))
    url = reverse("cms:convert_topic", args=[topic.pk])
    client.get(url)  # warm caches (content types, site)
    with CaptureQueriesContext(connection) as one_post:
        assert client.get(url).status_code == 200
    for _ in range(3):
        author = MembershipFactory(consortium=cast.consortium).user
        for n in range(4):
            forum_services.post_reply(topic=topic, author=author, body=f"Beitrag {n}")
    with django_assert_max_num_queries(len(one_post)):
        assert client.get(url).status_code == 200


def test_a_topic_can_be_converted_twice_and_odd_titles_still_get_a_slug(
    cast, forum, consortium_page
):
    coach = cast.user("coach")
    first = _convert(forum.closed_topic, coach, consortium_page, [forum.closed_post])
    second = _convert(forum.closed_topic, coach, consortium_page, [forum.closed_post])
    odd = _convert(forum.closed_topic, coach, consortium_page, [forum.closed_post], title="?!")
    assert len({first.slug, second.slug, odd.slug}) == 3
    assert odd.slug.startswith("fallstudie-")


def test_convert_view_explains_when_there_is_no_consortium_page(client, cast, forum, home_page):
    client.force_login(cast.user("coach"))
    response = client.get(reverse("cms:convert_topic", args=[forum.closed_topic.pk]))
    assert response.status_code == 200
    assert "noch keine Verbundseite" in response.content.decode()
    assert (
        client.post(
            reverse("cms:convert_topic", args=[forum.closed_topic.pk]), {"title": "x"}
        ).status_code
        == 200
    )
    assert not LabCasePage.objects.exists()


def test_objection_leaves_an_identical_quote_of_someone_else(cast, forum, consortium_page):
    topic = forum.closed_topic
    mine = forum_services.post_reply(topic=topic, author=cast.user("member"), body="Danke!")
    theirs = forum_services.post_reply(topic=topic, author=cast.user("core_team"), body="Danke!")
    page = _convert(topic, cast.user("coach"), consortium_page, [mine, theirs])

    quote = ForumQuote.objects.get(page=page, post=mine)
    services.object_to_quote(quote=quote, user=cast.user("member"))

    speakers = [q["speaker"] for q in _quotes(_latest_body(page))]
    assert speakers == [cast.user("core_team").profile.display_name]


def test_a_failing_mail_server_does_not_undo_or_break_the_conversion(
    client, cast, discussion, consortium_page, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.mail import EmailMultiAlternatives

    def fail(self, *args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr(EmailMultiAlternatives, "send", fail)
    topic, posts = discussion
    client.force_login(cast.user("coach"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cms:convert_topic", args=[topic.pk]),
            {"title": "Titel", "town": cast.consortium.lead_town.pk, "post_ids": [posts[1].pk]},
        )
    assert response.status_code == 302
    assert LabCasePage.objects.count() == 1


# --- Quotes shown as text, objections told truthfully ----------------------------------------

MARKDOWN_POST = "Bei uns half ein **Schlüssel** – siehe [Protokoll](/forum/x/)."


@pytest.fixture
def drafted(cast, discussion, consortium_page, django_capture_on_commit_callbacks):
    """A case page drafted by the coach from the discussion, quoting a post in Markdown."""
    topic, posts = discussion
    posts[1].body = MARKDOWN_POST
    posts[1].save(update_fields=["body"])
    with django_capture_on_commit_callbacks(execute=True):
        page = _convert(topic, cast.user("coach"), consortium_page, posts[:2])
    return page, posts


def test_case_page_quote_is_rendered_not_raw_markdown(client, cast, drafted):
    page, _posts = drafted
    page.get_latest_revision().publish()
    page.refresh_from_db()
    client.force_login(cast.user("member"))
    html = client.get(page.url).content.decode()
    assert "<strong>Schlüssel</strong>" in html
    assert "**Schlüssel**" not in html and "](/forum/x/)" not in html


def test_convert_form_shows_post_excerpts_as_plain_text_not_markdown(
    client,
    cast,
    discussion,
    consortium_page,
):
    topic, posts = discussion
    posts[1].body = MARKDOWN_POST
    posts[1].save(update_fields=["body"])
    client.force_login(cast.user("coach"))
    html = client.get(reverse("cms:convert_topic", args=[topic.pk])).content.decode()
    assert "Bei uns half ein Schlüssel – siehe Protokoll." in html
    assert "**" not in html


def test_quote_notice_email_shows_plain_text_not_markdown(cast, drafted):
    core = cast.user("core_team")
    (message,) = [m for m in mail.outbox if core.email in m.to]
    assert "Bei uns half ein Schlüssel – siehe Protokoll." in message.body
    assert "**" not in message.body and "**" not in message.alternatives[0][0]


def test_objection_page_shows_the_post_rendered_not_raw_markdown(client, cast, drafted):
    page, posts = drafted
    posts[1].refresh_from_db()
    quote = ForumQuote.objects.get(page=page, post=posts[1])
    client.force_login(cast.user("core_team"))
    html = client.get(reverse("cms:quote_objection", args=[quote.pk])).content.decode()
    assert "**Schlüssel**" not in html


def test_objection_page_no_longer_says_wird_zitiert_after_the_author_objected(
    client, cast, drafted
):
    page, posts = drafted
    quote = ForumQuote.objects.get(page=page, post=posts[0])
    client.force_login(cast.user("member"))
    url = reverse("cms:quote_objection", args=[quote.pk])
    assert "wird im Entwurf" in client.get(url).content.decode()
    client.post(url)
    html = client.get(url).content.decode()
    assert "wird im Entwurf" not in html
    assert "war im Entwurf" in html
    assert "nicht zitiert" in html


def test_objection_to_a_published_page_says_the_live_version_still_shows_the_quote(
    client, cast, drafted
):
    page, posts = drafted
    page.get_latest_revision().publish()
    quote = ForumQuote.objects.get(page=page, post=posts[0])
    client.force_login(cast.user("member"))
    url = reverse("cms:quote_objection", args=[quote.pk])
    client.post(url)
    html = client.get(url).content.decode()
    assert "zeigt es noch, bis sie neu veröffentlicht wird" in html
    assert "Ihr Beitrag wird in dieser Fallstudie nicht zitiert" not in html
