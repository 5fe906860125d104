"""Log-in by username, e-mail or mobile number, throttled; API bearer tokens.

Failed log-ins are counted in the shared cache over a sliding window of LOGIN_LOCKOUT_MINUTES
(core.ratelimits), three ways at once:

- per account and client address, LOGIN_MAX_FAILURES: someone guessing from one address waits
  until their oldest failure leaves the window, while the owner elsewhere logs in as usual;
- per client address, LOGIN_ADDRESS_MAX_FAILURES: guessing many accounts from one address;
- per account, LOGIN_ACCOUNT_MAX_FAILURES, much higher: guessing one account from many
  addresses pauses its log-in for everyone until failures leave the window (`locked_until` shows
  staff until when; they may lift it). API tokens keep working: failed passwords never disable
  them.

Each attempt takes its use of the three limits before the password is checked, so that parallel
attempts never check more passwords than the limits allow; a successful log-in gives its uses
back and forgets the failures of its account and address.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..models import ApiToken, User
from ..ratelimits import LimitReached, limit_clear, limit_release, limit_take


class InvalidCredentials(Exception):
    """Unknown identifier, wrong password or inactive account (never says which)."""


class LoginLocked(Exception):
    """Too many failed log-ins: no password is checked until `until`. `scope` says whose
    failures: "client" (this account or any from this address) or "account" (this account from
    many addresses)."""

    def __init__(self, until: datetime, scope: str = "client"):
        super().__init__(f"log-in paused until {until.isoformat()} ({scope})")
        self.until = until
        self.scope = scope


def login_locked_message(locked: LoginLocked) -> str:
    """What the log-in page and the API say while log-in is paused, in the reader's language."""
    until = timezone.localtime(locked.until)
    time = date_format(until, "H:i" if until.date() == timezone.localdate() else "Y-m-d H:i")
    if locked.scope == "account":
        return _(
            "Too many failed log-ins for this account from several networks: log-in is paused "
            "until %(time)s. An administrator can lift the pause."
        ) % {"time": time}
    return _("Too many failed log-ins from your network: please try again after %(time)s.") % {
        "time": time
    }


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


def _login_limits(account: str, client_address: str) -> list[tuple[str, str, int]]:
    """(scope, limit name, limit) of an attempt on `account` from `client_address`."""
    address = client_address or "unknown"
    return [
        ("client", f"login:pair:{account}:{address}", settings.LOGIN_MAX_FAILURES),
        ("client", f"login:address:{address}", settings.LOGIN_ADDRESS_MAX_FAILURES),
        ("account", f"login:account:{account}", settings.LOGIN_ACCOUNT_MAX_FAILURES),
    ]


def _login_window() -> int:
    return settings.LOGIN_LOCKOUT_MINUTES * 60


def _account_of(user: User | None, identifier: str) -> str:
    # An unknown identifier is counted like an account, so that throttling says nothing about
    # which identifiers exist; hashed, so that any text makes a short, safe cache key.
    if user is not None:
        return f"user-{user.pk}"
    return "name-" + hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:32]


def _uses_take(limits: list[tuple[str, str, int]], user: User | None) -> list[str]:
    taken: list[str] = []
    for scope, name, limit in limits:
        try:
            taken.append(limit_take(name, limit=limit, window=_login_window()))
        except LimitReached as reached:
            for key in taken:
                limit_release(key)
            until = timezone.now() + timedelta(seconds=reached.retry_after)
            if scope == "account" and user is not None:
                User.objects.filter(pk=user.pk).update(locked_until=until)
            raise LoginLocked(until, scope) from None
    return taken


def user_authenticate(*, identifier: str, password: str, client_address: str = "") -> User:
    """The user whose identifier and password match; raises InvalidCredentials, or LoginLocked
    while failed log-ins of this account or address are over a limit (no password checked)."""
    user = user_find_by_identifier(identifier)
    limits = _login_limits(_account_of(user, identifier or ""), client_address)
    uses = _uses_take(limits, user)
    if user is None:
        make_password(password)  # spend the same time as a real check
        raise InvalidCredentials
    if not user.check_password(password or "") or not user.is_active:
        raise InvalidCredentials
    for key in uses:
        limit_release(key)
    _scope, pair, limit = limits[0]
    limit_clear(pair, limit=limit, window=_login_window())
    if user.failed_login_count or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        user.failed_login_count, user.locked_until = 0, None
    return user


def user_unlock(*, user: User) -> None:
    """Staff lift the pause of an account's log-in: its failures from every address are
    forgotten (those counted per client address stay)."""
    _scope, name, limit = _login_limits(_account_of(user, ""), "")[2]
    limit_clear(name, limit=limit, window=_login_window())
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
    """The active user a bearer token belongs to, or None. Failed log-ins never disable a
    token: the owner's integrations keep working whatever someone guesses at the log-in."""
    if not raw:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw), expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or token.last_used_at < now - timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
