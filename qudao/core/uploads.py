"""Checks on uploaded files: extension, size and content. Every upload goes through here.

The content is checked as far as the type allows: a PDF must parse and have pages (pypdf), an
image must decode (Pillow), an Office file must be a zip holding [Content_Types].xml and the main
part of its kind, a zip must have a readable directory; the old binary Office formats (.doc,
.xls) are only checked by their first bytes.

Request bodies are capped by their Content-Length before anything reads them: every upload view
(page or API operation) declares its cap with `upload_size_limit`, the largest its files may
take; core.middleware.RequestSizeLimitMiddleware applies it ahead of the CSRF check, which reads
posted forms, and caps every other request at REQUEST_MAX_BYTES.
"""

import functools
import logging
import os
import zipfile
from collections.abc import Callable
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader

from .schemas import error_response

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
    ".pptx": [b"PK\x03\x04"],
    ".doc": [b"\xd0\xcf\x11\xe0"],
    ".xls": [b"\xd0\xcf\x11\xe0"],
}
# The content type of each Office format's main part, as [Content_Types].xml names it.
OFFICE_MAIN_PARTS = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
# Larger images are refused rather than decoded (a small file can hold a huge picture); a scan of
# an A3 page at 300 dpi has 17 million pixels.
MAX_IMAGE_PIXELS = 40_000_000
# What a zip may unpack to, at most (a small zip can hold gigabytes of zeros).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
_CONTENT_TYPES_MAX_BYTES = 1024 * 1024
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"

logging.getLogger("pypdf").setLevel(logging.ERROR)  # a repaired PDF is fine, not a warning


# What a multipart body holds beside its files: the other fields, boundaries and part headers.
FORM_ALLOWANCE = 256 * 1024


def upload_size_limit(max_bytes: int | Callable[[], int]):
    """Declare the largest request body a view accepts (bytes, or a function giving them): a
    larger one is refused with 413 before it is read. For a page view the middleware applies it
    ahead of the CSRF check; on an API operation use `@decorate_view(upload_size_limit(...))`."""

    def decorate(view):
        @functools.wraps(view)
        def limited(request, *args, **kwargs):
            if refused := request_size_refusal(request, max_bytes):
                return refused
            return view(request, *args, **kwargs)

        limited.max_request_bytes = max_bytes
        return limited

    return decorate


def request_size_refusal(
    request: HttpRequest, max_bytes: int | Callable[[], int]
) -> HttpResponse | None:
    """A 413 response when the request's Content-Length passes `max_bytes`, else None."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return None
    limit = max_bytes() if callable(max_bytes) else max_bytes
    if length <= limit:
        return None
    message = _(
        "The request is too large (%(size)s): the files sent here may take at most %(limit)s."
    ) % {"size": filesizeformat(length), "limit": filesizeformat(limit)}
    if request.path.startswith("/api/"):
        return error_response(413, "request_too_large", message)
    page = render_to_string("core/request_too_large.html", {"message": message})
    return HttpResponse(page, status=413)


class _Unreadable(Exception):
    """The content is not a readable file of the type its name says."""


def validate_upload(
    upload: UploadedFile, *, allowed: set[str] = DOCUMENTS, max_bytes: int = DEFAULT_MAX_BYTES
) -> None:
    """Raise a localised ValidationError unless the file has an allowed type and size and its
    content is a file of that type. Leaves the file readable from its start."""
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
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    signatures = SIGNATURES.get(extension)
    if signatures and not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            _("The file's content does not match its type %(ext)s.") % {"ext": extension},
            code="file_content",
        )
    try:
        _check_content(upload, extension)
    except _Unreadable:
        raise ValidationError(
            _("The file cannot be read as %(ext)s: it is damaged or of another type.")
            % {"ext": extension},
            code="file_content",
        ) from None
    finally:
        upload.seek(0)


def _check_content(upload: UploadedFile, extension: str) -> None:
    if extension == ".pdf":
        _check_pdf(upload)
    elif extension in IMAGE_FORMATS:
        _check_image(upload, IMAGE_FORMATS[extension])
    elif extension in OFFICE_MAIN_PARTS:
        _check_office(upload, OFFICE_MAIN_PARTS[extension])
    elif extension == ".zip":
        _open_zip(upload).close()


def _check_pdf(upload: UploadedFile) -> None:
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            reader.decrypt("")  # readable without a password, or refused below
        if len(reader.pages) < 1:
            raise _Unreadable
    except _Unreadable:
        raise
    except Exception as error:  # noqa: BLE001 - pypdf raises many kinds on a broken file
        raise _Unreadable from error


def _check_image(upload: UploadedFile, image_format: str) -> None:
    try:
        with Image.open(upload, formats=[image_format]) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _Unreadable
            image.verify()
        upload.seek(0)
        with Image.open(upload, formats=[image_format]) as image:
            image.draft("RGB", (max(width // 8, 1), max(height // 8, 1)))  # JPEG: decode small
            image.load()
    except _Unreadable:
        raise
    except Exception as error:  # noqa: BLE001 - Pillow raises many kinds on a broken file
        raise _Unreadable from error


def _open_zip(upload: UploadedFile) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(upload)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _Unreadable from error
    if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
        archive.close()
        raise _Unreadable
    return archive


def _check_office(upload: UploadedFile, main_type: str) -> None:
    with _open_zip(upload) as archive:
        names = set(archive.namelist())
        try:
            info = archive.getinfo("[Content_Types].xml")
        except KeyError:
            raise _Unreadable from None
        if info.file_size > _CONTENT_TYPES_MAX_BYTES:
            raise _Unreadable
        try:
            root = ElementTree.fromstring(archive.read(info))
        except (ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError) as error:
            raise _Unreadable from error
        parts = [
            (override.get("PartName") or "").lstrip("/")
            for override in root.iter(f"{_CT}Override")
            if override.get("ContentType") == main_type
        ]
        if not any(part in names for part in parts):
            raise _Unreadable
