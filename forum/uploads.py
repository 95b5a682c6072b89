"""Forum attachments: accept files by their content, never by name or browser MIME type alone.

Allowed are PDF, images (PNG, JPEG, GIF, WebP) and office documents (OOXML, OpenDocument,
legacy OLE2). The type we serve a file with is always derived from its bytes; the file name's
extension must agree with it.
"""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS_PER_POST = 5
MAX_IMAGE_PIXELS = 40_000_000
MAX_NAME_LENGTH = 150

# ZIP containers are only listed, never extracted; these bound what we do read.
MAX_ZIP_ENTRIES = 10_000
MAX_CONTENT_TYPES_BYTES = 1024 * 1024

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
GIF_MAGICS = (b"GIF87a", b"GIF89a")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE_VBA_MARKER = "_VBA_PROJECT".encode("utf-16-le")


@dataclass(frozen=True)
class _Format:
    kind: str
    content_type: str
    label: str
    extensions: frozenset[str]  # name extensions that may carry this content
    pillow: tuple[str, ...] = ()  # Pillow format names, images only


IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "webp"})

# Keyed by canonical extension. Images may carry any image extension (a PNG saved as .jpg is
# harmless, as we store and serve it by its real type); everything else must match exactly.
FORMATS: dict[str, _Format] = {
    "pdf": _Format("pdf", "application/pdf", "PDF", frozenset({"pdf"})),
    "png": _Format("image", "image/png", "PNG", IMAGE_EXTENSIONS, ("PNG",)),
    "jpg": _Format("image", "image/jpeg", "JPEG", IMAGE_EXTENSIONS, ("JPEG",)),
    "gif": _Format("image", "image/gif", "GIF", IMAGE_EXTENSIONS, ("GIF",)),
    "webp": _Format("image", "image/webp", "WebP", IMAGE_EXTENSIONS, ("WEBP",)),
    "docx": _Format(
        "office",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word (DOCX)",
        frozenset({"docx"}),
    ),
    "xlsx": _Format(
        "office",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel (XLSX)",
        frozenset({"xlsx"}),
    ),
    "pptx": _Format(
        "office",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint (PPTX)",
        frozenset({"pptx"}),
    ),
    "odt": _Format(
        "office",
        "application/vnd.oasis.opendocument.text",
        "OpenDocument-Text (ODT)",
        frozenset({"odt"}),
    ),
    "ods": _Format(
        "office",
        "application/vnd.oasis.opendocument.spreadsheet",
        "OpenDocument-Tabelle (ODS)",
        frozenset({"ods"}),
    ),
    "odp": _Format(
        "office",
        "application/vnd.oasis.opendocument.presentation",
        "OpenDocument-Präsentation (ODP)",
        frozenset({"odp"}),
    ),
    "doc": _Format("office", "application/msword", "Word (DOC)", frozenset({"doc"})),
    "xls": _Format("office", "application/vnd.ms-excel", "Excel (XLS)", frozenset({"xls"})),
    "ppt": _Format(
        "office", "application/vnd.ms-powerpoint", "PowerPoint (PPT)", frozenset({"ppt"})
    ),
}

OOXML_PARTS = {"word": "docx", "xl": "xlsx", "ppt": "pptx"}
ODF_MIMETYPES = {FORMATS[ext].content_type.encode(): ext for ext in ("odt", "ods", "odp")}
OLE_EXTENSIONS = frozenset({"doc", "xls", "ppt"})
ALL_PILLOW_FORMATS = tuple(dict.fromkeys(p for fmt in FORMATS.values() for p in fmt.pillow))


@dataclass(frozen=True)
class CheckedUpload:
    kind: str  # "pdf" | "image" | "office"
    content_type: str  # derived from the content
    extension: str  # canonical, without dot
    original_name: str  # cleaned basename, for display only
    size: int


# --- errors -----------------------------------------------------------------------------------


def _invalid_type(name: str) -> ValidationError:
    return ValidationError(
        _(
            "„%(name)s“ ist kein erlaubter Dateityp. Erlaubt sind PDF, Bilder (PNG, JPEG, GIF, "
            "WebP) und Office-Dokumente."
        ),
        code="invalid_type",
        params={"name": name},
    )


def _macro(name: str) -> ValidationError:
    return ValidationError(
        _(
            "„%(name)s“ enthält Makros und kann nicht hochgeladen werden. Bitte speichern Sie "
            "das Dokument ohne Makros (z. B. als .docx, .xlsx oder .pptx)."
        ),
        code="macro",
        params={"name": name},
    )


def _corrupt(name: str) -> ValidationError:
    return ValidationError(
        _("„%(name)s“ ist beschädigt oder kann nicht gelesen werden."),
        code="corrupt",
        params={"name": name},
    )


