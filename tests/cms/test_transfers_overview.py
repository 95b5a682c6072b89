"""The overview: counts by Handlungsfeld and status and per quarter, as an SVG with a title and
as tables, only over what the viewer may see."""

import datetime
import re

import pytest
from django.test import Client

from cms.models import ActionModulePage
from cms.transfers.selectors import overview_context
from forum.models import Challenge
from tests.helpers.transfers import adopting, make_transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(cast, case_site):
    coworking, survey = Challenge.objects.order_by("pk")[:2]
    case_site.public_case.challenges.set([coworking, survey])
    case_site.public_case.save()
    module = ActionModulePage.objects.get(pk=case_site.module.pk)
    module.challenges.set([coworking])
    module.save()
    own, own_town = adopting(cast, "own")
    other, other_town = adopting(cast, "other")
    a = make_transfer(source=case_site.public_case, town=other_town, consortium=other)
    a.started_on = datetime.date(2024, 2, 1)
    a.save()
    make_transfer(source=case_site.module, town=other_town, consortium=other, status="done")
    make_transfer(source=case_site.module, town=own_town, consortium=own, visibility="internal")
    return coworking, survey


def test_counts_by_challenge_status_and_quarter(cast, counted):
    coworking, survey = counted
    anonymous = overview_context(cast.user("anonymous"))
    rows = dict(anonymous["challenge_rows"])
    # planned, in progress, done, dropped
    assert rows[coworking.name] == [1, 0, 1, 0]
    assert rows[survey.name] == [1, 0, 0, 0]
    quarters = dict(anonymous["quarter_rows"])
    assert quarters["Q1 2024"] == [1, 0, 0, 0]
    assert quarters["Q2 2024"] == [0, 0, 0, 0]  # a quiet quarter stays on the axis
    assert anonymous["total"] == 2
    member = overview_context(cast.user("member"))
    assert dict(member["challenge_rows"])[coworking.name] == [2, 0, 1, 0]
    assert member["total"] == 3


def test_the_page_draws_an_accessible_chart_and_tables(counted):
    coworking, _survey = counted
    body = Client().get("/uebertragungen/").content.decode()
    assert body.count('role="img"') == 2
    assert re.search(r'<svg role="img" aria-labelledby="chart-hf-title chart-hf-desc"', body)
    assert '<title id="chart-hf-title">' in body
    assert body.count("<table>") == 2
    assert f'<th scope="row">{coworking.name}</th><td>1</td><td>0</td><td>1</td><td>0</td>' in (
        body.replace("\n", "")
    )
    assert "<script" not in body.split("<main", 1)[1].split("</main>", 1)[0]
