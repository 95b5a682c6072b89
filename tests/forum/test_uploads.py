"""Attachment checks: accepted by content, rejected on mismatch, bombs and macros."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from forum.uploads import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS_PER_POST,
    CheckedUpload,
    check_upload,
    check_uploads,
    clean_filename,
    make_thumbnail,
)

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/{part}" ContentType="{ctype}"/>'
    "</Types>"
)
OOXML = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}


def image_bytes(fmt: str, size=(40, 30), mode="RGB", **save_kwargs) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, "red" if mode != "P" else 1).save(buf, format=fmt, **save_kwargs)
    return buf.getvalue()


def ooxml_bytes(kind: str, *, ctype: str | None = None, extra: dict | None = None) -> bytes:
    part, default_ctype = OOXML[kind]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            _entry("[Content_Types].xml"),
            CONTENT_TYPES.format(part=part, ctype=ctype or default_ctype),
        )
        zf.writestr(_entry("_rels/.rels"), "<Relationships/>")
        zf.writestr(_entry(part), "<document/>")
        for name, data in (extra or {}).items():
            zf.writestr(_entry(name), data)
    return buf.getvalue()


def _entry(name: str, compress_type: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    """A zip entry with a fixed date: the bytes (and so the test ids built from them) are the
    same in every pytest-xdist worker, which collect at different seconds."""
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = compress_type
    return info


def odf_bytes(mimetype: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(_entry("mimetype", zipfile.ZIP_STORED), mimetype)
        zf.writestr(_entry("content.xml"), "<office:document-content/>")
        zf.writestr(_entry("META-INF/manifest.xml"), "<manifest:manifest/>")
    return buf.getvalue()


def ole_bytes(extra: bytes = b"") -> bytes:
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    # minor/major version, byte order mark, sector shift, mini sector shift
    header[24:34] = struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
    return bytes(header) + b"\0" * 1024 + extra


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of the given size whose zero rows compress to almost nothing."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)  # filter byte + packed bits
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def rejected(f) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        check_upload(f)
    return excinfo.value


# --- accepted types ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind", "content_type", "extension"),
    [
        ("Bericht.pdf", PDF, "pdf", "application/pdf", "pdf"),
        ("foto.png", image_bytes("PNG"), "image", "image/png", "png"),
        ("foto.jpg", image_bytes("JPEG"), "image", "image/jpeg", "jpg"),
        ("foto.JPEG", image_bytes("JPEG"), "image", "image/jpeg", "jpg"),
        ("anim.gif", image_bytes("GIF", mode="P"), "image", "image/gif", "gif"),
        ("bild.webp", image_bytes("WEBP"), "image", "image/webp", "webp"),
        # A mislabelled image is served by its real type.
        ("foto.jpg", image_bytes("PNG"), "image", "image/png", "png"),
        (
            "brief.docx",
            ooxml_bytes("docx"),
            "office",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        (
            "tabelle.xlsx",
            ooxml_bytes("xlsx"),
            "office",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        (
            "folien.pptx",
            ooxml_bytes("pptx"),
            "office",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "pptx",
        ),
        (
            "text.odt",
            odf_bytes("application/vnd.oasis.opendocument.text"),
            "office",
            "application/vnd.oasis.opendocument.text",
            "odt",
        ),
        (
            "tabelle.ods",
            odf_bytes("application/vnd.oasis.opendocument.spreadsheet"),
            "office",
            "application/vnd.oasis.opendocument.spreadsheet",
            "ods",
        ),
        (
            "folien.odp",
            odf_bytes("application/vnd.oasis.opendocument.presentation"),
            "office",
            "application/vnd.oasis.opendocument.presentation",
            "odp",
        ),
        ("alt.doc", ole_bytes(), "office", "application/msword", "doc"),
        ("alt.xls", ole_bytes(), "office", "application/vnd.ms-excel", "xls"),
        ("alt.ppt", ole_bytes(), "office", "application/vnd.ms-powerpoint", "ppt"),
    ],
)
def test_accepted_types(name, content, kind, content_type, extension):
    f = upload(name, content, content_type="text/html")  # browser's claim is ignored
    checked = check_upload(f)
    assert checked == CheckedUpload(
        kind=kind,
        content_type=content_type,
        extension=extension,
        original_name=name,
        size=len(content),
    )
    assert f.tell() == 0


# --- rejected content -------------------------------------------------------------------------


def test_html_renamed_pdf_rejected():
    err = rejected(upload("rechnung.pdf", b"<!DOCTYPE html><script>alert(1)</script>"))
    assert err.code == "invalid_type"
    assert "„rechnung.pdf“ ist kein erlaubter Dateityp" in err.messages[0]


def test_pdf_renamed_docx_rejected():
    err = rejected(upload("vertrag.docx", PDF))
    assert err.code == "extension_mismatch"
    assert "vertrag.docx" in err.messages[0]
    assert "PDF" in err.messages[0]


def test_docx_renamed_xlsx_rejected():
    assert rejected(upload("tabelle.xlsx", ooxml_bytes("docx"))).code == "extension_mismatch"


def test_image_renamed_pdf_rejected():
    assert rejected(upload("scan.pdf", image_bytes("PNG"))).code == "extension_mismatch"


@pytest.mark.parametrize("name", ["logo.svg", "logo.png"])
def test_svg_rejected(name):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert rejected(upload(name, svg, "image/svg+xml")).code == "invalid_type"


def test_plain_zip_rejected():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hallo")
    assert rejected(upload("archiv.docx", buf.getvalue())).code == "invalid_type"


def test_truncated_zip_rejected():
    assert rejected(upload("brief.docx", ooxml_bytes("docx")[:60])).code == "corrupt"


def test_odf_with_unknown_mimetype_rejected():
    f = upload("zeichnung.odt", odf_bytes("application/vnd.oasis.opendocument.graphics"))
    assert rejected(f).code == "invalid_type"


def test_ole_needs_legacy_office_extension():
    assert rejected(upload("installer.msi", ole_bytes())).code == "invalid_type"


def test_empty_rejected():
    err = rejected(upload("leer.pdf", b""))
    assert err.code == "empty"
    assert "leer.pdf" in err.messages[0]


def test_over_size_limit_rejected():
    content = PDF + bytes(MAX_ATTACHMENT_BYTES - len(PDF) + 1)
    err = rejected(upload("gross.pdf", content))
    assert err.code == "too_large"
    assert "größer als 10 MB" in err.messages[0]


def test_exactly_size_limit_accepted():
    content = PDF + bytes(MAX_ATTACHMENT_BYTES - len(PDF))
    assert check_upload(upload("genau.pdf", content)).size == MAX_ATTACHMENT_BYTES


# --- macros -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["makro.docm", "makro.docx"])
def test_macro_enabled_ooxml_rejected(name):
    content = ooxml_bytes(
        "docx",
        ctype="application/vnd.ms-word.document.macroEnabled.main+xml",
        extra={"word/vbaProject.bin": b"\0" * 64},
    )
    err = rejected(upload(name, content))
    assert err.code == "macro"
    assert name in err.messages[0]


def test_vba_project_alone_rejected():
    content = ooxml_bytes("xlsx", extra={"xl/vbaProject.bin": b"\0" * 64})
    assert rejected(upload("tabelle.xlsx", content)).code == "macro"


def test_legacy_doc_with_vba_rejected():
    content = ole_bytes("_VBA_PROJECT".encode("utf-16-le"))
    assert rejected(upload("alt.doc", content)).code == "macro"


# --- images -----------------------------------------------------------------------------------


def test_corrupt_png_rejected():
    valid = image_bytes("PNG", size=(64, 64))
    corrupt = valid[:33] + b"\x00\x00\x10\x00IDAT" + bytes(range(256)) * 16
    assert rejected(upload("kaputt.png", corrupt)).code == "corrupt"


def test_truncated_jpeg_rejected():
    valid = image_bytes("JPEG", size=(200, 200))
    assert rejected(upload("kaputt.jpg", valid[: len(valid) // 2])).code == "corrupt"


def test_multi_picture_jpeg_accepted():
    # Cameras write MPO (several JPEGs in one file); Pillow reports it as its own format.
    buf = io.BytesIO()
    frames = [Image.new("RGB", (40, 30), "red"), Image.new("RGB", (40, 30), "blue")]
    frames[0].save(buf, format="MPO", save_all=True, append_images=frames[1:])
    checked = check_upload(upload("kamera.jpg", buf.getvalue()))
    assert (checked.content_type, checked.extension) == ("image/jpeg", "jpg")
    assert make_thumbnail(upload("kamera.jpg", buf.getvalue())).name == "thumb.jpg"


def test_decompression_bomb_rejected():
    bomb = png_bomb(20_000, 20_000)
    assert len(bomb) < 200_000  # tiny on disk, 400 megapixels when decoded
    err = rejected(upload("bombe.png", bomb))
    assert err.code == "image_too_large"
    assert "bombe.png" in err.messages[0]


def test_image_over_our_pixel_limit_rejected():
    # 48 MP: below Pillow's own bomb threshold, above ours.
    assert rejected(upload("riesig.png", png_bomb(8000, 6000))).code == "image_too_large"


def test_valid_handcrafted_png_accepted():
    assert check_upload(upload("klein.png", png_bomb(100, 100))).content_type == "image/png"


# --- names ------------------------------------------------------------------------------------


def test_path_traversal_name_cleaned():
    assert check_upload(upload("../../etc/passwd.pdf", PDF)).original_name == "passwd.pdf"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\anna\\Bericht.pdf", "Bericht.pdf"),
        ("Präsentation Mölln.pdf", "Präsentation Mölln.pdf"),
        ("Pra\u0308sentation.pdf", "Präsentation.pdf"),  # NFD from macOS
        ("Bericht\x00\n\t.pdf", "Bericht.pdf"),
        ("rechnung\u202efdp.exe", "rechnungfdp.exe"),  # bidi override
        ("  .versteckt.pdf ", "versteckt.pdf"),
        ("..", ""),
    ],
)
def test_clean_filename(raw, clean):
    assert clean_filename(raw) == clean


def test_long_name_truncated_keeping_extension():
    name = clean_filename("ä" * 300 + ".pdf")
    assert len(name) == 150
    assert name.endswith("ä.pdf")


def test_name_without_usable_characters_rejected():
    assert rejected(upload("\x01\x02", PDF)).code == "invalid_name"


def test_unicode_name_kept():
    checked = check_upload(upload("Präsentation Mölln.pdf", PDF))
    assert checked.original_name == "Präsentation Mölln.pdf"


# --- check_uploads ----------------------------------------------------------------------------


def test_check_uploads_accepts_up_to_limit():
    files = [upload(f"datei{i}.pdf", PDF) for i in range(MAX_ATTACHMENTS_PER_POST)]
    assert [c.original_name for c in check_uploads(files)] == [f.name for f in files]


def test_check_uploads_rejects_too_many():
    files = [upload(f"datei{i}.pdf", PDF) for i in range(MAX_ATTACHMENTS_PER_POST + 1)]
    with pytest.raises(ValidationError) as excinfo:
        check_uploads(files)
    assert excinfo.value.code == "too_many"
    assert "höchstens 5 Anhänge" in excinfo.value.messages[0]


def test_check_uploads_reports_every_bad_file():
    files = [upload("gut.pdf", PDF), upload("leer.pdf", b""), upload("x.pdf", b"<html>")]
    with pytest.raises(ValidationError) as excinfo:
        check_uploads(files)
    messages = excinfo.value.messages
    assert len(messages) == 2
    assert "leer.pdf" in messages[0]
    assert "x.pdf" in messages[1]


# --- thumbnails -------------------------------------------------------------------------------


def open_thumb(thumb) -> Image.Image:
    img = Image.open(io.BytesIO(thumb.read()))
    img.load()
    return img


def test_thumbnail_of_large_jpeg():
    f = upload("foto.jpg", image_bytes("JPEG", size=(2000, 1000)))
    thumb = make_thumbnail(f)
    assert thumb.name == "thumb.jpg"
    img = open_thumb(thumb)
    assert img.format == "JPEG"
    assert img.width <= 320
    assert img.size == (320, 160)
    assert f.tell() == 0


def test_thumbnail_of_rgba_png_keeps_alpha():
    f = upload("logo.png", image_bytes("PNG", size=(800, 400), mode="RGBA"))
    thumb = make_thumbnail(f)
    assert thumb.name == "thumb.png"
    img = open_thumb(thumb)
    assert (img.format, img.mode, img.size) == ("PNG", "RGBA", (320, 160))


def test_thumbnail_of_transparent_gif_is_png():
    buf = io.BytesIO()
    Image.new("P", (100, 50), 0).save(buf, format="GIF", transparency=0)
    thumb = make_thumbnail(upload("anim.gif", buf.getvalue()))
    assert thumb.name == "thumb.png"
    assert open_thumb(thumb).mode == "RGBA"


def test_thumbnail_applies_exif_orientation():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise on display
    content = image_bytes("JPEG", size=(400, 200), exif=exif)
    img = open_thumb(make_thumbnail(upload("hochkant.jpg", content), max_px=100))
    assert img.size == (50, 100)


def test_thumbnail_does_not_upscale():
    img = open_thumb(make_thumbnail(upload("klein.webp", image_bytes("WEBP", size=(40, 30)))))
    assert img.size == (40, 30)


def test_thumbnail_of_non_image_raises():
    with pytest.raises(ValidationError):
        make_thumbnail(upload("Bericht.pdf", PDF))


def test_thumbnail_of_bomb_raises():
    with pytest.raises(ValidationError) as excinfo:
        make_thumbnail(upload("bombe.png", png_bomb(20_000, 20_000)))
    assert excinfo.value.code == "image_too_large"
