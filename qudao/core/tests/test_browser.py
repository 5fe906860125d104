"""Browser journeys in Debian's Chromium through Playwright: log-in and partner isolation, language.

Few, real, stable: each test drives the live server the way a person would, and waits only through
Playwright's auto-waiting `expect()`.
"""

import re

import pytest
from django.utils import translation

from qudao.core.tests.factories import OfficeFactory, UserFactory
from qudao.partners.tests.factories import PartnerFactory

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    live_server, two_partners, page, log_in
):
    # Given two partners of one office and a sales user of partner 1
    p1, p2 = two_partners

    # When they log in through the form and open the partner list
    log_in(page, "p1_sales_t")
    page.goto(f"{live_server.url}/partners/", wait_until="networkidle")

    # Then they land on partner 1's own page, and partner 2 is nowhere
    expect(page).to_have_url(f"{live_server.url}/partners/{p1.pk}/")
    expect(page.locator("h1")).to_contain_text(p1.name)
    expect(page.locator("body")).not_to_contain_text(p2.name)

    # And partner 2's detail page is a 404 that does not leak its name
    response = page.goto(f"{live_server.url}/partners/{p2.pk}/", wait_until="networkidle")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text(p2.name)


def test_login_page_is_chinese_by_default_and_switches_to_english(live_server, page):
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
