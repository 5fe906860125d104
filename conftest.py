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


NO_CHROMIUM = "Chromium is not installed (apt-get install chromium): browser test skipped"
# Debian's Chromium, headless, without anything that phones home or waits on the network.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_TIMEOUT_MS = (
    15_000  # generous: the machine running the suite may be busy with other workers
)
DESKTOP = (1280, 800)
PHONE = (390, 844)


@pytest.fixture
def chromium_path(_live_server_sessions_ended):
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    return CHROMIUM


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests run last. The shared Chromium keeps Playwright's event loop running in the
    test process from the first browser test on, with Django's async-safety guard switched off
    (see `chromium`): the other tests run before it, with the guard on."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def chromium(_live_server_sessions_ended):
    """One headless Chromium for the whole test process; each test opens its own contexts (see
    `browser`), which are as separate as two browsers: cookies, storage, viewport, language."""
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread until it stops; the ORM calls the
    # tests make around it are plain synchronous calls, so Django's async-safety guard, which
    # sees a running loop, would raise a false alarm.
    unsafe_before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_api.sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()
        if unsafe_before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = unsafe_before


@pytest.fixture
def browser(chromium):
    """The shared Chromium; the contexts a test opens are closed when it ends."""
    yield chromium
    for context in chromium.contexts:
        context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Opens a page in a new browser context on the live server (relative URLs work:
    `page.goto("/partners/")`): `new_page(language="en", size=PHONE)`. The language is the
    language cookie (none: the site's default, Chinese); `size` is the viewport."""

    def open_page(language: str | None = None, size: tuple[int, int] = DESKTOP):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": size[0], "height": size[1]}
        )
        context.set_default_timeout(BROWSER_TIMEOUT_MS)
        page = context.new_page()
        if language:
            browser_language_set(page, language, live_server.url)
        return page

    return open_page


@pytest.fixture
def page(new_page):
    """A page in a new context: Chinese, 1,280 px wide."""
    return new_page()


def browser_language_set(page, language: str, base_url: str | None = None) -> None:
    """Switch the page's browser context to `language` ("zh-hans", "en") as the language switch
    does, through its cookie (without changing the user's profile); the next page load shows it.
    """
    from django.conf import settings

    url = base_url or re.match(r"https?://[^/]+", page.url)[0]
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}]
    )


def browser_log_in(page, username: str, password: str = PASSWORD) -> None:
    """Log `username` in through the log-in form; returns on the home page, settled."""
    page.goto("/accounts/login/")
    page.fill("input[name=identifier]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    if page.url.rstrip("/").endswith("/accounts/login"):
        raise AssertionError(f"{username} could not log in: still on {page.url}")
    # Let every request of the page finish: a request cut off by the next navigation would
    # leave its server thread's database connection open.
    page.wait_for_load_state("networkidle")


@pytest.fixture
def log_in():
    """`log_in(page, username, password=PASSWORD)`: the log-in form, as a person fills it."""
    return browser_log_in


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


@pytest.fixture
def set_language():
    """`set_language(page, "en")`: the language switch, for the page's next load."""
    return browser_language_set
