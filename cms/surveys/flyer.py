"""The QR code of a survey's public link (segno) and its printable A5 flyer (reportlab).

segno makes the code; the flyer draws segno's matrix as vector squares, so it prints sharp at
any size. reportlab's standard Helvetica is used: it needs no font file, and its encoding
(WinAnsi) has German quotes, dashes and the ellipsis.
"""

from __future__ import annotations

import io

import segno
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from .models import Survey

INK = HexColor("#1d2329")
MUTED = HexColor("#4a5560")
ACCENT = HexColor("#0b5c7a")
MARGIN = 14 * mm
QR_SIZE = 62 * mm
QUIET_ZONE = 4  # modules of white around the code, as the standard asks


def make_qr(url: str) -> segno.QRCode:
    # Level M survives a smudge or a crease on a printed flyer and stays small.
    return segno.make(url, error="m", micro=False)


def qr_image(url: str, ext: str) -> bytes:
    """The code as an SVG or PNG file (PNG at 10 px per module: sharp on a slide)."""
    buffer = io.BytesIO()
    options = {"svg": {"title": url}, "png": {}}[ext]
    make_qr(url).save(buffer, kind=ext, scale=10, border=QUIET_ZONE, **options)
    return buffer.getvalue()


def _draw_qr(pdf: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    """The code's dark modules as filled squares, runs in a row joined into one rectangle."""
    matrix = make_qr(url).matrix
    count = len(matrix) + 2 * QUIET_ZONE
    module = size / count
    pdf.setFillColor(INK)
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + QUIET_ZONE + 1) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            left = x + (start + QUIET_ZONE) * module
            pdf.rect(left, top, (column - start) * module, module, stroke=0, fill=1)


def _shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at the last whole word before ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:–-") + " …"


def _lines(text: str, font: str, size: float, width: float, limit: int) -> list[str]:
    lines = simpleSplit(text, font, size, width)
    if len(lines) > limit:
        lines = lines[: limit - 1] + [_shorten(lines[limit - 1], len(lines[limit - 1]) - 2)]
    return lines


def flyer_pdf(survey: Survey, url: str) -> bytes:
    """An A5 page: town, title, a short text, the QR code, the link, until when, privacy."""
    with translation.override("de"):
        return _flyer(survey, url)


def _flyer(survey: Survey, url: str) -> bytes:
    buffer = io.BytesIO()
    width, height = A5
    text_width = width - 2 * MARGIN
    pdf = canvas.Canvas(buffer, pagesize=A5, pageCompression=1)
    pdf.setTitle(survey.title)
    pdf.setAuthor(survey.town.name)
    pdf.setSubject(_("Bürgerbefragung"))

    pdf.setFillColor(ACCENT)
    pdf.rect(0, height - 10 * mm, width, 10 * mm, stroke=0, fill=1)
    y = height - 10 * mm - MARGIN + 2 * mm
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(MARGIN, y, _("Bürgerbefragung in %(town)s") % {"town": survey.town.name})
    y -= 10 * mm
    pdf.setFillColor(INK)
    for line in _lines(survey.title, "Helvetica-Bold", 21, text_width, 3):
        pdf.setFont("Helvetica-Bold", 21)
        pdf.drawString(MARGIN, y, line)
        y -= 25
    y -= 4
    pdf.setFont("Helvetica", 11.5)
    for line in _lines(_shorten(survey.intro, 300), "Helvetica", 11.5, text_width, 6):
        pdf.drawString(MARGIN, y, line)
        y -= 15.5

    privacy = _("Datenschutz: %(note)s") % {"note": _shorten(survey.privacy_note, 260)}
    privacy_lines = _lines(privacy, "Helvetica", 8.5, text_width, 4)
    privacy_top = MARGIN + len(privacy_lines) * 11
    # The code, the link and the date as one block, in the middle of the space left.
    block = QR_SIZE + 6 * mm + 15 + (11 * mm if survey.closes_on else 0)
    y -= max((y - privacy_top - block) / 2, 4 * mm) + QR_SIZE
    _draw_qr(pdf, url, (width - QR_SIZE) / 2, y, QR_SIZE)
    y -= 6 * mm
    pdf.setFillColor(MUTED)
    pdf.setFont("Helvetica", 10)
    pdf.drawCentredString(
        width / 2, y, _("Code mit der Handy-Kamera scannen oder im Browser öffnen:")
    )
    y -= 15
    pdf.setFillColor(ACCENT)
    link_size = 12 if pdf.stringWidth(url, "Helvetica-Bold", 12) <= text_width else 9
    pdf.setFont("Helvetica-Bold", link_size)
    pdf.drawCentredString(width / 2, y, url)
    if survey.closes_on:
        y -= 11 * mm
        pdf.setFillColor(INK)
        pdf.setFont("Helvetica-Bold", 15)
        closes = formats.date_format(survey.closes_on, "j. F Y")
        pdf.drawCentredString(width / 2, y, _("Mitmachen bis %(date)s") % {"date": closes})

    y = privacy_top - 11
    pdf.setFillColor(MUTED)
    pdf.setFont("Helvetica", 8.5)
    for line in privacy_lines:
        pdf.drawString(MARGIN, y, line)
        y -= 11
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
