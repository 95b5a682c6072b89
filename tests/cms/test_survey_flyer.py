"""The A5 flyer of a survey (``/befragungen/<pk>/flyer.pdf``): a PDF that renders, with the
town, title, short text, link, closing date and privacy line; German typography included.
Who gets it is tested with the QR code (tests/cms/test_survey_qr.py)."""

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import zxingcpp
from django.test import Client
from PIL import Image

from cms.surveys.models import SurveyStatus
from tests.helpers.surveys import make_survey

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(autouse=True)
def poppler():
    """The flyer is read back with Debian's poppler-utils (``make poppler``, part of
    ``make test``); missing, the run fails instead of skipping the proof that the PDF renders."""
    assert shutil.which("pdftoppm") and shutil.which("pdftotext"), "run `make poppler`"


@pytest.fixture
def flyer(cast):
    built = make_survey(
        cast.consortium,
        cast.user("member").profile.town,
        status=SurveyStatus.OPEN,
        title="Wie kommen Sie zur Arbeit? „Pendeln“ – ehrlich gefragt",
        closes_on=date(2027, 1, 31),
    )
    built.survey.intro = (
        "Viele von uns fahren jeden Tag weit zur Arbeit. Wir möchten wissen, wohin, wie weit "
        "und womit – und ob ein Co-Working-Ort in der Stadt helfen würde. Die Befragung "
        "dauert etwa fünf Minuten. " * 3
    )
    built.survey.save()
    client = Client()
    client.force_login(cast.user("coach"))
    response = client.get(f"/befragungen/{built.survey.pk}/flyer.pdf")
    return built.survey, response


def test_the_flyer_is_an_a5_pdf(flyer):
    survey, response = flyer
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="befragung-{survey.public_id}-flyer.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", response.content)
    assert (round(float(box[1])), round(float(box[2]))) == (420, 595)  # A5 in points


def test_the_flyer_says_everything_in_german_typography(flyer, tmp_path):
    survey, response = flyer
    (tmp_path / "flyer.pdf").write_bytes(response.content)
    subprocess.run(["pdftotext", "flyer.pdf", "flyer.txt"], cwd=tmp_path, check=True)
    text = " ".join((tmp_path / "flyer.txt").read_text().split())
    assert f"Bürgerbefragung in {survey.town.name}" in text
    assert "„Pendeln“ – ehrlich gefragt" in text
    assert "Viele von uns fahren jeden Tag weit zur Arbeit." in text
    assert f"http://testserver/b/{survey.public_id}/" in text
    assert "Mitmachen bis 31. Januar 2027" in text
    assert "Datenschutz: Wir speichern keine IP-Adressen." in text


def test_the_flyer_renders_and_its_code_decodes(flyer, tmp_path):
    survey, response = flyer
    (tmp_path / "flyer.pdf").write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", "flyer.pdf", "flyer"],
        cwd=tmp_path,
        check=True,
    )
    rendered = tmp_path / "flyer.png"
    assert rendered.read_bytes().startswith(b"\x89PNG")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", "flyer.pdf", "sharp"],
        cwd=tmp_path,
        check=True,
    )
    sharp = tmp_path / "sharp.png"
    found = zxingcpp.read_barcodes(Image.open(sharp))
    assert [code.text for code in found] == [f"http://testserver/b/{survey.public_id}/"]
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(sharp, ARTIFACTS / "survey-flyer.png")
