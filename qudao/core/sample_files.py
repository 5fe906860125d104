"""Small real files of each accepted type, for demo data and tests.

They pass the content checks of core.uploads (a PDF with a page, images that decode, Office files
with their main part)."""

import io
import zipfile
from functools import cache

from PIL import Image
from pypdf import PdfWriter

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Qudao</w:t></w:r></w:p></w:body></w:document>"
)


@cache
def pdf_bytes() -> bytes:
    """A one-page PDF (A4, blank)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@cache
def image_bytes(image_format: str = "PNG") -> bytes:
    """A small picture as PNG or JPEG."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (40, 90, 160)).save(out, format=image_format)
    return out.getvalue()


@cache
def docx_bytes() -> bytes:
    """A Word document with one paragraph."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("word/document.xml", _DOCUMENT)
    return out.getvalue()
