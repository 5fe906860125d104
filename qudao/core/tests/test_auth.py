"""Log-in by username, e-mail or mobile; throttled failures; API tokens."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone, translation

from qudao.core.models import ApiToken
from qudao.core.services.auth import (
    InvalidCredentials,
    LoginLocked,
    api_token_issue,
    api_token_user,
    user_authenticate,
    user_unlock,
)
from qudao.core.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["username", "email", "mobile"])
def test_login_page_accepts_username_email_or_mobile(field):
    user = UserFactory(username="wang", email="wang@example.com", mobile="13912345678")
    client = Client()

    response = client.post(
        "/accounts/login/", {"identifier": getattr(user, field), "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.get("/").context["user"] == user


def test_wrong_password_shows_error_and_does_not_log_in():
    UserFactory(username="wang")
    client = Client()

    response = client.post("/accounts/login/", {"identifier": "wang", "password": "nope"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert client.get("/").status_code == 302  # still sent to the log-in page


def fail(identifier="wang", address="10.0.0.1", password="bad"):
    """One log-in attempt; what it raised ("invalid", "locked") or "ok"."""
    try:
        user_authenticate(identifier=identifier, password=password, client_address=address)
    except InvalidCredentials:
        return "invalid"
    except LoginLocked:
        return "locked"
    return "ok"


def test_failures_from_one_address_pause_that_address_not_the_owner_elsewhere(settings):
    settings.LOGIN_MAX_FAILURES = 3
    user = UserFactory(username="wang")

    assert [fail() for _ in range(4)] == ["invalid"] * 3 + ["locked"]
    assert fail(password=PASSWORD) == "locked"  # no password is checked from there

    assert user_authenticate(identifier="wang", password=PASSWORD, client_address="10.9.9.9")
    user.refresh_from_db()
    assert user.locked_until is None


def test_failures_decay_and_a_success_forgets_them(settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCKOUT_MINUTES = 15
    UserFactory(username="wang")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert [fail() for _ in range(3)] == ["invalid"] * 3
        assert fail() == "locked"
        clock.move_to(start + timedelta(minutes=10))
        assert fail() == "locked"

        clock.move_to(start + timedelta(minutes=18))  # the failures have left the window
        assert fail() == "invalid"
        assert fail(password=PASSWORD) == "ok"

        assert [fail() for _ in range(3)] == ["invalid"] * 3  # counted afresh


def test_one_address_guessing_many_accounts_is_paused(settings):
    settings.LOGIN_MAX_FAILURES = 5
    settings.LOGIN_ADDRESS_MAX_FAILURES = 4
    for n in range(5):
        UserFactory(username=f"user{n}")

    results = [fail(f"user{n}") for n in range(5)] + [fail("nobody")]

    assert results == ["invalid"] * 4 + ["locked", "locked"]
    assert fail("user0", address="10.0.0.2") == "invalid"


def test_many_addresses_pause_the_account_but_never_its_api_tokens(settings):
    settings.LOGIN_MAX_FAILURES = 5
    settings.LOGIN_ACCOUNT_MAX_FAILURES = 6
    user = UserFactory(username="wang")
    token = api_token_issue(user=user)

    results = [fail(address=f"10.0.1.{n}") for n in range(7)]

    assert results == ["invalid"] * 6 + ["locked"]
    with pytest.raises(LoginLocked) as locked:
        user_authenticate(identifier="wang", password=PASSWORD, client_address="10.0.2.1")
    assert locked.value.scope == "account"
    user.refresh_from_db()
    assert user.locked_until > timezone.now()  # staff see until when, and may lift it
    me = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me")
    assert me.status_code == 200 and api_token_user(token) == user

    user_unlock(user=user)

    assert fail(address="10.0.2.1", password=PASSWORD) == "ok"


@pytest.mark.parametrize("cache_backend", ["database", "locmem"])
def test_unknown_names_are_throttled_like_accounts(settings, cache_backend):
    if cache_backend == "database":  # its keys are at most 255 characters
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": settings.CACHE_TABLE,
            }
        }
    settings.LOGIN_MAX_FAILURES = 2
    long_name = "无此人 " * 80  # any text, however long, makes a usable cache key

    assert [fail("nobody") for _ in range(3)] == ["invalid", "invalid", "locked"]
    assert [fail(long_name) for _ in range(3)] == ["invalid", "invalid", "locked"]


def test_paused_log_in_message_on_login_page(settings):
    settings.LOGIN_MAX_FAILURES = 1
    UserFactory(username="wang")
    Client().post("/accounts/login/", {"identifier": "wang", "password": "bad"})

    with translation.override("zh-hans"):
        response = Client().post("/accounts/login/", {"identifier": "wang", "password": PASSWORD})

    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "too many" in errors.lower() or "过多" in errors or "次数" in errors
    assert client_logged_out(response)


def client_logged_out(response) -> bool:
    return "_auth_user_id" not in response.wsgi_request.session


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("cache_backend", ["database", "locmem"])
def test_twenty_parallel_wrong_passwords_check_at_most_the_limit(settings, cache_backend):
    settings.CACHES = {
        "database": {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": settings.CACHE_TABLE,
            }
        },
        "locmem": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    }[cache_backend]
    settings.LOGIN_MAX_FAILURES = 5
    UserFactory(username="wang")
    start = Barrier(20)

    def attempt(_):
        start.wait()
        try:
            return fail()
        finally:
            connection.close()

    try:
        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(pool.map(attempt, range(20)))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(settings.CACHE_TABLE)}")

    assert results.count("invalid") == 5 and results.count("locked") == 15


def test_inactive_user_cannot_log_in():
    UserFactory(username="gone", is_active=False)

    with pytest.raises(InvalidCredentials):
        user_authenticate(identifier="gone", password=PASSWORD)


def test_api_token_by_mobile_and_use_it():
    user = UserFactory(mobile="13912345678")
    client = Client()

    response = client.post(
        "/api/v1/auth/token",
        {"username": "13912345678", "password": PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["username"] == user.username
    # Only the digest is stored.
    assert not ApiToken.objects.filter(digest=token).exists()


def test_api_token_wrong_credentials_is_401_json():
    UserFactory(username="wang")

    response = Client().post(
        "/api/v1/auth/token",
        {"username": "wang", "password": "bad"},
        content_type="application/json",
    )

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_api_token_paused_log_in_is_429_with_when(settings):
    settings.LOGIN_MAX_FAILURES = 1
    UserFactory(username="wang")
    client = Client()
    client.post(
        "/api/v1/auth/token", {"username": "wang", "password": "x"}, content_type="application/json"
    )

    response = client.post(
        "/api/v1/auth/token",
        {"username": "wang", "password": PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    body = response.json()
    assert body["code"] == "too_many_attempts" and body["locked_until"] and body["message"]


def test_api_token_missing_fields_is_422_with_field_errors():
    response = Client().post(
        "/api/v1/auth/token", {"username": ""}, content_type="application/json"
    )

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "username" in errors and "password" in errors


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer not-a-token", "Basic abc"])
def test_api_without_valid_token_is_401(header):
    headers = {"Authorization": header} if header else {}

    response = Client(headers=headers).get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_expired_token_and_deactivated_user_are_refused():
    user = UserFactory()
    raw = api_token_issue(user=user)
    assert api_token_user(raw) == user

    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api_token_user(raw) is None

    fresh = api_token_issue(user=user)
    user.is_active = False
    user.save()
    assert api_token_user(fresh) is None


def test_logout_needs_post_and_ends_the_session(world, as_user):
    client = as_user(world.hq)

    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")

    assert client.get("/").status_code == 302