def _image_too_large(name: str) -> ValidationError:
    return ValidationError(
        _("Das Bild „%(name)s“ ist zu groß (höchstens %(megapixels)d Megapixel)."),
        code="image_too_large",
        params={"name": name, "megapixels": MAX_IMAGE_PIXELS // 1_000_000},
    )


# --- public API -------------------------------------------------------------------------------


def clean_filename(name: str | None) -> str:
    """Basename without path parts or control characters, NFC-normalised, at most 150 chars."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Category C: control, format (e.g. bidi overrides that disguise extensions), unassigned.
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = name.strip().lstrip(".").strip()
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and len(ext) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Validate one attachment by its content; raise ValidationError with a German message."""
    name = clean_filename(upload.name)
    if not name:
        raise ValidationError(_("Die Datei hat keinen gültigen Namen."), code="invalid_name")

    size = _size(upload)
    if size == 0:
        raise ValidationError(_("„%(name)s“ ist leer."), code="empty", params={"name": name})
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("„%(name)s“ ist größer als %(limit)d MB."),
            code="too_large",
            params={"name": name, "limit": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
        )

    name_ext = os.path.splitext(name)[1].lstrip(".").lower()
    try:
        canonical = _detect(upload, name, name_ext)
        fmt = FORMATS[canonical]
        if name_ext not in fmt.extensions:
            raise ValidationError(
                _("Die Dateiendung von „%(name)s“ passt nicht zum Inhalt (erkannt: %(detected)s)."),
                code="extension_mismatch",
                params={"name": name, "detected": fmt.label},
            )
        if fmt.kind == "image":
            _verify_image(upload, name, fmt)
    finally:
        upload.seek(0)

    return CheckedUpload(
        kind=fmt.kind,
        content_type=fmt.content_type,
        extension=canonical,
        original_name=name,
        size=size,
    )


def check_uploads(uploads: list[UploadedFile]) -> list[CheckedUpload]:
    """Validate all attachments of one post; report every rejected file at once."""
    if len(uploads) > MAX_ATTACHMENTS_PER_POST:
        raise ValidationError(
            _("Pro Beitrag sind höchstens %(max)d Anhänge erlaubt."),
            code="too_many",
            params={"max": MAX_ATTACHMENTS_PER_POST},
        )
    checked: list[CheckedUpload] = []
    errors: list[ValidationError] = []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)
    return checked


def make_thumbnail(upload_or_file: IO[bytes], *, max_px: int = 320) -> ContentFile:
    """Thumbnail of an image attachment: PNG if it has transparency, JPEG otherwise."""
    name = clean_filename(getattr(upload_or_file, "name", None)) or "Bild"
    upload_or_file.seek(0)
    try:
        img = _open_image(upload_or_file, name, ALL_PILLOW_FORMATS)
        img.draft("RGB", (max_px, max_px))  # JPEG only: decode at reduced scale
        img.load()
        img = _apply_orientation(img)
        img = _normalise_mode(img)
        img.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if img.mode in ("RGBA", "LA"):
            img.convert("RGBA").save(out, format="PNG", optimize=True)
            filename = "thumb.png"
        else:
            img.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
            filename = "thumb.jpg"
    except ValidationError:
        raise
    except Exception as exc:  # Pillow raises many exception types for bad input
        raise _corrupt(name) from exc
    finally:
        upload_or_file.seek(0)
    return ContentFile(out.getvalue(), name=filename)


# --- detection --------------------------------------------------------------------------------


def _size(f: IO[bytes]) -> int:
    f.seek(0, os.SEEK_END)
    size = f.tell()
    f.seek(0)
    return size


def _detect(f: IO[bytes], name: str, name_ext: str) -> str:
    """Canonical extension of the content, from magic bytes and container structure."""
    f.seek(0)
    head = f.read(16)
    if head.startswith(PDF_MAGIC):
        return "pdf"
    if head.startswith(PNG_MAGIC):
        return "png"
    if head.startswith(JPEG_MAGIC):
        return "jpg"
    if head[:6] in GIF_MAGICS:
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(ZIP_MAGIC):
        return _detect_zip(f, name)
    if head.startswith(OLE_MAGIC):
        return _detect_ole(f, name, name_ext)
    raise _invalid_type(name)


