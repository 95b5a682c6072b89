"""A small site: the cast's consortium page with one public and one internal case page."""

from dataclasses import dataclass
from datetime import date

import pytest

from cms import services
from cms.models import (
    ActionModuleIndexPage,
    ActionModulePage,
    CaseIndexPage,
    LabCasePage,
    LabFormat,
    Visibility,
)
from forum.models import Space


def add_case_page(parent, *, town, title, visibility, owner=None, publish=True, **fields):
    page = LabCasePage(
        title=title,
        town=town,
        consortium_id=parent.consortium_id,
        visibility=visibility,
        lab_format=fields.pop("lab_format", LabFormat.COWORKING),
        period_start=fields.pop("period_start", date(2022, 6, 21)),
        summary=fields.pop("summary", f"Kurzfassung {title}"),
        goals=fields.pop("goals", "<p>Ziele</p>"),
        owner=owner,
        **fields,
    )
    parent.add_child(instance=page)
    revision = page.save_revision(user=owner)
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page


@dataclass
class CaseSite:
    consortium_page: object
    other_consortium_page: object
    case_index: object
    module_index: object
    public_case: object
    internal_case: object
    other_internal_case: object
    module: object


@pytest.fixture
def case_site(cast, home_page) -> CaseSite:
    Space.objects.get_or_create(
        slug="erfahrungsaustausch", defaults={"name": "Forum für Erfahrungsaustausch"}
    )
    consortium_page = services.create_consortium_page(consortium=cast.consortium, parent=home_page)
    other_page = services.create_consortium_page(consortium=cast.other_consortium, parent=home_page)
    case_index = home_page.add_child(
        instance=CaseIndexPage(title="Fallstudien", slug="fallstudien")
    )
    module_index = home_page.add_child(
        instance=ActionModuleIndexPage(title="Handlungsbausteine", slug="handlungsbausteine")
    )
    member = cast.user("member")
    town = member.profile.town
    public_case = add_case_page(
        consortium_page,
        town=town,
        title="Offenes Pop-up-Büro",
        visibility=Visibility.PUBLIC,
        owner=member,
        summary="Sieben Arbeitsplätze auf Zeit im Ortskern.",
    )
    internal_case = add_case_page(
        consortium_page,
        town=town,
        title="Vertrauliche Bilanz Heimarbeit",
        visibility=Visibility.INTERNAL,
        owner=member,
        lab_format=LabFormat.CITIZEN_SURVEY,
        summary="Was bei der Umfrage schiefging.",
    )
    outsider = cast.user("outsider")
    other_internal = add_case_page(
        other_page,
        town=cast.other_consortium.towns.first(),
        title="Fremdes Internes Labor",
        visibility=Visibility.INTERNAL,
        owner=outsider,
    )
    module = module_index.add_child(
        instance=ActionModulePage(
            title="Ankerperson vor Ort",
            summary="Eine Person, die den Raum belebt.",
            recommendation="<p>Früh klären, wer da ist.</p>",
            fits_town_types="Kleinstädte mit Leerstand",
            resources_needed="Eine halbe Stelle",
        )
    )
    module.evidence.set([public_case, internal_case])
    module.save_revision().publish()
    return CaseSite(
        consortium_page=consortium_page,
        other_consortium_page=other_page,
        case_index=case_index,
        module_index=module_index,
        public_case=public_case,
        internal_case=internal_case,
        other_internal_case=other_internal,
        module=module,
    )
