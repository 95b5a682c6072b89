"""The demo's transfers: recorded through the services as the towns' accounts, shown where
people look, seeded once."""

from collections import Counter

import pytest
from django.test import Client

from cms.demo import seed_cms_demo
from cms.models import LabCasePage, Transfer

# Every test starts from the demo seeded once for this module (tests/conftest.py: seeded_demo).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]


def test_demo_transfers_follow_the_report():
    rows = {
        (t.town.slug, t.source.slug): t
        for t in Transfer.objects.select_related("town", "case_page", "action_module")
    }
    assert set(rows) == {
        ("moelln", "diessen-befragung-und-task-force"),
        ("oestrich-winkel", "wittenberge-schnupper-coworking"),
        ("dippoldiswalde", "neue-arbeitsformen-erlebbar-machen"),
    }
    done = rows[("dippoldiswalde", "neue-arbeitsformen-erlebbar-machen")]
    assert [h.status for h in done.history.all()] == ["planned", "in_progress", "done"]
    assert done.recorded_by.profile.town == done.town


def test_the_wittenberge_page_shows_its_adopters_to_everyone():
    page = LabCasePage.objects.get(slug="wittenberge-schnupper-coworking")
    body = Client().get(page.url).content.decode()
    assert "1 Stadt hat das übernommen, 0 umgesetzt" in body
    assert "Oestrich-Winkel" in body


def test_seeding_again_adds_no_transfer():
    created = Counter()
    seed_cms_demo(created=created, updated=Counter())
    assert created["Übertragungen"] == 0
    assert Transfer.objects.count() == 3
