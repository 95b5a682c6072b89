"""The Steckbrief of case pages and towns: what the pages show, how the case index filters by it,
who may name whom as contact person, who keeps the taxonomies in the admin, and that internal
pages' facts stay inside their consortium."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text

from cms.models import LabCasePage, LabCasePageForm, Outcome, TownPage, Visibility
from cms.privacy import contact_for_case_pages
from forum import services
from forum.models import AreaType, Challenge, Format, Profile
from forum.privacy.sections import profile as profile_section
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.cases import add_case_page
from tests.helpers.cast import ROLES, client_for

FAILED_NOTES = "Kein Geld und kein Raum für den Co-Working-Space."


def _terms(model, *slugs):
    return list(model.objects.filter(slug__in=slugs))


def _consent(user, agreed=True):
    Profile.objects.filter(user=user).update(accepts_contact_requests=agreed)


def _full_case(
    case_site, cast, *, title="Befragung mit QR-Code", visibility=Visibility.PUBLIC, **fields
):
    member = cast.user("member")
    _consent(member)
    town = member.profile.town
    town.area_type = AreaType.RURAL
    town.save()
    values = {
        "challenges": _terms(Challenge, "co-working", "pendeln"),
        "formats": _terms(Format, "befragung", "schnuppertag"),
        "outcome": Outcome.FAILED,
        "outcome_notes": FAILED_NOTES,
        "cost_range": "up_to_5k",
        "staff_effort": "medium",
        "partners": "Sportverein Musterstadt\nTH Lübeck",
        "contact_person": member,
        **fields,
    }
    return add_case_page(
        case_site.consortium_page,
        town=town,
        title=title,
        visibility=visibility,
        owner=member,
        **values,
    )


def _get(client, user, url, params=None):
    response = client_for(client, user).get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


# --- display ------------------------------------------------------------------------------------


def test_case_page_shows_its_steckbrief_with_the_town_facts(client, cast, case_site):
    page = _full_case(case_site, cast)
    member = cast.user("member")
    content = _get(client, cast.user("anonymous"), page.url)

    section = content[content.index('id="steckbrief"') :]
    section = section[: section.index("</section>")]
    for text in (
        "Handlungsfelder",
        "Co-Working, Pendeln",
        "Befragung, Schnuppertag",
        "Ergebnis",
        '<span class="outcome">gescheitert</span>',
        FAILED_NOTES,
        "1.000 bis 5.000 €",
        "mittel (10 bis 30 Personentage)",
        "<li>Sportverein Musterstadt</li>",
        "<li>TH Lübeck</li>",
        member.profile.town.get_state_display(),
        f"{member.profile.town.population:,}".replace(",", "."),
        "dünn besiedelt ländlich",
    ):
        assert text in section, text
    # The contact person is named by the contact box, to members only; never their address.
    assert member.profile.display_name not in content
    assert member.email not in content


def test_success_is_shown_exactly_like_failure(client, cast, case_site):
    page = _full_case(case_site, cast, outcome=Outcome.SUCCESS, title="Gelungen")
    content = _get(client, cast.user("anonymous"), page.url)
    assert '<span class="outcome">erfolgreich</span>' in content


def test_contact_person_disappears_when_the_consent_is_taken_back(client, cast, case_site):
    page = _full_case(case_site, cast)
    member = cast.user("member")
    services.update_profile(
        user=member,
        display_name=member.profile.display_name,
        function="",
        bio="",
        accepts_contact_requests=False,
    )
    content = _get(client, cast.user("anonymous"), page.url)
    assert "Ansprechperson" not in content
    assert member.profile.display_name not in content


def test_town_page_shows_the_town_facts_and_handlungsfelder(client, cast, case_site):
    town = cast.user("member").profile.town
    town.area_type = AreaType.SEMI_RURAL
    town.save()
    town.challenges.set(_terms(Challenge, "leerstand", "ortskern"))
    page = case_site.consortium_page.add_child(
        instance=TownPage(title=town.name, slug=town.slug, town=town)
    )
    content = _get(client, cast.user("anonymous"), page.url)
    for text in ("Raumtyp", "ländlich mit Verdichtungsansätzen", "Leerstand, Ortskern beleben"):
        assert text in content, text


def test_case_cards_show_the_outcome_and_formats(client, cast, case_site):
    _full_case(case_site, cast)
    content = _get(client, cast.user("anonymous"), case_site.case_index.url)
    card = content[content.index("Befragung mit QR-Code") :]
    card = card[: card.index("</li>")]
    assert "Ergebnis: gescheitert" in card
    assert "Befragung" in card and "Schnuppertag" in card


def test_case_page_queries_do_not_grow_with_the_steckbrief(client, cast, case_site):
    def count(page):
        client.get(page.url)  # warm Wagtail's site root cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page.url).status_code == 200
        return len(queries)

    small = _full_case(
        case_site,
        cast,
        title="Klein",
        challenges=_terms(Challenge, "pendeln"),
        formats=_terms(Format, "befragung"),
        partners="Ein Partner",
    )
    big = _full_case(
        case_site,
        cast,
        title="Groß",
        challenges=list(Challenge.objects.all()),
        formats=list(Format.objects.all()),
        partners="\n".join(f"Partner {n}" for n in range(20)),
    )
    assert count(small) == count(big)


# --- filters ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"handlungsfeld": "co-working"}, True),
        ({"handlungsfeld": "leerstand"}, False),
        ({"format": "schnuppertag"}, True),
        ({"format": "aktionswoche"}, False),
        ({"ergebnis": "failed"}, True),
        ({"ergebnis": "success"}, False),
        ({"handlungsfeld": "pendeln", "format": "befragung", "ergebnis": "failed"}, True),
    ],
)
def test_case_index_filters_by_the_steckbrief(client, cast, case_site, params, found):
    _full_case(case_site, cast)
    content = _get(client, cast.user("anonymous"), case_site.case_index.url, params)
    assert ("Befragung mit QR-Code" in content) is found
    # The other cases carry no Steckbrief and never match a Steckbrief filter.
    assert "Offenes Pop-up-Büro" not in content


def test_an_unknown_filter_value_lists_nothing_and_says_so(client, cast, case_site):
    _full_case(case_site, cast)
    content = _get(client, cast.user("anonymous"), case_site.case_index.url, {"format": "gibt-es"})
    assert "Befragung mit QR-Code" not in content
    assert "field-error" in content


@pytest.mark.parametrize("role", ROLES)
def test_internal_facts_never_reach_other_consortia(client, cast, case_site, role):
    """An internal page's Handlungsfeld and outcome do not surface on the index (not as a card,
    not as a count) for anyone who may not read the page."""
    _full_case(case_site, cast, title="Interner Fehlschlag", visibility=Visibility.INTERNAL)
    params = {"handlungsfeld": "co-working", "ergebnis": "failed"}
    content = _get(client, cast.user(role), case_site.case_index.url, params)
    sees = role in {"member", "coach", "core_team", "editor", "admin"}
    assert ("Interner Fehlschlag" in content) is sees
    assert ("1 Fallstudie" in content) is sees
    if not sees:
        assert "0 Fallstudien" in content


# --- the admin ------------------------------------------------------------------------------------


def _admin_form(parent, contact):
    form_class = LabCasePage.get_edit_handler().get_form_class()
    assert issubclass(form_class, LabCasePageForm)
    data = nested_form_data(
        {
            "title": "Neues Labor",
            "slug": "neues-labor",
            "summary": "Kurz",
            "town": parent.consortium.towns.first().pk,
            "period_start": "2022-06-21",
            "visibility": "internal",
            "goals": rich_text("Ziele"),
            "challenges": [term.pk for term in _terms(Challenge, "pendeln")],
            "formats": [term.pk for term in _terms(Format, "befragung")],
            "outcome": "partial",
            "outcome_notes": "Halb gelungen.",
            "contact_person": contact.pk if contact else "",
        }
    )
    data["body-count"] = "0"
    return form_class(data, instance=LabCasePage(), parent_page=parent, for_user=None)


@pytest.mark.parametrize(
    ("who", "valid"),
    [
        ("consenting member", True),
        ("member without consent", False),
        ("consenting outsider", False),
        ("nobody", True),
    ],
)
def test_admin_form_names_only_consenting_members_as_contact(cast, case_site, who, valid):
    member, outsider = cast.user("member"), cast.user("outsider")
    _consent(member, who == "consenting member")
    _consent(outsider, who == "consenting outsider")
    contact = {"nobody": None, "consenting outsider": outsider}.get(who, member)
    form = _admin_form(case_site.consortium_page, contact)
    assert form.is_valid() is valid, form.errors
    if not valid:
        assert "contact_person" in form.errors


def test_contact_choices_are_the_consenting_members_of_the_consortium(cast, case_site):
    consenting = UserFactory()
    MembershipFactory(user=consenting, consortium=cast.consortium)
    _consent(consenting)
    _consent(cast.user("outsider"))
    form = _admin_form(case_site.consortium_page, None)
    choices = {label for _value, label in form.fields["contact_person"].choices}
    assert consenting.profile.display_name in choices
    assert cast.user("outsider").profile.display_name not in choices
    assert cast.user("member").profile.display_name not in choices


def test_steckbrief_panel_renders_in_the_admin(client, cast, case_site):
    page = _full_case(case_site, cast)
    client.force_login(cast.user("editor"))
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    for text in ("Steckbrief", "Handlungsfelder", "Erprobte Formate", "Ansprechperson"):
        assert text in content, text


def test_editor_adds_a_handlungsfeld_in_the_admin(client, cast, home_page):
    client.force_login(cast.user("editor"))
    url = reverse("wagtailsnippets_forum_challenge:add")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"name": "Nahversorgung", "slug": "nahversorgung", "description": "", "sort_order": 9}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Challenge.objects.filter(slug="nahversorgung").exists()


@pytest.mark.parametrize("model", [Challenge, Format], ids=lambda m: m.__name__)
def test_a_term_in_use_stays_and_the_admin_says_why(client, cast, case_site, model):
    _full_case(case_site, cast)
    term = model.objects.get(slug="befragung" if model is Format else "pendeln")
    client.force_login(cast.user("editor"))
    url = reverse(f"wagtailsnippets_forum_{model._meta.model_name}:delete", args=[term.pk])
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "bleibt deshalb" in response.content.decode()
    assert model.objects.filter(pk=term.pk).exists()


def test_a_handlungsfeld_of_a_town_stays_too(cast, home_page):
    town = cast.consortium.towns.first()
    term = Challenge.objects.get(slug="leerstand")
    town.challenges.add(term)
    with pytest.raises(ValidationError, match="1 Kleinstadt"):
        services.delete_challenge(challenge=term, actor=cast.user("editor"))


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_taxonomy_services_follow_the_policy_by_role(cast, home_page, role):
    user = cast.user(role)
    may = role in {"editor", "admin"}
    term = Format(name="Stadtspaziergang", slug="stadtspaziergang")
    if not may:
        with pytest.raises(PermissionDenied):
            services.save_format(format=term, actor=user)
        existing = Format.objects.get(slug="befragung")
        with pytest.raises(PermissionDenied):
            services.delete_format(format=existing, actor=user)
        return
    services.save_format(format=term, actor=user)
    services.delete_format(format=term, actor=user)
    assert not Format.objects.filter(slug="stadtspaziergang").exists()


def test_editor_sets_town_facts_in_the_admin(client, cast, home_page):
    town = cast.consortium.towns.first()
    client.force_login(cast.user("editor"))
    url = reverse("wagtailsnippets_forum_town:edit", args=[town.pk])
    assert client.get(url).status_code == 200
    data = {
        "name": town.name,
        "slug": town.slug,
        "state": town.state,
        "population": town.population,
        "area_type": "urban",
        "latitude": "52.99944",
        "longitude": "11.75222",
        "challenges": [term.pk for term in _terms(Challenge, "co-working", "pendeln")],
        "description": town.description,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    town.refresh_from_db()
    assert town.area_type == "urban"
    assert town.latitude == Decimal("52.99944")
    assert {term.slug for term in town.challenges.all()} == {"co-working", "pendeln"}


# --- the person's consent -------------------------------------------------------------------------


def test_profile_form_asks_for_the_consent_and_keeps_it(client, cast):
    member = cast.user("member")
    client.force_login(member)
    url = reverse("forum:profile_edit")
    content = _get(client, member, url)
    assert 'name="accepts_contact_requests"' in content
    assert "Ihre E-Mail-Adresse sieht dabei niemand." in content
    data = {"display_name": "Anna Beispiel", "function": "", "bio": ""}
    client.post(url, {**data, "accepts_contact_requests": "on"})
    assert Profile.objects.get(user=member).accepts_contact_requests is True
    client.post(url, data)
    assert Profile.objects.get(user=member).accepts_contact_requests is False


def test_the_consent_and_the_pages_naming_someone_are_in_their_export(cast, case_site):
    page = _full_case(case_site, cast)
    member = cast.user("member")
    assert profile_section(member)[0]["accepts_contact_requests"] is True
    assert contact_for_case_pages(member) == [{"page_id": page.pk, "page_title": page.title}]


# --- search and feed read the same formats --------------------------------------------------------


def test_site_search_filters_case_pages_by_format(client, cast, case_site):
    _full_case(case_site, cast)
    url = reverse("cms:search")
    found = _get(client, cast.user("anonymous"), url, {"q": "Befragung", "format": "befragung"})
    assert "Befragung mit QR-Code" in found
    missed = _get(client, cast.user("anonymous"), url, {"q": "Befragung", "format": "aktionswoche"})
    assert "Befragung mit QR-Code" not in missed


def test_case_feed_names_the_formats(client, cast, case_site):
    _full_case(case_site, cast)
    content = _get(client, cast.user("anonymous"), reverse("cms:case_feed"))
    assert '<category term="Schnuppertag"' in content


def test_contact_person_disappears_when_they_leave_the_consortium(client, cast, case_site):
    page = _full_case(case_site, cast)
    member = cast.user("member")
    member.memberships.all().delete()
    content = _get(client, cast.user("anonymous"), page.url)
    assert member.profile.display_name not in content
