"""The partner 360 (issue 18, item 11): the partner page's tabs of registrations, projects,
targets, scorecards and rebates, each served by its own app through core.hooks.detail_tab, and
the overview's pipeline figures. A partner user reads only its own partner's tabs; every tab URL
of another partner is a 404, and so is a partner outside a vendor user's scope."""

import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qudao.performance.metrics import METRICS
from qudao.performance.models import RebatePolicy, RebateStatement, Scorecard, Target
from qudao.performance.models.common import unit_key
from qudao.performance.periods import Period
from qudao.projects.models import Project
from qudao.registrations.models import Registration

from .factories import registration, scheme, won_project

pytestmark = pytest.mark.django_db
S = Registration.Status
TABS = {
    "registrations": "/registrations/partner/{pk}/",
    "projects": "/projects/partner/{pk}/",
    "targets": "/performance/partner/{pk}/targets/",
    "scorecards": "/performance/partner/{pk}/scorecards/",
    "rebates": "/performance/partner/{pk}/rebates/",
}
_numbers = itertools.count(1)


def target(world, partner, *, metric="won_amount", value="1000000", period=None):
    row = Target(
        unit_kind="partner",
        partner=partner,
        scope_region=partner.region,
        unit_key=unit_key("partner", partner_id=partner.pk),
        metric=metric,
        value=Decimal(value),
        set_by=world.hq,
    )
    row.set_period(period or Period.current("quarter"))
    row.save()
    return row


def scorecard(world, partner, kpi, period=None, score="55"):
    row = Scorecard(
        scheme=kpi,
        unit_kind="partner",
        partner=partner,
        scope_region=partner.region,
        owner=partner.owner,
        unit_key=unit_key("partner", partner_id=partner.pk),
        total_score=Decimal(score),
        below_warning=Decimal(score) < 60,
        warning_line=Decimal("60"),
        computed_at=timezone.now(),
    )
    row.set_period(period or Period.current("quarter"))
    row.save()
    return row


def statement(world, partner, policy, period=None, total="12345.67"):
    row = RebateStatement(
        number=f"FL-T-{next(_numbers)}",
        partner=partner,
        scope_region=partner.region,
        policy=policy,
        policy_version=1,
        won_amount=Decimal("2000000"),
        total_amount=Decimal(total),
        computed_at=timezone.now(),
        created_by=world.hq,
    )
    row.set_period(period or Period.current("quarter"))
    row.save()
    return row


@pytest.fixture
def data(world):
    policy = RebatePolicy.objects.create(
        code="std-t", name="标准返利", period_kind="quarter", created_by=world.hq
    )
    kpi = scheme(world.hq)
    d = {
        "open_reg": registration(world.p1, amount="500000"),
        "won_reg": registration(world.p1, status=S.WON, amount="300000"),
        "other_reg": registration(world.p2, amount="700000"),
        "open_project": won_project(world.p1, amount="2000000", status=Project.Status.ACTIVE),
        "won_project": won_project(world.p1, amount="1000000"),
        "other_project": won_project(world.p2, amount="900000"),
        "target": target(world, world.p1, value="8000000"),
        "other_target": target(world, world.p2, value="7000000"),
        "card": scorecard(world, world.p1, kpi),
        "other_card": scorecard(world, world.p2, kpi, score="88"),
        "statement": statement(world, world.p1, policy),
        "other_statement": statement(world, world.p2, policy),
        "policy": policy,
        "kpi": kpi,
    }
    return d


def test_the_partner_page_has_the_five_tabs_in_both_languages(world, as_user, data):
    client = as_user(world.channel_mgr)
    html = client.get(f"/partners/{world.p1.pk}/").content.decode()
    for key, url in TABS.items():
        assert f'data-testid="{key}-tab"' in html
        assert f'href="{url.format(pk=world.p1.pk)}"' in html
    assert "报备" in html and "返利" in html and "评分表" in html


def test_each_tab_shows_this_partners_rows_only_with_links(world, as_user, data):
    client = as_user(world.channel_mgr)
    pk = world.p1.pk

    def page(key):
        response = client.get(TABS[key].format(pk=pk))
        assert response.status_code == 200
        html = response.content.decode()
        assert f'data-testid="{key}-tab" aria-current="page"' in html
        return html

    registrations = page("registrations")
    assert data["open_reg"].number in registrations and data["won_reg"].number in registrations
    assert data["other_reg"].number not in registrations
    assert f"/registrations/{data['open_reg'].pk}/" in registrations
    assert f"/registrations/?partner_id={pk}" in registrations  # view all, filtered by id

    projects = page("projects")
    assert data["open_project"].code in projects and data["won_project"].code in projects
    assert data["other_project"].code not in projects
    assert f"/projects/?partner_id={pk}" in projects
    assert "2,000,000.00" in projects  # money through the kit

    targets = page("targets")
    assert f"/performance/targets/{data['target'].pk}/" in targets
    assert f"/performance/targets/{data['other_target'].pk}/" not in targets
    assert "¥8,000,000.00" in targets

    scorecards = page("scorecards")
    assert f"/performance/scorecards/{data['card'].pk}/" in scorecards
    assert f"/performance/scorecards/{data['other_card'].pk}/" not in scorecards

    rebates = page("rebates")
    assert data["statement"].number in rebates
    assert data["other_statement"].number not in rebates
    assert "12,345.67" in rebates


