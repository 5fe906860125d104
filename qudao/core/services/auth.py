"""Log-in by username, e-mail or mobile number, with lock-out; API bearer tokens."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import ApiToken, User


class InvalidCredentials(Exception):
    """Unknown identifier, wrong password or inactive account (never says which)."""


class LoginLocked(Exception):
    def __init__(self, until: datetime):
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


def user_find_by_identifier(identifier: str) -> User | None:
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    query = Q(username__iexact=identifier)
    if "@" in identifier:
        query |= Q(email__iexact=identifier)
    elif identifier.isdigit():
        query |= Q(mobile=identifier)
    return User.objects.filter(query).order_by("pk").first()


def user_authenticate(*, identifier: str, password: str) -> User:
    """The user whose identifier and password match; raises InvalidCredentials or LoginLocked."""
    user = user_find_by_identifier(identifier)
    if user is None:
        make_password(password)  # spend the same time as a real check
        raise InvalidCredentials
    now = timezone.now()
    if user.is_locked(now):
        raise LoginLocked(user.locked_until)
    if not user.check_password(password or "") or not user.is_active:
        _user_record_failure(user, now)
        raise InvalidCredentials
    if user.failed_login_count or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        user.failed_login_count, user.locked_until = 0, None
    return user


def _user_record_failure(user: User, now: datetime) -> None:
    until = None
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
        failures = User.objects.values_list("failed_login_count", flat=True).get(pk=user.pk)
        if failures >= settings.LOGIN_MAX_FAILURES:
            until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=until)
    if until is not None:
        raise LoginLocked(until)


def user_unlock(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)


def api_token_issue(*, user: User) -> str:
    """A new bearer token for `user`; only its digest is stored, so it is shown once."""
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        digest=ApiToken.digest_of(raw),
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
    )
    return raw


def api_token_user(raw: str) -> User | None:
    """The active, unlocked user a bearer token belongs to, or None."""
    if not raw:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw), expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active or token.user.is_locked(now):
        return None
    if token.last_used_at is None or token.last_used_at < now - timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
