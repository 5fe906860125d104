"""Browser journeys in Debian's Chromium through Playwright: log-in and partner isolation, language.

Few, real, stable: each test drives the live server the way a person would, and waits only through
Playwright's auto-waiting `expect()`.
"""

import re

import pytest
from django.utils import translation

from qudao.core.tests.factories import PASSWORD, OfficeFactory, UserFactory
from qudao.partners.tests.factories import PartnerFactory

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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
TIMEOUT_MS = 15_000  # generous: the machine running the suite may be busy with other workers


@pytest.fixture
def browser_page(chromium_path, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are plain synchronous calls, so Django's async-safety guard is a false alarm.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context()
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        try:
            yield page
        finally:
            context.close()
            browser.close()


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=identifier]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(f"{base_url}/")
    # Let every request of the page finish: a request cut off by the next navigation would
    # leave its server thread's database connection open.
    page.wait_for_load_state("networkidle")


@pytest.fixture
def two_partners(transactional_db):
    """Two partners of one office and a sales user of partner 1, made before the browser starts
    (inside Playwright's event loop the ORM would open a connection nobody closes)."""
    office = OfficeFactory(code="HN-SZ", name="深圳办事处")
    p1 = PartnerFactory(code="P-ONE", name="深圳一号科技有限公司", region=office)
    p2 = PartnerFactory(code="P-TWO", name="深圳二号科技有限公司", region=office)
    UserFactory(username="p1_sales_t", roles=["partner_sales"], partner=p1, region=office)
    return p1, p2


def test_partner_user_sees_only_own_partner_and_gets_404_for_another(
    live_server, two_partners, browser_page
):
    # Given two partners of one office and a sales user of partner 1
    p1, p2 = two_partners
    page = browser_page

    # When they log in through the form and open the partner list
    log_in(page, live_server.url, "p1_sales_t")
    page.goto(f"{live_server.url}/partners/", wait_until="networkidle")

    # Then only partner 1's row is there
    rows = page.locator("[data-testid=partner-table] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(p1.name)
    expect(page.locator("body")).not_to_contain_text(p2.name)

    # And partner 2's detail page is a 404 that does not leak its name
    response = page.goto(f"{live_server.url}/partners/{p2.pk}/", wait_until="networkidle")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text(p2.name)


def test_login_page_is_chinese_by_default_and_switches_to_english(live_server, browser_page):
    page = browser_page
    with translation.override("zh-hans"):
        chinese_log_in = translation.gettext("Log in")

    # Given a first visit, with no language chosen
    page.goto(f"{live_server.url}/accounts/login/")

    # Then the page is in Chinese
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    if chinese_log_in != "Log in":  # once the zh_Hans catalog translates it
        expect(page.locator("form button[type=submit]")).to_have_text(chinese_log_in)

    # When the visitor picks English
    page.click("button[data-language=en]")

    # Then the log-in page comes back in English
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("form button[type=submit]")).to_have_text("Log in")
