"""The application shell in Chromium: at 1,280 px the side bar and the user menu fit in Chinese
and English (no page wider than the screen, no entry cut short); at 390 px the side bar is an
off-canvas menu behind the menu button."""

import re

import pytest

from qudao.core.tests.factories import UserFactory
from qudao.partners.tests.factories import PartnerFactory

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDER_THAN_SCREEN = "document.documentElement.scrollWidth > window.innerWidth"
# Entries and headings of the side bar whose label does not fit on its line.
CUT_LABELS = """() => [...document.querySelectorAll('[data-nav] > span, .qd-nav-heading > span')]
  .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""


@pytest.fixture
def director(transactional_db, world):
    """The channel director of the shared cast, with a few partners (made before the browser
    starts)."""
    for index in range(3):
        PartnerFactory(region=world.shenzhen, owner=world.channel_mgr, name=f"深圳测试伙伴{index}")
    return world.hq


@pytest.fixture
def partner_user(transactional_db, world):
    return UserFactory(
        username="p1_phone", roles=["partner_admin"], partner=world.p1, region=world.shenzhen
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_at_1280_px_the_shell_fits_and_the_user_menu_works(director, new_page, log_in, language):
    page = new_page()  # 1,280 px, Chinese
    log_in(page, director.username)

    # When the director picks the language from the user menu
    page.click("[data-testid=user-menu]")
    page.click(f"[data-testid=user-menu-items] button[data-language={language}]")
    expect(page.locator("html")).to_have_attribute("lang", language)

    for path in ("/", "/partners/", "/performance/targets/", "/approvals/"):
        page.goto(path, wait_until="networkidle")
        # Then no page is wider than the screen, every label is on one line
        assert not page.evaluate(WIDER_THAN_SCREEN), path
        assert page.evaluate(CUT_LABELS) == [], path
        # And the side bar is there without a menu button, the user menu in view
        expect(page.locator("[data-testid=main-nav]")).to_be_visible()
        expect(page.locator("[data-testid=menu-button]")).to_be_hidden()
        expect(page.locator("[data-testid=user-menu]")).to_be_in_viewport()

    # And the user menu opens on its items: profile, language, log out
    page.click("[data-testid=user-menu]")
    expect(page.locator("[data-testid=log-out]")).to_be_visible()
    expect(page.locator("[data-testid=user-menu-items] button[data-language=en]")).to_be_visible()
    page.keyboard.press("Escape")
    # And a collapsed group opens on a click, with its entries on one line each
    page.click("[data-nav-group=deals] .qd-nav-heading")
    expect(page.locator("[data-nav=registration-review]")).to_be_visible()
    assert page.evaluate(CUT_LABELS) == []


def test_at_390_px_the_side_bar_is_an_off_canvas_menu(partner_user, new_page, log_in):
    page = new_page(size=(390, 844))
    log_in(page, partner_user.username)

    # Then the side bar is hidden, the menu button and the user menu are in view
    expect(page.locator("[data-nav=registrations]")).to_be_hidden()
    expect(page.locator("[data-testid=user-menu]")).to_be_in_viewport()
    assert not page.evaluate(WIDER_THAN_SCREEN)

    # When the menu button is tapped, the off-canvas menu slides in with the entries
    page.click("[data-testid=menu-button]")
    expect(page.locator("#qd-sidebar")).to_have_class(re.compile(r"\bshow\b"))
    page.click("[data-nav-group=deals] .qd-nav-heading")
    page.click("[data-nav=registrations]")

    # Then the entry leads to its page, where it is the active one
    expect(page).to_have_url(re.compile(r"/registrations/$"))
    expect(page.locator("[data-nav=registrations]")).to_have_attribute("aria-current", "page")
    assert not page.evaluate(WIDER_THAN_SCREEN)
