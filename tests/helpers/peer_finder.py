"""A small world for the peer finder around the cast's case site and forum: case pages of both
consortia with Steckbrief facts, towns with coordinates, and lessons in every kind of space."""

from dataclasses import dataclass
from decimal import Decimal

from cms.models import Outcome, Visibility
from cms.peer_finder.search import Filters, Viewer, find
from cms.peer_finder.terms import Vocabulary, read_question
from forum import services as forum_services
from forum.models import Challenge, Format, Space
from tests.factories import TownFactory
from tests.helpers.cases import add_case_page


@dataclass
class FinderWorld:
    own_public: object  # the case site's public case page, with facts
    own_internal: object
    other_public: object
    other_internal: object
    module: object
    closed_lesson: object
    academy_lesson: object
    other_closed_lesson: object
    moelln: object
    wittenberge: object


def publish_facts(page, **facts):
    """Set Steckbrief facts (many-to-many ones too) and publish, as an editor would."""
    for name, value in facts.items():
        if name in ("challenges", "formats"):
            getattr(page, name).set(value)
        else:
            setattr(page, name, value)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def term(model, slug):
    return model.objects.get(slug=slug)


def build_finder_world(cast, forum, case_site) -> FinderWorld:
    coworking = term(Challenge, "co-working")
    vacancy = term(Challenge, "leerstand")
    survey = term(Format, "befragung")
    popup = term(Format, "pop-up-space")
    moelln = TownFactory(
        name="Mölln",
        state="SH",
        population=19_000,
        latitude=Decimal("53.62830"),
        longitude=Decimal("10.69070"),
    )
    wittenberge = TownFactory(
        name="Wittenberge",
        state="BB",
        population=16_500,
        latitude=Decimal("53.00000"),
        longitude=Decimal("11.75000"),
    )
    # The member's own town: small, in Brandenburg, near Wittenberge.
    own_town = cast.user("member").profile.town
    own_town.population, own_town.state = 9_000, "BB"
    own_town.latitude, own_town.longitude = Decimal("52.90000"), Decimal("12.00000")
    own_town.save()
    cast.consortium.towns.add(moelln)
    cast.other_consortium.towns.add(wittenberge)

    own_public = publish_facts(
        case_site.public_case,
        challenges=[coworking, vacancy],
        formats=[popup],
        outcome=Outcome.SUCCESS,
    )
    own_internal = publish_facts(
        case_site.internal_case,
        challenges=[coworking],
        formats=[survey],
        outcome=Outcome.FAILED,
        outcome_notes="Zu wenig Rücklauf auf die Befragung.",
    )
    other_public = add_case_page(
        case_site.other_consortium_page,
        town=wittenberge,
        title="Sommer der Befragung in Wittenberge",
        visibility=Visibility.PUBLIC,
        summary="Eine Befragung mit QR-Code auf Plakaten am Bahnhof.",
        publish=False,
    )
    publish_facts(other_public, challenges=[vacancy], formats=[survey], outcome=Outcome.PARTIAL)
    other_internal = publish_facts(
        case_site.other_internal_case,
        challenges=[coworking],
        formats=[survey],
        outcome=Outcome.FAILED,
        outcome_notes="Geheimes Scheitern im Nachbarverbund.",
        summary="Streng vertraulicher Co-Working-Versuch.",
    )
    module = case_site.module
    module.save_revision().publish()  # its facts follow the evidence published above

    member = cast.user("member")
    forum_services.set_lesson(topic=forum.closed_topic, user=member, value=True)
    forum_services.set_lesson(topic=forum.academy_topic, user=member, value=True)
    outsider = cast.user("outsider")
    other_space = Space.objects.get(consortium=cast.other_consortium)
    other_topic = forum_services.create_topic(
        space=other_space,
        author=outsider,
        title="Geheime Co-Working-Erkenntnis",
        body="Nur für den Nachbarverbund: Co-Working im Leerstand.",
    )
    forum_services.set_lesson(topic=other_topic, user=outsider, value=True)
    return FinderWorld(
        own_public=own_public,
        own_internal=own_internal,
        other_public=other_public,
        other_internal=other_internal,
        module=module,
        closed_lesson=forum.closed_topic,
        academy_lesson=forum.academy_topic,
        other_closed_lesson=other_topic,
        moelln=moelln,
        wittenberge=wittenberge,
    )


def search(user, text="", viewer_town=None, **filters):
    """The finder's results for ``user`` as a list (all pages), and the counts per type."""
    vocabulary = Vocabulary(
        challenges=list(Challenge.objects.all()), formats=list(Format.objects.all())
    )
    findings = find(user, read_question(text, vocabulary), Filters(**filters), Viewer(viewer_town))
    return list(findings.results[0 : len(findings.results)]), findings.counts
