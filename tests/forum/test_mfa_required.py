"""Every page that needs two-factor login sends a coach without it to set it up: the same
redirect and the same message everywhere, and nothing is changed on the way."""

from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from forum import services
from forum.models import Invitation, Membership, Post, Report, Role, Topic
from tests.factories import MembershipFactory, UserFactory

MFA_MESSAGE = (
    "Bitte richten Sie zuerst die Zwei-Faktor-Anmeldung ein. Erst dann können Sie "
    "moderieren, einladen oder Mitglieder entfernen."
)


@pytest.fixture
def coach_without_mfa(cast):
    coach = UserFactory()
    MembershipFactory(user=coach, consortium=cast.consortium, role=Role.COACH)
    return coach


@pytest.fixture
def targets(cast, forum):
    """One object for each page that needs two-factor login."""
    invitation = services.invite_member(
        consortium=cast.consortium,
        inviter=cast.user("coach"),
        email="neu@example.org",
        role=Role.MEMBER,
        town=cast.consortium.lead_town,
    ).invitation
    report = services.report_post(
        post=forum.closed_post, reporter=cast.user("member"), reason="Bitte prüfen"
    )
    membership = Membership.objects.get(user=cast.user("member"), consortium=cast.consortium)
    slug = cast.consortium.slug
    return {
        "invitations": ("get", reverse("forum:invitations", kwargs={"slug": slug})),
        "invitations_post": ("post", reverse("forum:invitations", kwargs={"slug": slug})),
        "invitation_resend": (
            "post",
            reverse("forum:invitation_resend", kwargs={"slug": slug, "pk": invitation.pk}),
        ),
        "invitation_revoke": (
            "post",
            reverse("forum:invitation_revoke", kwargs={"slug": slug, "pk": invitation.pk}),
        ),
        "member_remove": (
            "post",
            reverse("forum:member_remove", kwargs={"slug": slug, "pk": membership.pk}),
        ),
        "post_hide": ("get", reverse("forum:post_hide", kwargs={"pk": forum.closed_post.pk})),
        "post_hide_post": (
            "post",
            reverse("forum:post_hide", kwargs={"pk": forum.closed_post.pk}),
        ),
        "post_restore": (
            "post",
            reverse("forum:post_restore", kwargs={"pk": forum.closed_post.pk}),
        ),
        "topic_flag": (
            "post",
            reverse("forum:topic_flag", kwargs={"pk": forum.closed_topic.pk, "action": "sperren"}),
        ),
        "topic_move": ("get", reverse("forum:topic_move", kwargs={"pk": forum.closed_topic.pk})),
        "reports": ("get", reverse("forum:reports", kwargs={"slug": forum.closed.slug})),
        "report_handle": ("post", reverse("forum:report_handle", kwargs={"pk": report.pk})),
    }


PAGES = [
    "invitations",
    "invitations_post",
    "invitation_resend",
    "invitation_revoke",
    "member_remove",
    "post_hide",
    "post_hide_post",
    "post_restore",
    "topic_flag",
    "topic_move",
    "reports",
    "report_handle",
]


@pytest.mark.parametrize("page", PAGES)
def test_coach_without_mfa_is_sent_to_set_it_up_with_a_message(
    client, coach_without_mfa, targets, page
):
    method, url = targets[page]
    client.force_login(coach_without_mfa)
    data = {"reason": "Grund", "email": "x@example.org", "role": "member"}
    if method == "post":
        # After the setup a form's address would answer GET with 405: back to the form's page.
        form_page = "/forum/bereiche/irgendwo/?seite=2"
        response = client.post(url, data, HTTP_REFERER="http://testserver" + form_page)
        back_to = form_page
    else:
        response = client.get(url)
        back_to = url
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp") + "?" + urlencode(
        {"next": back_to}, safe="/"
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [MFA_MESSAGE]


@pytest.mark.parametrize(
    "referer", [None, "https://elsewhere.example/forum/", "javascript:alert(1)"]
)
def test_a_form_sent_from_elsewhere_or_without_referer_leads_home_after_setup(
    client, coach_without_mfa, targets, referer
):
    _method, url = targets["report_handle"]
    client.force_login(coach_without_mfa)
    extra = {"HTTP_REFERER": referer} if referer else {}
    response = client.post(url, {"reason": "Grund"}, **extra)
    assert response.url == reverse("mfa_activate_totp") + "?" + urlencode({"next": "/"}, safe="/")


def test_the_redirect_keeps_the_query_string(client, coach_without_mfa, forum):
    client.force_login(coach_without_mfa)
    url = reverse("forum:reports", kwargs={"slug": forum.closed.slug}) + "?seite=2"
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp") + "?" + urlencode({"next": url}, safe="/")


def test_nothing_changes_on_the_way_to_mfa_setup(client, cast, forum, coach_without_mfa, targets):
    client.force_login(coach_without_mfa)
    for page in PAGES:
        method, url = targets[page]
        if method == "post":
            client.post(url, {"reason": "Grund", "email": "x@example.org", "role": "member"})
    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 1
    assert Membership.objects.filter(user=cast.user("member")).exists()
    assert Post.objects.get(pk=forum.closed_post.pk).hidden_at is None
    assert not Topic.objects.get(pk=forum.closed_topic.pk).is_locked
    assert Report.objects.get().handled_at is None


def test_a_coach_with_mfa_is_not_redirected(client, cast, forum):
    client.force_login(cast.user("coach"))
    response = client.get(reverse("forum:topic_move", kwargs={"pk": forum.closed_topic.pk}))
    assert response.status_code == 200


def test_a_member_gets_403_not_the_mfa_redirect(client, cast, forum):
    client.force_login(cast.user("member"))
    response = client.get(reverse("forum:topic_move", kwargs={"pk": forum.closed_topic.pk}))
    assert response.status_code == 403
