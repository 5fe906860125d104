"""Document numbers and upload checks, shared by every module."""

import io
import threading
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from openpyxl import Workbook
from PIL import Image

from qudao.core.numbering import next_number
from qudao.core.sample_files import docx_bytes, image_bytes, pdf_bytes
from qudao.core.uploads import DOCUMENTS, IMAGES_AND_PDF, validate_upload

PDF = pdf_bytes()
PNG = image_bytes("PNG")


@pytest.mark.django_db
def test_numbers_count_per_prefix_and_year():
    assert next_number("SQ", year=2026) == "SQ-2026-000001"
    assert next_number("SQ", year=2026) == "SQ-2026-000002"
    assert next_number("HT", year=2026, digits=4) == "HT-2026-0001"
    assert next_number("SQ", year=2027) == "SQ-2027-000001"


@pytest.mark.django_db(transaction=True)
def test_numbers_stay_unique_under_concurrency():
    found: list[str] = []

    def take():
        try:
            for _ in range(10):
                found.append(next_number("BB", year=2026))
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(found) == 40
    assert len(set(found)) == 40
    assert max(found) == "BB-2026-000040"


@pytest.mark.parametrize(
    ("name", "content"),
    [("licence.pdf", PDF), ("photo.PNG", PNG), ("scan.jpeg", image_bytes("JPEG"))],
)
def test_good_files_pass(name, content):
    validate_upload(SimpleUploadedFile(name, content), allowed=IMAGES_AND_PDF)


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("virus.exe", b"MZ\x90\x00", "file_type"),
        ("no-extension", PDF, "file_type"),
        ("empty.pdf", b"", "file_empty"),
        ("renamed.pdf", b"MZ\x90\x00 not a pdf", "file_content"),
        ("renamed.png", PDF, "file_content"),
        ("page.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>", "file_content"),
        ("cut.pdf", PDF[: len(PDF) // 2], "file_content"),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "file_content"),
        ("scan.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "file_content"),
        ("cut.png", PNG[: len(PNG) - 20], "file_content"),
    ],
)
def test_bad_files_are_refused_with_a_reason(name, content, code):
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile(name, content), allowed=IMAGES_AND_PDF)

    assert error.value.code == code


def test_size_limit():
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)

    with pytest.raises(ValidationError) as error:
        validate_upload(upload, allowed=DOCUMENTS, max_bytes=1024)

    assert error.value.code == "file_size"
    validate_upload(upload, allowed=DOCUMENTS, max_bytes=4096)
    assert upload.read(4) == b"%PDF"  # the check leaves the file readable from the start


def zip_of(**members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name.replace("__", "/").replace("CT", "[Content_Types].xml"), text)
    return buffer.getvalue()


def workbook_bytes() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def test_office_files_and_zips_that_are_what_they_say_pass():
    for name, content in [
        ("report.docx", docx_bytes()),
        ("sheet.xlsx", workbook_bytes()),
        ("bundle.zip", zip_of(readme__txt="hello")),
    ]:
        validate_upload(SimpleUploadedFile(name, content), allowed=DOCUMENTS)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.docx", workbook_bytes()),  # a workbook renamed
        ("sheet.xlsx", docx_bytes()),  # a Word document renamed
        ("report.docx", zip_of(readme__txt="no content types")),
        ("report.docx", zip_of(CT="<Types/>")),  # no main part named
        ("report.docx", zip_of(CT="<not xml")),
        ("bundle.zip", b"PK\x03\x04" + b"\x00" * 64),
    ],
    ids=["xlsx-as-docx", "docx-as-xlsx", "no-content-types", "no-main-part", "bad-xml", "zip"],
)
def test_office_files_and_zips_of_the_wrong_kind_are_refused(name, content):
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile(name, content), allowed=DOCUMENTS)

    assert error.value.code == "file_content"


def test_an_image_of_too_many_pixels_is_refused_without_decoding_it():
    buffer = io.BytesIO()
    Image.new("1", (8000, 6000)).save(buffer, format="PNG")  # 48 million pixels, a small file

    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("huge.png", buffer.getvalue()), allowed=IMAGES_AND_PDF)

    assert error.value.code == "file_content"


# --- request bodies capped before they are read ------------------------------------------------


class UnreadBody(io.RawIOBase):
    """A request body of any declared size that counts what is read from it."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        size = min(len(buffer), 64 * 1024)
        buffer[:size] = b"\x00" * size
        self.read_bytes += size
        return size


def post_declaring(client, path: str, length: int) -> tuple:
    body = UnreadBody()
    response = client.generic(
        "POST",
        path,
        b"-",
        content_type="multipart/form-data; boundary=qudao",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": body},
    )
    return response, body


SIXTY_MB = 60 * 1024 * 1024


@pytest.mark.django_db
def test_a_60_mb_application_form_is_refused_unread_with_a_localised_413():
    client = Client()
    client.cookies["django_language"] = "en"

    response, body = post_declaring(client, "/partners/apply/", SIXTY_MB)

    assert response.status_code == 413 and body.read_bytes == 0
    text = response.content.decode()
    assert "too large" in text and "60.0\xa0MB" in text and "40.2\xa0MB" in text


@pytest.mark.django_db
def test_a_60_mb_api_upload_is_refused_unread_with_the_api_error_shape(world, as_api):
    application_url = "/api/v1/partner-applications/SQ-2026-000001/attachments?token=x"
    partner_url = f"/api/v1/partners/{world.p1.pk}/documents"

    for client, url in [(Client(), application_url), (as_api(world.p1_admin), partner_url)]:
        response, body = post_declaring(client, url, SIXTY_MB)

        assert response.status_code == 413 and body.read_bytes == 0
        assert response.json()["code"] == "request_too_large"


@pytest.mark.django_db
def test_the_ceiling_holds_for_views_that_take_no_files(settings):
    settings.REQUEST_MAX_BYTES = 5 * 1024 * 1024

    response, body = post_declaring(Client(), "/accounts/login/", SIXTY_MB)

    assert response.status_code == 413 and body.read_bytes == 0
