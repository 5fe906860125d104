"""Browser journey of the closed loop, in Debian's Chromium through Playwright: the director sets
a quarterly target and decomposes it to a region and a partner; the dashboard shows the partner's
attainment from its won projects; the partner's scorecard is below the warning line and becomes a
corrective action, which the partner's admin reports done and the director verifies; the closure
rate on the dashboard follows.

Everything the journey needs is made before the browser starts (the won project and the worker's
facts, the KPI scheme); during it only the browser acts."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from qudao.core.tests.factories import PASSWORD, OfficeFactory, RegionFactory, UserFactory
from qudao.partners.tests.factories import PartnerFactory
from qudao.performance.periods import Period
from qudao.performance.services import facts_rebuild

from .factories import scheme, won_project

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 15_000
PARTNER = "深圳闭环测试科技有限公司"
# The journey runs in the middle of a quarter, the clock ticking on: the action raised from the
# scorecard falls due within the quarter, so the quarter's closure rate counts it.
MID_QUARTER = datetime.datetime(2027, 5, 14, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def cast(transactional_db, time_machine):
    time_machine.move_to(MID_QUARTER, tick=True)
    cache.clear()
    south = RegionFactory(code="HN", name="华南")
    shenzhen = OfficeFactory(code="HN-SZ", name="深圳办事处", parent=south)
    director = UserFactory(username="director_p", roles=["director"])
    UserFactory(username="south_p", roles=["regional_manager"], region=south)
    channel_mgr = UserFactory(username="cm_p", roles=["channel_manager"], region=shenzhen)
    partner = PartnerFactory(code="P-LOOP", name=PARTNER, region=shenzhen, owner=channel_mgr)
    UserFactory(username="p_admin_p", roles=["partner_admin"], partner=partner, region=shenzhen)
    won_project(partner, amount="150000")  # won this quarter
    facts_rebuild()  # what the worker does
    scheme(
        director, lines=[{"metric": "won_amount", "weight": "100", "rule": "linear", "cap": "120"}]
    )
    return {"south": south, "partner": partner, "quarter": Period.current("quarter")}


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


def settle(page, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state("networkidle")


def test_target_attainment_scorecard_action_and_closure_rate(live_server, cast, browser):
    base, quarter, partner = live_server.url, cast["quarter"], cast["partner"]

    # Given the director, who sets the company's quarterly won-amount target
    director = new_page(browser)
    log_in(director, base, "director_p")
    director.goto(f"{base}/performance/targets/new/", wait_until="networkidle")
    director.select_option("select[name=unit_kind]", "company")
    director.select_option("select[name=metric]", "won_amount")
    director.fill("input[name=period]", quarter.label)
    director.fill("input[name=value]", "1000000")
    settle(director, "[data-testid=target-form] button[type=submit]")
    expect(director.locator("[data-testid=target-value]")).to_contain_text("1,000,000.00")

    # When the director decomposes it to the region, and the region's target to the partner
    director.fill(f"input[name='unit:region:{cast['south'].pk}']", "600000")
    settle(director, "[data-testid=decompose-save]")
    expect(director.locator("[data-testid=not-adding-up]")).to_be_visible()  # 600,000 of 1,000,000
    settle(director, "[data-testid=decompose-form] a:has-text('华南')")
    director.fill(f"input[name='unit:partner:{partner.pk}']", "300000")
    settle(director, "[data-testid=decompose-save]")

    # Then the dashboard shows the partner's attainment from its won project: 150,000 of 300,000
    director.goto(f"{base}/performance/?period={quarter.label}", wait_until="networkidle")
    row = director.locator("[data-testid=attainment] tr", has_text=PARTNER)
    expect(row).to_contain_text("50.0%")
    expect(director.locator("#chart-trend canvas")).to_have_count(1)
    expect(director.locator("[data-testid=kpi-closure]")).to_contain_text("—")

    # When the scorecards are computed, the partner's is below the warning line (50 < 60)
    director.goto(
        f"{base}/performance/scorecards/?period={quarter.label}", wait_until="networkidle"
    )
    settle(director, "[data-testid=compute-scorecards]")
    settle(director, f"[data-testid=scorecard-table] a:has-text('{PARTNER}')")
    expect(director.locator("[data-testid=scorecard-total]")).to_have_text("50.00")
    expect(director.locator("[data-testid=below-line]")).to_be_visible()

    # And the director raises a corrective action from it
    settle(director, "[data-testid=scorecard-action]")
    expect(director).to_have_url(re.compile(r"/performance/actions/\d+/$"))
    action_url = director.url
    expect(director.locator("[data-testid=action-status]")).to_have_class(
        re.compile("text-bg-warning")
    )

    # Then the partner's admin (its owner) reports it done with the evidence
    owner = new_page(browser)
    log_in(owner, base, "p_admin_p")
    owner.goto(action_url, wait_until="networkidle")
    owner.fill(
        "[data-testid=submit-form] textarea[name=text]", "已制定季度冲刺计划并完成两个新签合同"
    )
    settle(owner, "[data-testid=submit-form] button[type=submit]")
    expect(owner.locator("[data-testid=action-evidence]")).to_contain_text("季度冲刺计划")
    expect(owner.locator("[data-testid=verify-form]")).to_have_count(0)  # the owner cannot verify

    # And the director, who raised it, verifies and closes it
    director.goto(action_url, wait_until="networkidle")
    director.fill("[data-testid=verify-form] textarea[name=text]", "已核实合同")
    settle(director, "[data-testid=verify-form] button[value=verify]")
    expect(director.locator("[data-testid=action-status]")).to_have_class(
        re.compile("text-bg-success")
    )

    # Then the closure rate on the dashboard counts it: 1 of 1 closed on time
    director.goto(f"{base}/performance/?period={quarter.label}", wait_until="networkidle")
    expect(director.locator("[data-testid=kpi-closure]")).to_contain_text("100.0%")
    expect(director.locator("[data-testid=kpi-closure]")).to_contain_text("(1/1)")
