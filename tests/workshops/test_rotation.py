"""Rotation: which towns of the consortium have hosted, which not yet, who is next."""

from forum.models import Town
from tests.helpers.workshops import make_workshop
from workshops import selectors
from workshops.forms import WorkshopForm


def test_rotation_lists_only_the_consortiums_towns_and_suggests_the_next(cast):
    own = set(cast.consortium.towns.values_list("pk", flat=True))
    assert Town.objects.exclude(pk__in=own).exists()  # the other consortium's towns exist
    rotation = selectors.rotation(cast.consortium)
    assert {town.pk for town in rotation.not_yet} == own
    assert rotation.next_host is not None and rotation.next_host.pk != cast.consortium.lead_town_id

    workshop = make_workshop(cast)
    rotation = selectors.rotation(cast.consortium)
    assert [town.pk for town, _when in rotation.hosted] == [workshop.host_town_id]
    assert workshop.host_town_id not in {town.pk for town in rotation.not_yet}
    assert rotation.next_host.pk != workshop.host_town_id


def test_rotation_after_every_town_hosted_suggests_the_longest_ago(cast):
    towns = list(cast.consortium.towns.order_by("pk"))
    for offset, town in enumerate(towns):
        make_workshop(cast, host=town, days_ahead=10 + offset)
    rotation = selectors.rotation(cast.consortium)
    assert rotation.not_yet == []
    assert rotation.next_host == towns[0]


def test_cancelled_workshops_do_not_count_as_hosted(cast):
    make_workshop(cast, status="cancelled")
    assert selectors.rotation(cast.consortium).hosted == []


def test_workshop_form_offers_only_the_consortiums_towns(cast):
    form = WorkshopForm(consortium=cast.consortium)
    offered = {town.pk for town in form.fields["host_town"].queryset}
    assert offered == set(cast.consortium.towns.values_list("pk", flat=True))
