"""Document numbers and upload checks, shared by every module."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from qudao.core.numbering import next_number
from qudao.core.uploads import DOCUMENTS, IMAGES_AND_PDF, validate_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


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
    [("licence.pdf", PDF), ("photo.PNG", PNG), ("scan.jpeg", b"\xff\xd8\xff\xe0xx")],
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
