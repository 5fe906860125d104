"""Production settings refuse to start half-configured, pass `check --deploy`, and /healthz tells
a load balancer whether the database answers."""

import json
import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Left out of the child's environment: the settings under test, and a flag the browser tests
# set for this whole test process (check --deploy rightly refuses it, as async.E001).
NOT_INHERITED = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "CSRF_TRUSTED_ORIGINS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def child_environment(**env: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    environment.update(env)
    return environment


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`python manage.py <args>` in a fresh process, with the given environment changes."""
    environment = child_environment(**env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def random_secret_key(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def test_production_without_secret_key_refuses_to_start():
    # Given DEBUG off and no SECRET_KEY
    # When Django starts
    result = manage("check", DEBUG="0", ALLOWED_HOSTS="qudao.example.com")

    # Then it stops and says which setting is missing
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_with_short_secret_key_refuses_to_start():
    result = manage("check", DEBUG="0", SECRET_KEY="too-short", ALLOWED_HOSTS="qudao.example.com")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    # Given DEBUG off and a proper SECRET_KEY, but no ALLOWED_HOSTS
    # When Django starts
    result = manage("check", DEBUG="0", SECRET_KEY=random_secret_key())

    # Then it stops and names ALLOWED_HOSTS
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOWED_HOSTS" in result.stderr
    assert "SECRET_KEY" not in result.stderr


def test_production_settings_pass_the_deploy_check():
    # Given DEBUG off with SECRET_KEY and ALLOWED_HOSTS set
    # When Django's deployment check runs, failing on warnings too
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=random_secret_key(),
        ALLOWED_HOSTS="qudao.example.com",
    )

    # Then it reports no issue at all
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_settings_start_without_configuration():
    result = manage("check")

    assert result.returncode == 0, result.stderr


def test_healthz_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}


HEALTHZ_PROBE = """
import django, json
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status_code": response.status_code, "body": response.json()}))
"""


def test_healthz_answers_503_when_the_database_is_down():
    # Given a database nobody listens on
    environment = child_environment(
        DJANGO_SETTINGS_MODULE="qudao.settings",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere",
    )

    # When /healthz is asked
    result = subprocess.run(
        [sys.executable, "-c", HEALTHZ_PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    # Then it answers 503 with an error status, rather than raising
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status_code"] == 503
    assert answer["body"]["status"] == "error"
    assert answer["body"]["database"] != "ok"


PRODUCTION_PROBE = """
import django, json, re
django.setup()
from django.test import Client
client = Client()
page = client.get("/accounts/login/", secure=True)
css = re.search(r'href="(/static/vendor/bootstrap/css/[^"]+)"', page.content.decode())[1]
static = client.get(css, secure=True)
plain = client.get("/accounts/login/")
print(json.dumps({
    "page": page.status_code, "css": css, "static": static.status_code,
    "cache": static.headers.get("Cache-Control", ""), "plain": plain.status_code,
}))
"""


def test_production_mode_collects_static_files_and_serves_pages(tmp_path):
    # Given production settings and the static files collected as scripts/serve.sh does
    production = {
        "DEBUG": "0",
        "SECRET_KEY": random_secret_key(),
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    collected = manage("collectstatic", "--noinput", **production)
    assert collected.returncode == 0, collected.stderr

    # When the log-in page and the stylesheet it links are asked for over HTTPS (the proxy's)
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=child_environment(DJANGO_SETTINGS_MODULE="qudao.settings", **production),
        capture_output=True,
        text=True,
        timeout=120,
    )

    # Then both answer 200, the stylesheet under its hashed name and cached for good, and plain
    # HTTP is redirected to HTTPS
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["page"] == 200 and answer["static"] == 200, answer
    assert re.fullmatch(
        r"/static/vendor/bootstrap/css/bootstrap\.min\.[0-9a-f]{12}\.css", answer["css"]
    )
    assert "immutable" in answer["cache"]
    assert answer["plain"] == 301
