"""'Kontakt aufnehmen': a member asks a case page's contact person through the platform; the
contact answers (a private conversation begins), declines or blocks. Who may ask, the limits,
the notices and emails, and that no email address leaves anybody's account."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cms import services
from cms.models import ContactRequest, LabCasePage
from forum import rules as policy
from forum.models import (
    ContactBlock,
    Conversation,
    Notification,
    NotificationKind,
    Role,
)
from forum.privacy import export
from forum.privacy.retention import apply_retention
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.cast import ROLES, client_for

QUESTION = "Wie habt ihr die Vermieter im Leerstand überzeugt?"


def _consenting_member(consortium, town=None, **profile):
    user = UserFactory(profile__town=town, **profile)
    MembershipFactory(user=user, consortium=consortium, role=Role.MEMBER)
    user.profile.accepts_contact_requests = True
    user.profile.save()
    return user


@pytest.fixture
def contacts(cast, case_site):
    """A consenting contact on the consortium's pages, another on the other consortium's."""
    own = _consenting_member(cast.consortium, cast.user("member").profile.town)
    other = _consenting_member(cast.other_consortium)
    LabCasePage.objects.filter(
        pk__in=[case_site.public_case.pk, case_site.internal_case.pk]
    ).update(contact_person=own)
    LabCasePage.objects.filter(pk=case_site.other_internal_case.pk).update(contact_person=other)
    return {"own": own, "other": other}


def _page(case_site, which):
    page = {
        "public": case_site.public_case,
        "internal": case_site.internal_case,
        "other_internal": case_site.other_internal_case,
    }[which]
    return LabCasePage.objects.select_related("contact_person__profile").get(pk=page.pk)


def _ask_url(page):
    return reverse("cms:contact_ask", kwargs={"page_id": page.pk})


# Who may ask, stated independently of the rules: members of any consortium (any role) who
# read the page. Editors and admins without a membership may not; nobody asks an unreadable page.
MAY_ASK = {
    "public": {"outsider", "member", "coach", "core_team"},
    "internal": {"member", "coach", "core_team"},
    "other_internal": {"outsider"},
}
MAY_READ = {
    "public": set(ROLES),
    "internal": {"member", "coach", "core_team", "editor", "admin"},
    "other_internal": {"outsider", "editor", "admin"},
}


@pytest.mark.parametrize("which", ["public", "internal", "other_internal"])
@pytest.mark.parametrize("role", ROLES)
def test_ask_permission_matrix(client, cast, case_site, contacts, role, which):
    """Role × public/internal × own/other consortium: the rule, the form's status and whether
    a question is stored agree."""
    user = cast.user(role)
    page = _page(case_site, which)
    allowed = role in MAY_ASK[which]
    assert policy.allowed(user, "cms.ask_contact_person", page) is allowed
    client_for(client, user)
    response = client.get(_ask_url(page))
    if role == "anonymous":
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    elif role not in MAY_READ[which]:
        assert response.status_code == 404
    else:
        assert response.status_code == (200 if allowed else 403)
    response = client.post(_ask_url(page), {"question": QUESTION})
    assert ContactRequest.objects.filter(page=page).exists() is allowed
    if allowed:
        assert response.status_code == 302


def test_contact_who_withdrew_consent_is_not_asked(client, cast, case_site, contacts):
    contacts["own"].profile.accepts_contact_requests = False
    contacts["own"].profile.save()
    member = cast.user("member")
    page = _page(case_site, "public")
    assert not policy.allowed(member, "cms.ask_contact_person", page)
    client.force_login(member)
    response = client.post(_ask_url(page), {"question": QUESTION})
    assert response.status_code == 403
    assert "nimmt derzeit keine Anfragen an" in response.content.decode()
    # What was typed is shown again, not lost.
    assert QUESTION in response.content.decode()
    assert not ContactRequest.objects.exists()
    # Without the consent the page has no contact box at all (and names nobody).
    page_html = client.get(case_site.public_case.url).content.decode()
    assert 'id="kontakt"' not in page_html
    assert contacts["own"].profile.display_name not in page_html


def test_contact_who_left_the_consortium_or_was_deactivated_is_not_asked(cast, case_site, contacts):
    member = cast.user("member")
    contact = contacts["own"]
    contact.memberships.all().delete()
    policy.forget_consortium_roles(contact)
    assert not policy.allowed(member, "cms.ask_contact_person", _page(case_site, "public"))
    MembershipFactory(user=contact, consortium=cast.consortium)
    contact.is_active = False
    contact.save()
    assert not policy.allowed(member, "cms.ask_contact_person", _page(case_site, "public"))


def test_contact_person_does_not_ask_themselves(client, case_site, contacts):
    client.force_login(contacts["own"])
    response = client.get(_ask_url(case_site.public_case))
    assert response.status_code == 403
    assert "Sie sind selbst die Ansprechperson" in response.content.decode()


def test_asking_tells_the_contact_name_town_page_and_question_but_no_address(
    client, cast, case_site, contacts, django_capture_on_commit_callbacks
):
    member, contact = cast.user("member"), contacts["own"]
    client.force_login(member)
    form = client.get(_ask_url(case_site.public_case)).content.decode()
    town = member.profile.town.name
    assert member.profile.display_name in form and town in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_ask_url(case_site.public_case), {"question": QUESTION})
    assert response.status_code == 302
    notice = Notification.objects.get(kind=NotificationKind.CONTACT_REQUEST)
    assert notice.recipient == contact
    assert member.profile.display_name in notice.title and town in notice.title
    assert case_site.public_case.title in notice.title
    assert notice.excerpt == QUESTION
    (email,) = mail.outbox
    assert email.to == [contact.email]
    body = email.body + email.alternatives[0][0]
    for text in (member.profile.display_name, town, case_site.public_case.title, QUESTION):
        assert text in email.subject + body
    assert member.email not in email.subject + body
    assert contact.email not in email.subject + body


def test_one_open_question_per_page_keeps_the_typed_text(client, cast, case_site, contacts):
    client.force_login(cast.user("member"))
    client.post(_ask_url(case_site.public_case), {"question": QUESTION})
    response = client.post(_ask_url(case_site.public_case), {"question": "Noch eine Frage?"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "schon eine Frage gestellt" in html
    assert "Noch eine Frage?" in html
    assert ContactRequest.objects.count() == 1
    # The case page says it is waiting.
    page_html = client.get(case_site.public_case.url).content.decode()
    assert "wartet auf eine Antwort" in page_html


@override_settings(CONTACT_REQUESTS_PER_DAY=1)
def test_questions_per_day_are_limited(client, cast, case_site, contacts):
    client.force_login(cast.user("member"))
    assert client.post(_ask_url(case_site.public_case), {"question": QUESTION}).status_code == 302
    response = client.post(_ask_url(case_site.internal_case), {"question": "Zweite Frage"})
    assert response.status_code == 400
    assert "in den letzten 24 Stunden schon 1 Fragen" in response.content.decode()
    assert "Zweite Frage" in response.content.decode()
    ContactRequest.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    response = client.post(_ask_url(case_site.internal_case), {"question": "Zweite Frage"})
    assert response.status_code == 302


@pytest.mark.parametrize("question", ["", "   ", "\u200b\u200b", "x" * 1501])
def test_a_bad_question_gets_a_german_error(client, cast, case_site, contacts, question):
    client.force_login(cast.user("member"))
    response = client.post(_ask_url(case_site.public_case), {"question": question})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not ContactRequest.objects.exists()


def _asked(run, cast, case_site, page=None):
    return run(
        services.ask_contact_person,
        page=_page(case_site, "public") if page is None else page,
        asker=cast.user("member"),
        question=QUESTION,
    )


def test_answer_opens_the_conversation_and_tells_the_asker(
    client, cast, case_site, contacts, run, django_capture_on_commit_callbacks
):
    request = _asked(run, cast, case_site)
    mail.outbox.clear()
    contact, member = contacts["own"], cast.user("member")
    client.force_login(contact)
    listing = client.get(reverse("cms:contact_requests")).content.decode()
    assert QUESTION in listing and member.profile.display_name in listing
    url = reverse("cms:contact_answer", kwargs={"pk": request.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {f"a{request.pk}-answer": "Mit einem Mietvertrag auf Zeit."})
    request.refresh_from_db()
    assert request.state == ContactRequest.State.ANSWERED
    conversation = request.conversation
    assert response["Location"] == conversation.get_absolute_url()
    bodies = list(conversation.messages.values_list("author_id", "body"))
    assert bodies == [(member.pk, QUESTION), (contact.pk, "Mit einem Mietvertrag auf Zeit.")]
    notice = Notification.objects.get(kind=NotificationKind.CONTACT_ANSWERED)
    assert notice.recipient == member and notice.url == conversation.get_absolute_url()
    (email,) = mail.outbox
    assert email.to == [member.email]
    assert contact.email not in email.body + email.alternatives[0][0]
    # Answered once: a second answer is refused with a message, not a 500.
    response = client.post(url, {f"a{request.pk}-answer": "Nochmal"})
    assert response.status_code == 400


def test_an_empty_answer_keeps_the_request_open(client, case_site, cast, contacts, run):
    request = _asked(run, cast, case_site)
    client.force_login(contacts["own"])
    url = reverse("cms:contact_answer", kwargs={"pk": request.pk})
    response = client.post(url, {f"a{request.pk}-answer": "  "})
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.is_open and not Conversation.objects.exists()


def test_decline_with_a_reason_tells_the_asker(
    client, cast, case_site, contacts, run, django_capture_on_commit_callbacks
):
    request = _asked(run, cast, case_site)
    mail.outbox.clear()
    client.force_login(contacts["own"])
    url = reverse("cms:contact_decline", kwargs={"pk": request.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {f"d{request.pk}-reason": "Ich bin bis Juni in Elternzeit."})
    request.refresh_from_db()
    assert request.state == ContactRequest.State.DECLINED
    notice = Notification.objects.get(kind=NotificationKind.CONTACT_ANSWERED)
    assert notice.recipient == cast.user("member")
    assert "abgelehnt" in notice.title and notice.excerpt == "Ich bin bis Juni in Elternzeit."
    assert len(mail.outbox) == 1
    client.force_login(cast.user("member"))
    mine = client.get(reverse("cms:contact_requests")).content.decode()
    assert "Ich bin bis Juni in Elternzeit." in mine
    # Declined: a new question about the page may be asked again.
    assert _asked(run, cast, case_site).is_open


def test_decline_and_block_stops_further_questions_until_unblocked(
    client, cast, case_site, contacts, run
):
    request = _asked(run, cast, case_site)
    second = _asked(run, cast, case_site, page=_page(case_site, "internal"))
    contact, member = contacts["own"], cast.user("member")
    client.force_login(contact)
    url = reverse("cms:contact_decline", kwargs={"pk": request.pk})
    client.post(url, {f"d{request.pk}-block": "on"})
    second.refresh_from_db()
    assert second.state == ContactRequest.State.DECLINED
    block = ContactBlock.objects.get(blocker=contact, blocked=member)
    member = type(member).objects.get(pk=member.pk)  # as a new request loads them
    page = _page(case_site, "public")
    assert not policy.allowed(member, "cms.ask_contact_person", page)
    client.force_login(member)
    assert client.post(_ask_url(page), {"question": QUESTION}).status_code == 403
    # Unblocking, on the contact's settings page.
    client.force_login(contact)
    blocked = client.get(reverse("forum:blocked_people")).content.decode()
    assert member.profile.display_name in blocked
    client.post(reverse("forum:unblock", kwargs={"pk": block.pk}))
    assert not ContactBlock.objects.exists()
    member = type(member).objects.get(pk=member.pk)
    assert policy.allowed(member, "cms.ask_contact_person", _page(case_site, "public"))


@pytest.mark.parametrize("role", ["member", "outsider", "coach", "admin"])
def test_only_the_contact_answers_or_declines(client, cast, case_site, contacts, run, role):
    """Nobody else answers or declines a question, admins included: 404, nothing changes."""
    request = _asked(run, cast, case_site)
    client.force_login(cast.user(role))
    for name, data in (
        ("cms:contact_answer", {f"a{request.pk}-answer": "Antwort"}),
        ("cms:contact_decline", {f"d{request.pk}-reason": ""}),
    ):
        response = client.post(reverse(name, kwargs={"pk": request.pk}), data)
        assert response.status_code == 404
    request.refresh_from_db()
    assert request.is_open


def test_no_email_address_appears_in_any_page_of_the_flow(client, cast, case_site, contacts, run):
    member, contact = cast.user("member"), contacts["own"]
    request = _asked(run, cast, case_site)
    run(
        services.answer_contact_request,
        contact_request=request,
        contact=contact,
        answer="Gern, rufen Sie an!",
    )
    request.refresh_from_db()
    conversation_url = request.conversation.get_absolute_url()
    addresses = [member.email, contact.email]
    for user, urls in (
        (member, [case_site.public_case.url, _ask_url(case_site.internal_case)]),
        (member, [reverse("cms:contact_requests"), conversation_url]),
        (member, [reverse("forum:conversations"), reverse("forum:notifications")]),
        (contact, [reverse("cms:contact_requests"), conversation_url]),
        (contact, [reverse("forum:conversations"), reverse("forum:notifications")]),
    ):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            for address in addresses:
                assert address not in html, (url, address)


def test_the_case_page_names_the_contact_to_members_only(client, cast, case_site, contacts):
    name = contacts["own"].profile.display_name
    anonymous = client.get(case_site.public_case.url).content.decode()
    assert "Anmelden und Kontakt aufnehmen" in anonymous and name not in anonymous
    client.force_login(cast.user("outsider"))
    html = client.get(case_site.public_case.url).content.decode()
    assert name in html and _ask_url(case_site.public_case) in html


def test_retention_removes_old_declined_and_unanswered_questions(cast, case_site, contacts, run):
    old = timezone.now() - timedelta(days=181)
    declined = _asked(run, cast, case_site)
    run(services.decline_contact_request, contact_request=declined, contact=contacts["own"])
    unanswered = _asked(run, cast, case_site, page=_page(case_site, "internal"))
    answered = ContactRequest.objects.create(
        asker=cast.user("coach"),
        contact_person=contacts["own"],
        page=case_site.public_case,
        page_title="x",
        question="y",
        state=ContactRequest.State.ANSWERED,
    )
    ContactRequest.objects.update(created_at=old)
    fresh = _asked(run, cast, case_site)
    assert apply_retention()["contact_requests"] == 2
    remaining = set(ContactRequest.objects.values_list("pk", flat=True))
    assert remaining == {answered.pk, fresh.pk}
    assert declined.pk not in remaining and unanswered.pk not in remaining


def test_export_holds_questions_asked_and_received(cast, case_site, contacts, run):
    from cms.privacy import contact_requests_made, contact_requests_received

    _asked(run, cast, case_site)
    (made,) = contact_requests_made(cast.user("member"))
    (received,) = contact_requests_received(contacts["own"])
    assert made["question"] == received["question"] == QUESTION
    assert made["state"] == "open"
    documented = {section.name: set(section.keys) for section in export.sections()}
    assert set(made) == documented["kontaktanfragen_gestellt"]
    assert set(received) == documented["kontaktanfragen_erhalten"]
