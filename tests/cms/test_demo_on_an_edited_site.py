"""seed_demo on a site editors changed before it ran: their pages and texts stay, plain menu
placeholders give way to the demo's overview pages. Each test seeds its own database."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Page

from cms.models import ActionModulePage, CaseIndexPage, HomePage, LabCasePage, StandardPage


def _seed() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("seed_demo", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _home() -> HomePage:
    return HomePage.objects.get()


@pytest.mark.django_db
def test_edited_home_page_is_not_overwritten():
    home = HomePage.objects.get()
    home.intro = "Eigene Einleitung"
    home.save()

    _seed()

    home.refresh_from_db()
    assert home.intro == "Eigene Einleitung"


@pytest.mark.django_db
def test_the_old_menu_placeholder_is_replaced_in_its_place():
    """A database seeded before the case pages existed has a plain text page "fallstudien"."""
    home = _home()
    home.add_child(
        instance=StandardPage(
            title="Fallstudien", slug="fallstudien", body="<p>Platzhalter</p>", show_in_menus=True
        )
    )

    output, _err = _seed()

    assert not StandardPage.objects.filter(slug="fallstudien").exists()
    assert CaseIndexPage.objects.get().slug == "fallstudien"
    slugs = list(Page.objects.child_of(home).in_menu().values_list("slug", flat=True))
    assert slugs == ["fallstudien", "handlungsbausteine", "werkstaetten"]
    assert "cms.StandardPage (Platzhalter ersetzt)" in output
    assert Page.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_a_placeholder_that_editors_extended_is_kept():
    home = _home()
    placeholder = home.add_child(
        instance=StandardPage(title="Fallstudien", slug="fallstudien", show_in_menus=True)
    )
    placeholder.add_child(instance=StandardPage(title="Eigene Unterseite", slug="eigene"))

    _output, err = _seed()

    assert StandardPage.objects.filter(slug="fallstudien").exists()
    assert StandardPage.objects.filter(slug="eigene").exists()
    assert not CaseIndexPage.objects.exists()
    assert "fallstudien" in err
    # Everything else is still seeded.
    assert LabCasePage.objects.count() == 5
    assert ActionModulePage.objects.count() == 5
