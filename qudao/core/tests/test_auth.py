"""Log-in by username, e-mail or mobile; lock-out; API tokens."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from qudao.core.models import ApiToken
from qudao.core.services.auth import (
    InvalidCredentials,
    LoginLocked,
    api_token_issue,
    api_token_user,
    user_authenticate,
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


def test_account_locks_after_repeated_failures_even_with_right_password(settings):
    settings.LOGIN_MAX_FAILURES = 3
    user = UserFactory(username="wang")
    for _ in range(2):
        with pytest.raises(InvalidCredentials):
            user_authenticate(identifier="wang", password="bad")

    with pytest.raises(LoginLocked):
        user_authenticate(identifier="wang", password="bad")
    with pytest.raises(LoginLocked):
        user_authenticate(identifier="wang", password=PASSWORD)

    user.refresh_from_db()
    assert user.locked_until > timezone.now()


def test_lock_expires_and_success_resets_the_counter(settings):
    settings.LOGIN_MAX_FAILURES = 3
    user = UserFactory(username="wang", locked_until=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InvalidCredentials):
        user_authenticate(identifier="wang", password="bad")

    assert user_authenticate(identifier="wang", password=PASSWORD) == user

    user.refresh_from_db()
    assert user.failed_login_count == 0 and user.locked_until is None


def test_locked_account_message_on_login_page(settings):
    settings.LOGIN_MAX_FAILURES = 1
    UserFactory(username="wang")

    response = Client().post("/accounts/login/", {"identifier": "wang", "password": "bad"})

    errors = " ".join(response.context["form"].non_field_errors())
    assert "locked" in errors or "锁定" in errors


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


def test_api_token_locked_account_says_so(settings):
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

    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "account_locked" and body["locked_until"]


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