def test_the_summary_lines_count_and_sum_the_partners_rows(world, as_user, data):
    client = as_user(world.channel_mgr)
    pk = world.p1.pk

    registrations = client.get(TABS["registrations"].format(pk=pk)).context["sums"]
    assert (registrations["total"], registrations["open"], registrations["won"]) == (2, 1, 1)
    assert registrations["open_amount"] == Decimal("500000")
    projects = client.get(TABS["projects"].format(pk=pk)).context["sums"]
    assert (projects["open"], projects["won"]) == (1, 1)
    assert (projects["open_amount"], projects["won_amount"]) == (Decimal(2000000), Decimal(1000000))
    rebates = client.get(TABS["rebates"].format(pk=pk)).context["sums"]
    assert (rebates["total"], rebates["amount"]) == (1, Decimal("12345.67"))
    cards = client.get(TABS["scorecards"].format(pk=pk)).context["sums"]
    assert (cards["total"], cards["below"]) == (1, 1)


def test_the_overview_shows_pipeline_won_this_year_tier_and_credit(world, as_user, data):
    world.p1.credit_limit = Decimal("3000000")
    world.p1.credit_used = Decimal("1250000")
    world.p1.save(update_fields=["credit_limit", "credit_used"])
    response = as_user(world.channel_mgr).get(f"/partners/{world.p1.pk}/")
    figures = {f["key"]: f for f in response.context["pipeline"]}

    assert (figures["open-registrations"]["count"], figures["open-registrations"]["amount"]) == (
        1,
        Decimal("500000"),
    )
    assert (figures["open-projects"]["count"], figures["open-projects"]["amount"]) == (
        1,
        Decimal("2000000"),
    )
    assert (figures["won-this-year"]["count"], figures["won-this-year"]["amount"]) == (
        1,
        Decimal("1000000"),
    )
    html = response.content.decode()
    assert "¥50.0 万" in html and "¥200.0 万" in html and "¥100.0 万" in html
    assert 'data-testid="summary-tier"' in html
    credit = html[html.index('data-testid="summary-credit"') :][:200]
    assert "¥1,250,000.00" in credit and "¥3,000,000.00" in credit


def test_the_overview_figures_link_to_lists_with_the_same_rows(world, as_user, data):
    client = as_user(world.channel_mgr)
    figures = {f["key"]: f for f in client.get(f"/partners/{world.p1.pk}/").context["pipeline"]}
    projects = client.get(figures["open-projects"]["url"]).context["page"]
    assert [p.pk for p in projects] == [data["open_project"].pk]
    won = client.get(figures["won-this-year"]["url"]).context["page"]
    assert [p.pk for p in won] == [data["won_project"].pk]
    registrations = client.get(figures["open-registrations"]["url"]).context["page"]
    assert data["other_reg"].pk not in {r.pk for r in registrations}


def test_a_partner_user_reads_its_own_tabs(world, as_user, data):
    client = as_user(world.p1_user)
    for key, url in TABS.items():
        html = client.get(url.format(pk=world.p1.pk)).content.decode()
        assert f'data-testid="{key}-tab"' in html
        assert world.p2.name not in html
    assert (
        data["open_reg"].number
        in client.get(TABS["registrations"].format(pk=world.p1.pk)).content.decode()
    )


@pytest.mark.parametrize("key", sorted(TABS))
def test_another_partners_tabs_are_a_404_for_a_partner_user(world, as_user, data, key):
    response = as_user(world.p2_user).get(TABS[key].format(pk=world.p1.pk))

    assert response.status_code == 404
    html = response.content.decode()
    assert world.p1.name not in html
    assert data["open_reg"].number not in html and data["statement"].number not in html


@pytest.mark.parametrize("key", sorted(TABS))
def test_a_partner_outside_a_vendor_users_scope_is_a_404(world, as_user, data, key):
    assert as_user(world.other_cm).get(TABS[key].format(pk=world.p1.pk)).status_code == 404
    assert as_user(world.channel_mgr).get(TABS[key].format(pk=999999)).status_code == 404


def test_query_counts_do_not_grow_with_rows(world, as_user, data):
    client = as_user(world.channel_mgr)

    def counts():
        found = {}
        for key, url in TABS.items():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url.format(pk=world.p1.pk)).status_code == 200
            found[key] = len(queries)
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/partners/{world.p1.pk}/")
        found["overview"] = len(queries)
        return found

    before = counts()
    # Targets' attainment is read per distinct period (at most the 20 rows shown): these share
    # the current quarter, with other metrics.
    metrics = [code for code in METRICS if code != "won_amount"][:6]
    for index, metric in enumerate(metrics):
        registration(world.p1, amount="100000")
        won_project(world.p1, amount="100000", status=Project.Status.ACTIVE)
        target(world, world.p1, metric=metric, value="10")
        period = Period.current("quarter")
        for _step in range(index + 1):
            period = period.previous()
        scorecard(world, world.p1, data["kpi"], period=period)
        statement(world, world.p1, data["policy"], period=period)
    assert counts() == before
