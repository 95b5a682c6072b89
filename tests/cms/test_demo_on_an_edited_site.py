"""seed_demo on a site editors changed before it ran: their pages and texts stay, plain menu
placeholders give way to the demo's overview pages. Each test seeds its own database."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Page

from cms.models import (
    AccessibilityPage,
    ActionModulePage,
    CaseIndexPage,
    HomePage,
    ImprintPage,
    LabCasePage,
    PrivacyPage,
    StandardPage,
)


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


OLD_DEMO_IMPRINT = (
    "<p><b>Hinweis:</b> Dies ist eine Demo-Installation der Plattform. Der folgende Text ist ein "
    "Platzhalter und muss vor einem öffentlichen Betrieb durch einen geprüften Text ersetzt "
    "werden.</p><h2>Angaben zur Betreiberin</h2>"
)


@pytest.mark.django_db
def test_the_old_demo_legal_placeholder_gives_way_to_the_legal_page_type():
    _home().add_child(
        instance=StandardPage(
            title="Impressum", slug="impressum", body=OLD_DEMO_IMPRINT, show_in_footer=True
        )
    )

    output, _err = _seed()

    assert not StandardPage.objects.filter(slug="impressum").exists()
    imprint = ImprintPage.objects.get()
    assert imprint.slug == "impressum" and imprint.live
    assert "Beispielangaben" in imprint.intro
    assert "cms.StandardPage (Platzhalter ersetzt)" in output


@pytest.mark.django_db
def test_a_legal_text_that_editors_wrote_is_kept():
    _home().add_child(
        instance=StandardPage(
            title="Impressum", slug="impressum", body="<p>Unser echtes Impressum</p>"
        )
    )

    _output, err = _seed()

    assert StandardPage.objects.get(slug="impressum").body == "<p>Unser echtes Impressum</p>"
    assert not ImprintPage.objects.exists()
    assert "impressum" in err
    # The other legal pages are still created.
    assert PrivacyPage.objects.live().count() == AccessibilityPage.objects.live().count() == 1
