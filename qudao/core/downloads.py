"""Private downloads: stored files go out only through views that checked the data scope."""

import mimetypes
import os

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def download_name(stem: str, stored: FieldFile) -> str:
    """`stem` with the stored file's extension, e.g. "HT-2026-000001.pdf"."""
    return f"{stem}{os.path.splitext(stored.name)[1].lower()}"


def private_file_response(stored: FieldFile, filename: str) -> FileResponse:
    """The file as an attachment that no shared cache keeps; Http404 when it is missing."""
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response
