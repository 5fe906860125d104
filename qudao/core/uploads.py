"""Checks on uploaded files: extension, declared type and size. Every upload goes through here."""

import os

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DOCUMENTS = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".zip"}
IMAGES_AND_PDF = {".pdf", ".jpg", ".jpeg", ".png"}
SPREADSHEETS = {".xlsx"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# The first bytes of each type, so that a renamed executable is not taken for a PDF.
SIGNATURES = {
    ".pdf": [b"%PDF"],
    ".png": [b"\x89PNG"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".zip": [b"PK\x03\x04"],
    ".xlsx": [b"PK\x03\x04"],
    ".docx": [b"PK\x03\x04"],
    ".doc": [b"\xd0\xcf\x11\xe0"],
    ".xls": [b"\xd0\xcf\x11\xe0"],
}


def validate_upload(
    upload: UploadedFile, *, allowed: set[str] = DOCUMENTS, max_bytes: int = DEFAULT_MAX_BYTES
) -> None:
    """Raise a localised ValidationError unless the file has an allowed type and size."""
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in allowed:
        raise ValidationError(
            _("Files of type %(ext)s are not accepted; use one of: %(allowed)s.")
            % {"ext": extension or "?", "allowed": ", ".join(sorted(allowed))},
            code="file_type",
        )
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="file_size",
        )
    head = upload.read(8)
    upload.seek(0)
    signatures = SIGNATURES.get(extension)
    if signatures and not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            _("The file's content does not match its type %(ext)s.") % {"ext": extension},
            code="file_content",
        )
