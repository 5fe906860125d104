"""The product-line filter of the dashboards and reports: registrations count in the lines they
name (once, even when a line is named twice), projects in the lines of their source
registration, projects without one in no line; the figures come from the product-line rollups,
kept current by the rebuild and the incremental refresh, in each user's scope."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from qudao.catalog.models import ProductLine
from qudao.performance.models import (
    PartnerLineMonthFact,
    PipelineLineFact,
    RollupState,
    ScopeLineMonthFact,
    ScopePipelineFact,
)
from qudao.performance.periods import Period
from qudao.performance.selectors.dashboard import Filters, dashboard_data
from qudao.performance.services import facts_rebuild, facts_refresh
from qudao.projects.models import Project
from qudao.registrations.models import Registration
from qudao.registrations.tests.factories import RegistrationFactory
from qudao.registrations.tests.factories import product_line as make_line

from .factories import won_project

pytestmark = pytest.mark.django_db


def _registration(partner, lines, *, amount="100000", status=Registration.Status.SUBMITTED):
    return RegistrationFactory(
        partner=partner,
        status=status,
        submitted_at=timezone.now(),
        estimated_amount=Decimal(amount),
        products=[(code, 1) for code in lines],
        index=False,
    )


def _from(registration, amount, status=Project.Status.WON) -> Project:
    project = won_project(registration.partner, amount=amount, status=status)
    Project.objects.filter(pk=project.pk).update(source_registration=registration)
    return project


@pytest.fixture
def lines():
    return {code: make_line(code) for code in ("SEC", "NET", "CLOUD")}


@pytest.fixture
def channel(world, lines):
    """p1: a SEC registration won as a 100,000 project; a registration naming NET and SEC twice,
    won as 50,000; a 30,000 win without registration. p2: a NET registration won as 70,000.
    p3 (east): a SEC registration still open, its project active."""
    r1 = _registration(world.p1, ["SEC"])
    r2 = _registration(world.p1, ["NET", "SEC", "SEC"])
    _from(r1, "100000")
    _from(r2, "50000")
    won_project(world.p1, amount="30000")
    r4 = _registration(world.p2, ["NET"])
    _from(r4, "70000")
    r5 = _registration(world.p3, ["SEC"], amount="900000")
    _from(r5, "900000", status=Project.Status.ACTIVE)
    facts_rebuild()
    return {"r1": r1, "r2": r2, "r4": r4, "r5": r5}


def _data(user, line=None, **filters):
    return dashboard_data(user, Filters(Period.current("quarter"), product_line=line, **filters))


def test_the_filter_counts_registrations_and_projects_of_the_line(world, lines, channel):
    everything = _data(world.hq)
    sec = _data(world.hq, lines["SEC"])
    net = _data(world.hq, lines["NET"])
    cloud = _data(world.hq, lines["CLOUD"])

    assert everything["kpis"]["won_amount"] == 250000
    assert everything["kpis"]["registrations"] == 4
    # SEC: r1 and r2 (named twice, counted once), their projects; not the win without one
    assert sec["kpis"]["won_amount"] == 150000 and sec["kpis"]["won_count"] == 2
    assert sec["kpis"]["registrations"] == 3  # r1, r2, r5 (east)
    assert net["kpis"]["won_amount"] == 120000 and net["kpis"]["registrations"] == 2
    assert cloud["kpis"]["won_amount"] == 0 and cloud["kpis"]["registrations"] == 0
    assert [p["partner"] for p in sec["top_partners"]] == [world.p1.name, world.p3.name]
    assert sec["top_partners"][0]["won_amount"] == 150000
    assert [(p["partner"], p["won_amount"]) for p in net["top_partners"]] == [
        (world.p1.name, 50000),
        (world.p2.name, 70000),
    ][::-1]
    # the open pipeline of the line: p3's active SEC project; nothing in NET
    assert sum(s["amount"] for s in sec["pipeline_by_stage"]) == 900000
    assert net["pipeline_by_stage"] == []
    # drill-down links keep the filter
    assert "product_line=SEC" in sec["trend"][-1]["url"]


def test_the_filter_combines_with_region_and_the_scope(world, lines, channel):
    sec_east = _data(world.hq, lines["SEC"], region=world.east)
    assert sec_east["kpis"]["won_amount"] == 0 and sec_east["kpis"]["registrations"] == 1
    # the regional manager of the east sees the east's SEC figures, not the south's
    east = _data(world.east_manager, lines["SEC"])
    assert east["kpis"]["registrations"] == 1 and east["kpis"]["won_amount"] == 0
    # partner users: their own partner's line only
    p1 = _data(world.p1_admin, lines["NET"])
    assert p1["kpis"]["won_amount"] == 50000 and p1["kpis"]["registrations"] == 1
    p2 = _data(world.p2_user, lines["SEC"])
    assert p2["kpis"]["won_amount"] == 0 and p2["top_partners"] == []
    assert _data(world.p2_user, lines["NET"])["kpis"]["won_amount"] == 70000


def test_the_rollups_have_one_row_per_partner_month_and_line(world, lines, channel):
    p1_sec = PartnerLineMonthFact.objects.get(partner=world.p1, product_line=lines["SEC"])
    assert (p1_sec.registrations, p1_sec.won_count, p1_sec.won_amount) == (2, 2, 150000)
    assert not PartnerLineMonthFact.objects.filter(product_line=lines["CLOUD"]).exists()
    cube = ScopeLineMonthFact.objects.filter(product_line=lines["NET"])
    assert sum(row.won_amount for row in cube) == 120000
    pipeline = PipelineLineFact.objects.get(product_line=lines["SEC"])
    assert (pipeline.partner_id, pipeline.project_count) == (world.p3.pk, 1)
    # the pipeline cube: every line's row and the SEC row, per office, tier and manager
    cube = {
        (row.product_line_id, row.top_region_id): row.amount
        for row in ScopePipelineFact.objects.all()
    }
    assert cube == {(None, world.east.pk): 900000, (lines["SEC"].pk, world.east.pk): 900000}


def test_the_refresh_keeps_the_line_rollups_current_and_agrees_with_a_rebuild(
    world, lines, channel
):
    RollupState.objects.update(last_run_at=timezone.now() - datetime.timedelta(hours=1))
    _registration(world.p2, ["CLOUD"], amount="300000")
    channel["r4"].products.update(product_line=lines["CLOUD"])
    Registration.objects.filter(pk=channel["r4"].pk).update(updated_at=timezone.now())

    facts_refresh()

    # p2's month is recomputed: the new registration, r4 and its project (won this month) move
    cloud = _data(world.hq, lines["CLOUD"])
    assert cloud["kpis"]["registrations"] == 2 and cloud["kpis"]["won_amount"] == 70000
    net = _data(world.hq, lines["NET"])
    assert net["kpis"]["registrations"] == 1 and net["kpis"]["won_amount"] == 50000
    incremental = sorted(
        PartnerLineMonthFact.objects.values_list(
            "partner_id", "month", "product_line_id", "registrations", "won_amount"
        )
    )
    facts_rebuild()
    assert incremental == sorted(
        PartnerLineMonthFact.objects.values_list(
            "partner_id", "month", "product_line_id", "registrations", "won_amount"
        )
    )


def test_pages_and_api_take_the_filter(world, lines, channel, as_user, as_api):
    hq = as_user(world.hq)
    assert hq.get("/performance/?product_line=SEC").status_code == 200
    data = hq.get("/performance/dashboard/data/?product_line=NET").json()
    assert data["kpis"]["won_amount"] == 120000
    report = hq.get("/performance/reports/conversion/?product_line=NET")
    assert report.status_code == 200
    api = as_api(world.hq)
    api.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    found = api.get("/api/v1/performance/dashboard?product_line=SEC").json()
    assert found["kpis"]["won_amount"] == 150000
    bad = api.get("/api/v1/performance/dashboard?product_line=NOPE")
    assert bad.status_code == 422
    assert bad.json()["errors"]["product_line"] == ["Choose a product line from the list."]
    # partner 2 cannot see partner 1's line figures through the API either
    partner = as_api(world.p2_user).get("/api/v1/performance/dashboard?product_line=SEC").json()
    assert partner["kpis"]["won_amount"] == 0


def test_the_filtered_dashboard_reads_a_fixed_number_of_queries(
    world, lines, channel, as_user, django_assert_max_num_queries
):
    from qudao.partners.tests.factories import PartnerFactory

    client = as_user(world.hq)
    url = "/performance/dashboard/data/?product_line=SEC"
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    for _index in range(20):
        partner = PartnerFactory(region=world.shenzhen, owner=world.channel_mgr)
        _from(_registration(partner, ["SEC", "NET"]), "1000")
    facts_rebuild()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).json()["kpis"]["won_count"] == 22


def test_an_unknown_product_line_on_the_page_is_ignored_like_other_bad_filters(
    world, lines, channel, as_user
):
    assert ProductLine.objects.filter(code="NOPE").count() == 0
    data = as_user(world.hq).get("/performance/dashboard/data/?product_line=NOPE").json()
    assert data["kpis"]["won_amount"] == 250000
