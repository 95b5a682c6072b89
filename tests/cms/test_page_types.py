"""Page types: where each may be created, what it requires, how it renders."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import (
    ActionModuleIndexPage,
    ActionModulePage,
    CaseIndexPage,
    ConsortiumPage,
    HomePage,
    LabCasePage,
    LabCasePageForm,
    StandardPage,
    TownPage,
)
from tests.helpers.cases import add_case_page
from tests.helpers.cast import client_for


@pytest.mark.parametrize(
    ("child", "parent", "allowed"),
    [
        (CaseIndexPage, HomePage, True),
        (ActionModuleIndexPage, HomePage, True),
        (ConsortiumPage, HomePage, True),
        (StandardPage, HomePage, True),
        (LabCasePage, ConsortiumPage, True),
        (TownPage, ConsortiumPage, True),
        (ActionModulePage, ActionModuleIndexPage, True),
        (LabCasePage, HomePage, False),
        (LabCasePage, CaseIndexPage, False),
        (TownPage, HomePage, False),
        (ActionModulePage, HomePage, False),
        (ConsortiumPage, ConsortiumPage, False),
        (CaseIndexPage, CaseIndexPage, False),
        (LabCasePage, LabCasePage, False),
    ],
)
def test_creation_rules(child, parent, allowed):
    assert (child in parent.allowed_subpage_models()) is allowed
    assert (parent in child.allowed_parent_page_models()) is allowed


def test_only_one_case_index_and_module_index(home_page):
    home_page.add_child(instance=CaseIndexPage(title="Fallstudien", slug="fallstudien"))
    home_page.add_child(instance=ActionModuleIndexPage(title="Bausteine", slug="bausteine"))
    assert not CaseIndexPage.can_create_at(home_page)
    assert not ActionModuleIndexPage.can_create_at(home_page)


def test_case_page_requires_its_key_facts(case_site, cast):
    page = LabCasePage(title="Ohne Angaben", slug="ohne-angaben", consortium=cast.consortium)
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    for field in ("town", "period_start", "summary", "goals"):
        assert field in error.value.message_dict


def test_case_page_period_must_not_end_before_it_starts(case_site, cast):
    page = case_site.public_case
    page.period_end = date(2020, 1, 1)
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "period_end" in error.value.message_dict


def _admin_form(parent, data):
    form_class = LabCasePage.get_edit_handler().get_form_class()
    assert issubclass(form_class, LabCasePageForm)
    return form_class(data, instance=LabCasePage(), parent_page=parent, for_user=None)


def _form_data(town, **extra):
    return nested_form_data(
        {
            "title": "Neues Labor",
            "slug": "neues-labor",
            "summary": "Kurz",
            "town": town.pk,
            "period_start": "2022-06-21",
            "visibility": "internal",
            "goals": rich_text("Ziele"),
            "body": streamfield(
                [("image", {"image": "", "alt_text": "", "caption": "", "credit": ""})]
            ),
            **extra,
        }
    )


def test_admin_form_takes_the_consortium_from_the_parent_and_checks_the_town(cast, case_site):
    parent = case_site.consortium_page
    foreign_town = cast.other_consortium.towns.first()
    form = _admin_form(parent, _form_data(foreign_town))
    assert not form.is_valid()
    assert "town" in form.errors


def test_image_block_requires_alt_text_and_credit(cast, case_site):
    form = _admin_form(case_site.consortium_page, _form_data(cast.consortium.towns.first()))
    assert not form.is_valid()
    assert "body" in form.errors


def test_admin_form_accepts_a_complete_case(cast, case_site):
    data = _form_data(cast.consortium.towns.first())
    data = {key: value for key, value in data.items() if not key.startswith("body-0")}
    data["body-count"] = "0"
    form = _admin_form(case_site.consortium_page, data)
    assert form.is_valid(), form.errors
    assert form.instance.consortium_id == cast.consortium.pk


def test_case_page_renders_every_block(client, cast, case_site):
    member = cast.user("member")
    page = add_case_page(
        case_site.consortium_page,
        town=member.profile.town,
        title="Alles drin",
        visibility="public",
        owner=member,
        period_end=date(2022, 12, 21),
        body=[
            ("text", "<p>Ein Absatz</p>"),
            ("quote", {"text": "Es hat sich gelohnt.", "speaker": "Stadtverwaltung"}),
            ("key_figures", [{"value": "7", "label": "Arbeitsplätze"}]),
            ("timeline", [{"date": date(2022, 6, 21), "event": "Eröffnung"}]),
            ("lessons", ["Früh einladen"]),
            ("obstacles", ["Wenig Nachfrage im Winter"]),
            ("next_steps", ["Dauerhafter Standort"]),
            ("contact", {"name": "Anna Berger", "email": "anna@example.org"}),
        ],
    )
    content = client_for(client, cast.user("anonymous")).get(page.url).content.decode()
    for text in (
        "Alles drin",
        "Ein Absatz",
        "Es hat sich gelohnt.",
        "Arbeitsplätze",
        "Eröffnung",
        "Früh einladen",
        "Wenig Nachfrage im Winter",
        "Dauerhafter Standort",
        "mailto:anna@example.org",
        "21. Dezember 2022",
        "Erkenntnisse",
        "Hürden",
        "Nächste Schritte",
    ):
        assert text in content, text
    # Anonymous visitors learn that there is a discussion, not what is said in it.
    assert "Anmelden und mitdiskutieren" in content


def test_case_page_shows_latest_replies_to_readers(client, cast, case_site):
    from cms.models import CaseDiscussion
    from forum.services import post_reply

    topic = CaseDiscussion.objects.get(page=case_site.public_case).topic
    post_reply(topic=topic, author=cast.user("coach"), body="Sehr hilfreich für uns!")
    member_view = client_for(client, cast.user("outsider")).get(case_site.public_case.url)
    assert "Sehr hilfreich für uns!" in member_view.content.decode()
    assert "Mitdiskutieren" in member_view.content.decode()
    client.logout()
    anonymous_view = client.get(case_site.public_case.url).content.decode()
    assert "Sehr hilfreich für uns!" not in anonymous_view


def test_consortium_town_and_module_pages_render(client, cast, case_site):
    town = cast.user("member").profile.town
    town_page = case_site.consortium_page.add_child(
        instance=TownPage(title=town.name, slug="stadt", town=town, intro="<p>Kleine Stadt</p>")
    )
    content = client.get(case_site.consortium_page.url).content.decode()
    assert cast.consortium.theme in content
    assert town_page.url in content
    town_content = client.get(town_page.url).content.decode()
    assert case_site.public_case.title in town_content
    assert case_site.internal_case.title not in town_content
    module_index = client.get(case_site.module_index.url).content.decode()
    assert case_site.module.title in module_index
