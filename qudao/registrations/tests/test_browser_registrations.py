"""Browser journey of deal registration, in Debian's Chromium through Playwright: partner 1
registers a customer through the form; partner 2 registers the same customer spelled differently,
is told while typing that it is probably registered already, and never sees partner 1; the
channel manager opens the review queue, sees both registrations with the reasons, and approves
partner 1's.

Everything the journey needs is made before the browser starts; during it the test reads only
the pages (no ORM inside Playwright's event loop)."""

import datetime
import re

import pytest
from django.utils import timezone

from qudao.core.tests.factories import PASSWORD

from .factories import product_line

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 15_000
P1_CUSTOMER = "深圳市腾云智能科技有限公司"
P2_CUSTOMER = "腾云智能科技（深圳）有限公司"
CONFLICT = re.compile(r"^(likely|certain)$")


@pytest.fixture
def journey(world):
    """The cast (the `world` fixture) and a product line, made before the browser starts."""
    return {
        "world": world,
        "line": product_line("NET", "网络设备"),
        "region": world.shenzhen.pk,
        "close": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
    }


def new_page(browser):
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/", wait_until="networkidle")
    page.fill("input[name=identifier]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(f"{base_url}/")
    page.wait_for_load_state("networkidle")


def fill_registration(page, journey, customer: str, project: str, amount: str) -> None:
    page.fill("[name=customer_name]", customer)
    page.press("[name=customer_name]", "End")  # a key-up: the live conflict check runs
    page.select_option("select[name=customer_region]", str(journey["region"]))
    page.fill("[name=customer_city]", "深圳")
    page.fill("[name=project_name]", project)
    page.fill("[name=estimated_amount]", amount)
    page.fill("[name=expected_close_date]", journey["close"])
    page.select_option("select[name=stage]", "qualified")
    page.select_option("select[name=products-0-product_line]", str(journey["line"].pk))
    page.fill("[name=products-0-quantity]", "40")


def save_and_submit(page) -> str:
    """Submit the form; returns the new registration's number from its detail page."""
    page.click("[data-testid=save-submit]")
    page.wait_for_load_state("networkidle")
    expect(page).to_have_url(re.compile(r"/registrations/\d+/$"))
    expect(page.locator("[data-testid=registration-status]")).to_have_attribute(
        "data-status", "submitted"
    )
    return re.search(r"BB-\d{4}-\d{6}", page.locator("h1").inner_text()).group(0)


def test_two_partners_register_one_customer_and_the_channel_manager_approves_the_first(
    journey, live_server, browser
):
    base = live_server.url
    world = journey["world"]

    # Given partner 1 registers the customer through the form, adding a second product row
    first = new_page(browser)
    log_in(first, base, world.p1_user.username)
    first.goto(f"{base}/registrations/", wait_until="networkidle")
    first.click("[data-testid=new-registration]")
    first.wait_for_load_state("networkidle")
    fill_registration(first, journey, P1_CUSTOMER, "园区网络改造", "1500000")
    expect(first.locator("[data-testid=conflict-hint]")).to_have_attribute("data-level", "none")
    rows = first.locator("[data-testid=product-row]")
    count = rows.count()
    first.click("[data-testid=add-product-row]")
    expect(rows).to_have_count(count + 1)
    first_number = save_and_submit(first)

    # When partner 2 types the same customer, spelled differently
    second = new_page(browser)
    log_in(second, base, world.p2_user.username)
    second.goto(f"{base}/registrations/new/", wait_until="networkidle")
    fill_registration(second, journey, P2_CUSTOMER, "园区无线网络", "1400000")

    # Then it is told there is a likely (or certain) conflict, and not with whom
    hint = second.locator("[data-testid=conflict-hint]")
    expect(hint).to_have_attribute("data-level", CONFLICT)
    assert world.p1.name not in second.content()

    # And after submitting, its registration page shows the level but not partner 1
    second_number = save_and_submit(second)
    expect(second.locator("[data-testid=conflict-panel]")).to_have_attribute("data-level", CONFLICT)
    html = second.content()
    assert world.p1.name not in html
    assert first_number not in html
    assert P1_CUSTOMER not in html

    # When the channel manager opens the review queue
    manager = new_page(browser)
    log_in(manager, base, world.channel_mgr.username)
    manager.goto(f"{base}/registrations/review/", wait_until="networkidle")

    # Then both registrations wait there, each flagged with the conflict
    for number in (first_number, second_number):
        row = manager.locator(f"[data-testid=review-row][data-number='{number}']")
        expect(row).to_have_attribute("data-level", CONFLICT)
    queue = manager.locator("[data-testid=review-table]")
    expect(queue).to_contain_text(world.p1.name)
    expect(queue).to_contain_text(world.p2.name)

    # And partner 2's registration shows partner 1's claim with the reasons
    manager.click(
        f"[data-testid=review-row][data-number='{second_number}'] >> text={second_number}"
    )
    manager.wait_for_load_state("networkidle")
    candidate = manager.locator("[data-testid=conflict-candidate]")
    expect(candidate).to_contain_text(world.p1.name)
    expect(candidate).to_contain_text(first_number)
    expect(candidate.locator("[data-testid=conflict-reason]").first).to_be_visible()

    # When the manager opens partner 1's registration from there and approves it
    candidate.locator(f"text={first_number}").click()
    manager.wait_for_load_state("networkidle")
    expect(manager.locator("h1")).to_contain_text(first_number)
    manager.fill("[data-testid=decision-form] textarea[name=comment]", "一号伙伴先报备")
    manager.click("[data-testid=approve]")
    manager.wait_for_load_state("networkidle")

    # Then partner 1's registration is approved and protected
    expect(manager.locator("[data-testid=registration-status]")).to_have_attribute(
        "data-status", "approved"
    )
    expect(manager.locator("[data-testid=protection]")).to_be_visible()

    # And it has left the queue, while partner 2's still waits
    manager.goto(f"{base}/registrations/review/", wait_until="networkidle")
    expect(
        manager.locator(f"[data-testid=review-row][data-number='{first_number}']")
    ).to_have_count(0)
    expect(
        manager.locator(f"[data-testid=review-row][data-number='{second_number}']")
    ).to_have_count(1)