def _detect_zip(f: IO[bytes], name: str) -> str:
    """OOXML or OpenDocument, judged from the entry list; nothing is extracted."""
    f.seek(0)
    try:
        with zipfile.ZipFile(f) as zf:
            infos = zf.infolist()
            if not infos or len(infos) > MAX_ZIP_ENTRIES:
                raise _invalid_type(name)
            if infos[0].filename == "mimetype":
                ext = ODF_MIMETYPES.get(_read_entry(zf, infos[0], 100).strip())
                if ext is None:
                    raise _invalid_type(name)
                return ext
            names = [info.filename for info in infos]
            if "[Content_Types].xml" not in names:
                raise _invalid_type(name)
            content_types = _read_entry(
                zf, zf.getinfo("[Content_Types].xml"), MAX_CONTENT_TYPES_BYTES
            )
            if b"macroenabled" in content_types.lower() or any(
                n.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for n in names
            ):
                raise _macro(name)
            tops = {n.split("/", 1)[0] for n in names if "/" in n} & OOXML_PARTS.keys()
            if len(tops) != 1:
                raise _invalid_type(name)
            return OOXML_PARTS[tops.pop()]
    except ValidationError:
        raise
    except Exception as exc:  # BadZipFile, zlib.error, NotImplementedError, ...
        raise _corrupt(name) from exc


def _read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Read a small ZIP entry, refusing to inflate more than ``limit`` bytes."""
    if info.file_size > limit:
        raise ValueError("zip entry too large")
    with zf.open(info) as fh:
        data = fh.read(limit + 1)  # the header's size may lie
    if len(data) > limit:
        raise ValueError("zip entry too large")
    return data


def _detect_ole(f: IO[bytes], name: str, name_ext: str) -> str:
    """Legacy doc/xls/ppt: the container does not name its application, so the extension does."""
    f.seek(0)
    header = f.read(512)
    byte_order, sector_shift = header[28:30], int.from_bytes(header[30:32], "little")
    if len(header) < 512 or byte_order != b"\xfe\xff" or sector_shift not in (9, 12):
        raise _corrupt(name)
    if name_ext not in OLE_EXTENSIONS:
        raise _invalid_type(name)
    # Best effort: VBA storages are named "_VBA_PROJECT..." in the UTF-16 directory entries.
    f.seek(0)
    if OLE_VBA_MARKER in f.read():
        raise _macro(name)
    return name_ext


# --- images -----------------------------------------------------------------------------------


def _open_image(f: IO[bytes], name: str, formats: tuple[str, ...]) -> Image.Image:
    """Open (header only) with the given decoders and enforce the pixel limit."""
    try:
        img = Image.open(f, formats=list(formats))
    except Image.DecompressionBombError as exc:
        raise _image_too_large(name) from exc
    except Exception as exc:
        raise _corrupt(name) from exc
    width, height = img.size
    if width * height > MAX_IMAGE_PIXELS:
        raise _image_too_large(name)
    return img


def _verify_image(f: IO[bytes], name: str, fmt: _Format) -> None:
    f.seek(0)
    img = _open_image(f, name, fmt.pillow)
    try:
        img.verify()  # structure and checksums; the image is unusable afterwards
        f.seek(0)
        img = Image.open(f, formats=list(fmt.pillow))
        img.draft(None, (1, 1))  # JPEG: decode all data, but at 1/8 scale to save memory
        img.load()  # decode the first frame
    except Exception as exc:
        raise _corrupt(name) from exc


def _apply_orientation(img: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(img)
    except Exception:  # broken EXIF must not prevent a thumbnail
        return img


def _normalise_mode(img: Image.Image) -> Image.Image:
    """RGB, RGBA, L or LA, keeping transparency where the image has any."""
    if img.mode in ("RGBA", "LA"):
        return img
    if img.mode in ("PA", "RGBa", "La") or "transparency" in img.info:
        return img.convert("RGBA")
    if img.mode in ("RGB", "L"):
        return img
    if img.mode.startswith("I;16") or img.mode == "I":
        return img.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    return img.convert("RGB")


# --- serving ----------------------------------------------------------------------------------


def _guarded(response: FileResponse, cache_control: str) -> FileResponse:
    """Uploaded files are never run as pages or sniffed into something else."""
    response["Cache-Control"] = cache_control
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def file_response(
    handle: IO[bytes],
    *,
    content_type: str,
    filename: str = "",
    cache_control: str = "private, max-age=3600",
) -> FileResponse:
    """An uploaded file (opened for reading) after the caller has checked access: images and
    PDFs shown in the browser, everything else downloaded."""
    inline = content_type.startswith("image/") or content_type == "application/pdf"
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=not inline,
        filename=filename or None,
    )
    return _guarded(response, cache_control)


def thumbnail_response(thumbnail: Any) -> FileResponse:
    """A thumbnail from ``make_thumbnail``, saved under the name it chose (.png or .jpg)."""
    content_type = "image/png" if thumbnail.name.lower().endswith(".png") else "image/jpeg"
    return file_response(thumbnail.open("rb"), content_type=content_type)
