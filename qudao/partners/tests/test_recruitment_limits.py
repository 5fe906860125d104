"""The public application limit holds across server processes: two processes that share nothing
but the configured cache (the database cache) and the database post the public form at once."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from qudao.partners.models import PartnerApplication

from .test_recruitment_support import PDF, form_data, qualification_card

# One server process: Django as production configures it (the database cache, this database),
# posting the public form as one client address, in parallel with the other process.
SERVER_PROCESS = """
import json, os, sys
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
from django.core.files.uploadedfile import SimpleUploadedFile

setup_test_environment()
forms = json.loads(sys.argv[1])
pdf = open(sys.argv[2], "rb").read()
client = Client(REMOTE_ADDR="203.0.113.7")
codes = []
for form in forms:
    upload = SimpleUploadedFile("licence.pdf", pdf, content_type="application/pdf")
    codes.append(client.post("/partners/apply/", {**form, "licence": upload}).status_code)
print(json.dumps(codes))
"""


def _database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    user = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return (
        f"postgres://{user}@{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}"
        f"/{database['NAME']}"
    )


def _empty_cache_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(settings.CACHE_TABLE)}")


@pytest.mark.django_db(transaction=True)
def test_the_application_limit_holds_at_five_across_two_server_processes(world, tmp_path):
    qualification_card()
    _empty_cache_table()
    pdf_path = tmp_path / "licence.pdf"
    pdf_path.write_bytes(PDF)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTEST_VERSION", "PYTEST_CURRENT_TEST"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="qudao.settings",
        CACHE_BACKEND="database",
        DATABASE_URL=_database_url(),
        MEDIA_ROOT=str(tmp_path / "media"),
        APPLICATION_RATE_LIMIT_PER_HOUR="5",
    )
    batches = [
        [{k: str(v) for k, v in form_data(world, n=900 + 10 * p + i).items()} for i in range(4)]
        for p in range(2)
    ]
    try:
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", SERVER_PROCESS, json.dumps(batch), str(pdf_path)],
                cwd=Path(settings.BASE_DIR),
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for batch in batches
        ]
        outputs = [process.communicate(timeout=120) for process in processes]
    finally:
        _empty_cache_table()

    codes = []
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err[-3000:]
        codes += json.loads(out.strip().splitlines()[-1])
    assert sorted(codes) == [302] * 5 + [429] * 3
    assert PartnerApplication.objects.count() == 5
