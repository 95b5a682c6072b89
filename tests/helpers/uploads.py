"""Files as a browser uploads them: small, valid images made in memory."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_upload(name: str = "foto.png", *, transparent: bool = False) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    mode, colour = ("RGBA", (11, 92, 122, 128)) if transparent else ("RGB", (11, 92, 122))
    Image.new(mode, (40, 30), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
