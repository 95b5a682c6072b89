"""The QR code of a survey's public link (``/befragungen/<pk>/qr.<svg|png>``): it decodes to
the absolute public address, and only the staff who run the survey get it (roles × own town,
another town of the consortium, another consortium; × draft/open/closed)."""

import io
import itertools

import pytest
import zxingcpp
from django.template.loader import render_to_string
from django.test import Client
from PIL import Image

from cms.surveys.models import SurveyStatus
from tests.helpers.cast import ROLES
from tests.helpers.surveys import make_survey

pytestmark = pytest.mark.django_db

# Who gets the QR code and the flyer: 200 for those who run the survey, 403 for members of
# its consortium who do not, 404 for everyone else, the login for anonymous visitors.
EXPECTED = {
    # the member works for the survey's town ("own")
    "own": {
        "anonymous": 302,
        "outsider": 404,
        "member": 200,
        "coach": 200,
        "core_team": 200,
        "editor": 404,
        "admin": 200,
    },
    "elsewhere": {
        "anonymous": 302,
        "outsider": 404,
        "member": 403,
        "coach": 200,
        "core_team": 200,
        "editor": 404,
        "admin": 200,
    },
    # the outsider is a member of that consortium but works for none of its towns
    "other_consortium": {
        "anonymous": 302,
        "outsider": 403,
        "member": 404,
        "coach": 404,
        "core_team": 404,
        "editor": 404,
        "admin": 200,
    },
}


def survey_at(cast, where: str, status: str):
    member_town = cast.user("member").profile.town
    if where == "own":
        return make_survey(cast.consortium, member_town, status=status).survey
    if where == "elsewhere":
        town = cast.consortium.towns.exclude(pk=member_town.pk).first()
        return make_survey(cast.consortium, town, status=status).survey
    return make_survey(cast.other_consortium, status=status).survey


def client_for(user) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def staff_urls(survey) -> list[str]:
    return [
        f"/befragungen/{survey.pk}/qr.svg",
        f"/befragungen/{survey.pk}/qr.png",
        f"/befragungen/{survey.pk}/flyer.pdf",
    ]


@pytest.mark.parametrize(
    ("role", "where", "status"),
    list(itertools.product(ROLES, EXPECTED, SurveyStatus.values)),
)
def test_qr_code_and_flyer_matrix(cast, role, where, status):
    survey = survey_at(cast, where, status)
    client = client_for(cast.user(role))
    for url in staff_urls(survey):
        response = client.get(url)
        assert response.status_code == EXPECTED[where][role], url
        if response.status_code == 302:
            assert response["Location"].startswith("/konto/login/")


def test_a_survey_that_does_not_exist_is_not_found_like_one_of_another_consortium(cast):
    client = client_for(cast.user("coach"))
    assert client.get("/befragungen/999999/qr.svg").status_code == 404
    assert client.get("/befragungen/999999/flyer.pdf").status_code == 404


def test_only_svg_and_png_are_offered(cast):
    survey = survey_at(cast, "own", SurveyStatus.OPEN)
    client = client_for(cast.user("coach"))
    assert client.get(f"/befragungen/{survey.pk}/qr.gif").status_code == 404


def test_the_png_decodes_to_the_absolute_public_address(cast):
    survey = survey_at(cast, "own", SurveyStatus.OPEN)
    response = client_for(cast.user("coach")).get(f"/befragungen/{survey.pk}/qr.png")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        f'attachment; filename="befragung-{survey.public_id}-qr-code.png"'
    )
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    assert [code.text for code in found] == [f"http://testserver/b/{survey.public_id}/"]


def test_the_address_follows_the_request_host_and_scheme(cast, settings):
    settings.ALLOWED_HOSTS = ["umfrage.example.org"]
    survey = survey_at(cast, "own", SurveyStatus.OPEN)
    response = client_for(cast.user("coach")).get(
        f"/befragungen/{survey.pk}/qr.png", HTTP_HOST="umfrage.example.org", secure=True
    )
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    assert found[0].text == f"https://umfrage.example.org/b/{survey.public_id}/"


def test_the_svg_is_an_svg_of_the_same_code(cast):
    survey = survey_at(cast, "own", SurveyStatus.OPEN)
    response = client_for(cast.user("coach")).get(f"/befragungen/{survey.pk}/qr.svg")
    body = response.content.decode()
    assert response["Content-Type"] == "image/svg+xml"
    assert body.startswith("<?xml") and "<svg" in body
    assert f"http://testserver/b/{survey.public_id}/" in body  # its title


def test_the_survey_page_links_to_the_public_form_the_codes_and_the_flyer(cast):
    survey = survey_at(cast, "own", SurveyStatus.DRAFT)
    links = "cms/surveys/includes/survey_links.html"
    html = render_to_string(links, {"survey": survey, "can_run": True})
    for url in [survey.get_public_url(), *staff_urls(survey)]:
        assert f'href="{url}"' in html
    # Members who do not run the survey see its results, not the tools to spread it.
    html = render_to_string(links, {"survey": survey, "can_run": False})
    assert not any(f'href="{url}"' in html for url in staff_urls(survey))
