"""Demo content of the case pages (cms.demo), loaded through the seed_demo command."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Revision

from cms.demo import CASES, MODULES, REPORT_CONSORTIUM, TOWN_INTROS, seed_cms_demo
from cms.models import (
    ActionModuleIndexPage,
    ActionModulePage,
    CaseDiscussion,
    CaseIndexPage,
    ConsortiumPage,
    HomePage,
    LabCasePage,
    StandardPage,
    TownPage,
    Visibility,
)
from forum.demo import ACADEMY_SPACE_SLUG
from forum.models import Consortium, Membership, Role, Topic

# Every test starts from the demo seeded once for this module (tests/conftest.py: seeded_demo).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]

PAGE_MODELS = [
    CaseIndexPage,
    ActionModuleIndexPage,
    ActionModulePage,
    ConsortiumPage,
    TownPage,
    LabCasePage,
    StandardPage,
]

EXPECTED_FORMATS = {
    "Dießen am Ammersee": {"befragung", "buergerworkshop", "task-force"},
    "Dippoldiswalde": {"befragung"},
    "Mölln": {"aktionswoche"},
    "Oestrich-Winkel": {"pop-up-space"},
    "Wittenberge": {"schnuppertag", "befragung", "betriebskonzept"},
}


def _seed() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("seed_demo", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in PAGE_MODELS}
    for model in (Page, Revision, CaseDiscussion, Topic, PageViewRestriction):
        counts[model.__name__] = model.objects.count()
    return counts


def _home() -> HomePage:
    return HomePage.objects.get()


def test_seeding_twice_creates_the_pages_once(seeded_demo):
    output = seeded_demo
    counts = _counts()

    assert counts["CaseIndexPage"] == 1
    assert counts["ActionModuleIndexPage"] == 1
    assert counts["ActionModulePage"] == len(MODULES) == 5
    assert counts["ConsortiumPage"] == Consortium.objects.count() == 2
    assert counts["TownPage"] == 5
    assert counts["LabCasePage"] == len(CASES) == 5
    assert counts["CaseDiscussion"] == 5
    assert "created    5  cms.LabCasePage" in output
    assert "created    5  cms.CaseDiscussion" in output

    output, _err = _seed()

    assert _counts() == counts
    assert "nothing created or changed" in output


def test_all_demo_pages_are_live_and_in_place():
    home = _home()
    consortium = Consortium.objects.get(slug=REPORT_CONSORTIUM)
    consortium_page = ConsortiumPage.objects.get(consortium=consortium)

    assert consortium_page.get_parent().pk == home.pk
    assert consortium_page.intro
    assert set(TownPage.objects.child_of(consortium_page).values_list("town__slug", flat=True)) == (
        set(consortium.towns.values_list("slug", flat=True))
    )
    assert set(TOWN_INTROS) == set(consortium.towns.values_list("slug", flat=True))
    assert LabCasePage.objects.child_of(consortium_page).count() == 5
    for model in PAGE_MODELS:
        assert not model.objects.filter(live=False).exists(), model.__name__
    assert not Page.objects.filter(has_unpublished_changes=True).exists()
    assert Page.find_problems() == ([], [], [], [], [])


def test_case_pages_follow_the_report():
    consortium = Consortium.objects.get(slug=REPORT_CONSORTIUM)
    pages = list(LabCasePage.objects.select_related("town", "consortium", "owner"))

    assert {
        page.town.name: {term.slug for term in page.formats.all()} for page in pages
    } == EXPECTED_FORMATS
    oestrich_winkel = next(p for p in pages if p.town.slug == "oestrich-winkel")
    assert (oestrich_winkel.period_start.isoformat(), oestrich_winkel.period_end.isoformat()) == (
        "2022-06-21",
        "2022-12-21",
    )
    for page in pages:
        assert page.consortium == consortium
        assert consortium.start <= page.period_start <= page.period_end <= consortium.end
        assert 0 < len(page.summary) <= 300
        assert page.goals
        # The town's own staff drafted it.
        assert page.owner.profile.town == page.town
        assert Membership.objects.filter(user=page.owner, consortium=consortium).exists()
        # A full Steckbrief, its contact person a consenting member of the town.
        assert page.challenges.exists()
        assert page.outcome and page.outcome_notes and page.cost_range and page.staff_effort
        assert page.partners
        assert page.contact_person == page.owner
        assert page.contact_person.profile.accepts_contact_requests
        # The published revision holds the same facts (a later publish keeps them).
        live = page.get_latest_revision_as_object()
        assert {term.slug for term in live.formats.all()} == EXPECTED_FORMATS[page.town.name]
    assert next(p for p in pages if p.town.slug == "dippoldiswalde").outcome == "failed"
    for town in consortium.towns.all():
        assert town.area_type and town.latitude and town.longitude
        assert town.challenges.exists()


def test_case_bodies_are_rich_and_valid():
    wanted = {
        "text",
        "key_figures",
        "timeline",
        "quote",
        "lessons",
        "obstacles",
        "next_steps",
        "contact",
    }
    for page in LabCasePage.objects.all():
        block = page.body.stream_block
        block.clean(page.body)  # raises ValidationError on an invalid value
        kinds = [child.block_type for child in page.body]
        assert wanted <= set(kinds), page.title
        contact = next(child.value for child in page.body if child.block_type == "contact")
        # No address: questions go through "Kontakt aufnehmen".
        assert contact["email"] == ""
        assert contact["name"] == page.owner.profile.display_name
        quote = next(child.value for child in page.body if child.block_type == "quote")
        # Quotes speak for an administration, not for an invented or real person.
        assert page.town.name in quote["speaker"]
        for child in page.body:
            if child.block_type == "timeline":
                dates = [entry["date"] for entry in child.value]
                assert dates == sorted(dates)
        assert "Demo-Inhalt" in str(page.body)


def test_exactly_one_case_page_is_internal():
    internal = LabCasePage.objects.filter(visibility=Visibility.INTERNAL)

    assert internal.count() == 1
    page = internal.get()
    assert page.town.slug == "dippoldiswalde"
    assert LabCasePage.objects.filter(visibility=Visibility.PUBLIC).count() == 4
    # Membership decides, not Wagtail restriction rows (they would slow every public() query).
    assert not PageViewRestriction.objects.exists()


def test_every_case_page_has_its_discussion_in_the_right_space():
    for page in LabCasePage.objects.select_related("consortium"):
        discussion = CaseDiscussion.objects.select_related("topic__space").get(page=page)
        space = discussion.topic.space
        if page.is_internal:
            assert space.consortium_id == page.consortium_id
        else:
            assert space.slug == ACADEMY_SPACE_SLUG
            assert space.consortium_id is None
        assert discussion.topic.author == page.owner
        assert page.title in discussion.topic.title


def test_case_index_and_action_module_index_are_in_the_menu_in_front_of_the_workshops():
    home = _home()

    assert not StandardPage.objects.filter(slug="fallstudien").exists()
    case_index = CaseIndexPage.objects.get()
    assert case_index.slug == "fallstudien"
    assert case_index.title == "Fallstudien"
    assert case_index.get_parent().pk == home.pk
    menu = Page.objects.child_of(home).live().in_menu()
    assert list(menu.values_list("slug", flat=True)) == [
        "fallstudien",
        "handlungsbausteine",
        "werkstaetten",
    ]
    assert ActionModuleIndexPage.objects.get().intro


def test_action_modules_have_evidence():
    index = ActionModuleIndexPage.objects.get()
    modules = list(ActionModulePage.objects.child_of(index))
    cited = Counter()

    assert len(modules) == 5
    for module in modules:
        evidence = list(module.evidence.all())
        assert len(evidence) >= 2, module.title
        assert module.summary and module.recommendation
        assert module.fits_town_types and module.resources_needed
        cited.update(page.slug for page in evidence)
        # The published revision carries the evidence too.
        published = module.get_latest_revision_as_object()
        assert {p.pk for p in published.evidence.all()} == {p.pk for p in evidence}
    assert set(cited) == {case.slug for case in CASES}


def test_pages_changed_or_removed_by_editors():
    page = LabCasePage.objects.get(town__slug="moelln")
    page.summary = "Von der Redaktion gekürzt."
    page.save_revision().publish()
    module = ActionModulePage.objects.first()
    module.evidence = []
    module.save_revision().publish()
    TownPage.objects.get(town__slug="wittenberge").delete()

    output, _err = _seed()

    page.refresh_from_db()
    assert page.summary == "Von der Redaktion gekürzt."
    assert not ActionModulePage.objects.get(pk=module.pk).evidence.exists()
    assert TownPage.objects.filter(town__slug="wittenberge").count() == 1
    assert "created    1  cms.TownPage" in output
    assert "cms.LabCasePage" not in output


def test_seed_cms_demo_counts_nothing_when_complete():
    created, updated = Counter(), Counter()

    seed_cms_demo(created=created, updated=updated)

    assert not created and not updated


def test_visitors_see_the_public_cases_and_members_also_the_internal_one(client):
    internal = LabCasePage.objects.get(visibility=Visibility.INTERNAL)
    public = LabCasePage.objects.filter(visibility=Visibility.PUBLIC)

    for page in public:
        assert client.get(page.url).status_code == 200
    assert client.get(internal.url).status_code != 200
    index = client.get(CaseIndexPage.objects.get().url).content.decode()
    assert all(page.title in index for page in public)
    assert internal.title not in index

    member = Membership.objects.filter(consortium=internal.consortium, role=Role.MEMBER).first()
    client.force_login(member.user)
    assert client.get(internal.url).status_code == 200
    assert internal.title in client.get(CaseIndexPage.objects.get().url).content.decode()
    for module in ActionModulePage.objects.all():
        assert client.get(module.url).status_code == 200


def test_demo_case_pages_are_published_after_their_lab_with_their_discussion():
    for page in LabCasePage.objects.all():
        discussion = CaseDiscussion.objects.select_related("topic").get(page=page)
        ended = page.period_end or page.period_start
        assert timezone.localdate(page.first_published_at) > ended, page.title
        assert discussion.topic.created_at == page.first_published_at, page.title
