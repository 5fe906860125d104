"""Shared fixtures. `world` is the cast every permission test uses (STYLE.md): HQ staff, the
regional manager of the partners' region and of another region, their channel manager, another
channel manager, and users of partner 1 and partner 2."""

import datetime
import os
import re
import shutil
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from qudao.core.services.auth import api_token_issue
from qudao.core.tests.factories import PASSWORD, OfficeFactory, RegionFactory, UserFactory
from qudao.partners.tests.factories import PartnerFactory

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if shutil.os.path.exists("/usr/bin/chromium") else None
)


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        default=os.environ.get("QUDAO_TEST_CLOCK", ""),
        help=(
            "run the whole suite as if the local time (TIME_ZONE, Asia/Shanghai) were this, "
            "the clock ticking on from there: 2027-12-31T23:30, or the next such moment after "
            "today: 12-31T23:30, 02-29T12:00 (the next leap day), sunT10:00 (the next Sunday)"
        ),
    )


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def clock_moment(spec: str, today: datetime.date, tz: ZoneInfo) -> datetime.datetime:
    """The aware moment a --clock value names. Relative forms give the next such moment after
    `today`, so the clock is always ahead of the real one: a browser keeps the session cookie
    that a server living in the future sets."""
    day_part, _, time_part = spec.partition("T")
    at = datetime.time.fromisoformat(time_part or "12:00")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day_part):
        day = datetime.date.fromisoformat(day_part)
    elif day_part in _WEEKDAYS:
        ahead = (_WEEKDAYS.index(day_part) - today.weekday() - 1) % 7 + 1
        day = today + datetime.timedelta(days=ahead)
    elif match := re.fullmatch(r"(\d{2})-(\d{2})", day_part):
        month, dom = int(match[1]), int(match[2])
        year = today.year
        while True:
            try:
                day = datetime.date(year, month, dom)
            except ValueError:  # 29 February of a common year
                year += 1
                continue
            if day > today:
                break
            year += 1
    else:
        raise pytest.UsageError(f"--clock: cannot read {spec!r}")
    return datetime.datetime.combine(day, at, tzinfo=tz)


def pytest_configure(config):
    spec = config.getoption("--clock")
    if not spec:
        return
    tz = ZoneInfo(os.environ.get("TIME_ZONE", "Asia/Shanghai"))
    moment = clock_moment(spec, datetime.datetime.now(tz).date(), tz)
    config._qudao_clock = time_machine.travel(moment, tick=True)
    config._qudao_clock.start()


def pytest_report_header(config):
    spec = config.getoption("--clock")
    if spec:
        now = datetime.datetime.now(ZoneInfo(os.environ.get("TIME_ZONE", "Asia/Shanghai")))
        return f"clock: {spec} -> the suite starts at {now:%Y-%m-%d %H:%M %Z (%A)}"
    return None


@pytest.fixture
def world(db):
    south = RegionFactory(code="HN", name="华南")
    east = RegionFactory(code="HD", name="华东")
    shenzhen = OfficeFactory(code="HN-SZ", name="深圳办事处", parent=south)
    shanghai = OfficeFactory(code="HD-SH", name="上海办事处", parent=east)
    w = SimpleNamespace(south=south, east=east, shenzhen=shenzhen, shanghai=shanghai)
    w.admin = UserFactory(username="admin_t", roles=["admin"])
    w.hq = UserFactory(username="director_t", roles=["director"])
    w.south_manager = UserFactory(username="south_t", roles=["regional_manager"], region=south)
    w.east_manager = UserFactory(username="east_t", roles=["regional_manager"], region=east)
    w.channel_mgr = UserFactory(username="cm_t", roles=["channel_manager"], region=shenzhen)
    w.other_cm = UserFactory(username="cm2_t", roles=["channel_manager"], region=shanghai)
    w.pm = UserFactory(username="pm_t", roles=["project_manager"], region=shenzhen)
    w.p1 = PartnerFactory(
        code="P-ONE", name="深圳一号科技有限公司", region=shenzhen, owner=w.channel_mgr
    )
    w.p2 = PartnerFactory(
        code="P-TWO", name="深圳二号科技有限公司", region=shenzhen, owner=w.channel_mgr
    )
    w.p3 = PartnerFactory(
        code="P-EAST", name="上海三号科技有限公司", region=shanghai, owner=w.other_cm
    )
    w.p1_user = UserFactory(username="p1_t", roles=["partner_sales"], partner=w.p1, region=shenzhen)
    w.p1_admin = UserFactory(
        username="p1a_t", roles=["partner_admin"], partner=w.p1, region=shenzhen
    )
    w.p2_user = UserFactory(username="p2_t", roles=["partner_sales"], partner=w.p2, region=shenzhen)
    return w


def login(user) -> Client:
    """A browser-like client logged in as `user` through the real log-in form."""
    client = Client()
    response = client.post("/accounts/login/", {"identifier": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def api_client(user) -> Client:
    """An API client carrying a bearer token of `user`."""
    token = api_token_issue(user=user)
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def as_user():
    return login


@pytest.fixture
def as_api():
    return api_client


@pytest.fixture
def chromium_path(_live_server_sessions_ended):
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium): browser test skipped")
    return CHROMIUM


@pytest.fixture(scope="session")
def _live_server_sessions_ended(django_db_setup, django_db_blocker):
    """After the browser tests, end the database sessions the live server left open.

    On PostgreSQL the project browser tests leave one connection to the test database open
    (idle, its last query one of the pages the browser loaded) that outlives the live server's
    request threads, which close their own: where it is opened is not found yet. The test
    database then could not be dropped at the end of the run ("being accessed by other users")
    and stayed behind. Torn down before the test database is dropped."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _empty_cache():
    # The cache is the process's memory (remembered capped counts, rate limits): every test
    # starts without what an earlier test left in it.
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
