"""Every element of every dashboard chart links to a list that applies exactly the chart's
filters (partner by id, region, period, tier, product line, status, stage) and whose rows add up
to the element's value: followed through HTTP on the demo data, for HQ, a regional manager and a
partner user, with and without the dashboard's filters. The funnel never widens, and a project
that moves stage leaves its old bar without a refresh."""

from decimal import Decimal
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.urls import reverse

from qudao.catalog.models import ProductLine
from qudao.core.models import Region, User
from qudao.partners.models import Partner
from qudao.performance.models import PartnerMonthFact
from qudao.performance.periods import Period
from qudao.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=StringIO())
    # The period of the demo's latest win (the demo is dated back from the day it is seeded).
    last = PartnerMonthFact.objects.filter(won_count__gt=0).aggregate(m=Max("month"))["m"]
    return {"quarter": Period.of("quarter", last), "year": Period.of("year", last)}


def _data(client, **params):
    response = client.get(reverse("performance:dashboard-data"), params)
    assert response.status_code == 200
    return response.json()


def _total(client, url):
    """The list's count and summed amount for the filters of `url`, as the page shows them."""
    response = client.get(url)
    assert response.status_code == 200, url
    form = response.context["form"]
    assert form.is_valid(), (url, form.errors)
    total = response.context["total"]
    assert total is not None, url
    rows = list(response.context["page"])
    if total["count"] <= len(rows):  # the whole list on one page: its rows are the total
        field = "amount" if rows and hasattr(rows[0], "amount") else "estimated_amount"
        assert sum((getattr(r, field) for r in rows), Decimal(0)) == total["amount"]
    return total["count"], float(total["amount"])


def _checked(client, data):
    """Follow every element's link; returns how many were checked."""
    checked = 0

    def same(url, count=None, amount=None):
        nonlocal checked
        found_count, found_amount = _total(client, url)
        if count is not None:
            assert found_count == count, url
        if amount is not None:
            assert found_amount == pytest.approx(amount), url
        checked += 1

    for month in data["trend"]:
        won, registrations = month["urls"]
        same(won, month["won_count"], month["won_amount"])
        same(registrations, month["registrations"])
    for step in data["funnel"]:
        same(step["url"], step["value"])
    won = data["won_projects"]
    same(won["url"], won["value"], won["amount"])
    assert won["value"] == data["kpis"]["won_count"]
    assert won["amount"] == pytest.approx(data["kpis"]["won_amount"])
    for bar in data["by_region"]:
        same(bar["url"], amount=bar["won_amount"])
    for bar in data["top_partners"] + data["bottom_partners"]:
        same(bar["url"], amount=bar["won_amount"])
        assert "partner_id" in parse_qs(urlsplit(bar["url"]).query)
    for bar in data["pipeline_by_stage"] + data["pipeline_by_region"]:
        same(bar["url"], bar["projects"], bar["amount"])
    return checked


def test_each_charts_elements_list_their_rows_and_the_funnel_never_widens(client, demo):
    """One demo load for HQ, a regional manager, a channel manager and a partner user."""
    _for_hq(client, demo)
    _for_a_region_and_a_partner(client, demo)
    _funnel_never_widens(client, demo)


def _for_hq(client, demo):
    client.force_login(User.objects.get(username="director"))
    quarter, year = demo["quarter"], demo["year"]
    south = Region.objects.filter(parent=None).order_by("sort_order").first()
    line = ProductLine.objects.order_by("pk").first()
    tier = Partner.objects.exclude(tier=None).values_list("tier_id", flat=True).first()
    checked = 0
    for params in (
        {"period": year.label},
        {"period": quarter.label},
        {"period": year.label, "region": south.pk},
        {"period": year.label, "tier": tier},
        {"period": year.label, "product_line": line.code},
    ):
        data = _data(client, **params)
        checked += _checked(client, data)
    assert checked > 40
    # the demo has wins in the year: the partners' ranking is not empty, and its first bar
    # lists that partner's projects only (not a text search matching other partners)
    data = _data(client, period=year.label)
    first = data["top_partners"][0]
    partner_id = int(parse_qs(urlsplit(first["url"]).query)["partner_id"][0])
    response = client.get(first["url"])
    assert {p.partner_id for p in response.context["page"]} == {partner_id}


def _for_a_region_and_a_partner(client, demo):
    year = demo["year"]
    for username in ("south_manager", "p1_admin"):
        client.force_login(User.objects.get(username=username))
        data = _data(client, period=year.label)
        assert _checked(client, data) > 10, username


def _funnel_never_widens(client, demo):
    for username in ("director", "south_manager", "channel_mgr", "p1_admin"):
        client.force_login(User.objects.get(username=username))
        for period in (demo["quarter"], demo["year"]):
            values = [step["value"] for step in _data(client, period=period.label)["funnel"]]
            assert values == sorted(values, reverse=True), (username, period, values)
            assert values[0] > 0 or period.kind == "quarter"


def test_a_project_that_moves_stage_leaves_its_old_bar_at_once(
    client, demo, django_capture_on_commit_callbacks
):
    client.force_login(User.objects.get(username="director"))
    project = (
        Project.objects.filter(status=Project.Status.ACTIVE, partner__isnull=False)
        .exclude(stage_code="")
        .order_by("pk")
        .first()
    )
    before = {b["url"]: b for b in _data(client, period=demo["year"].label)["pipeline_by_stage"]}
    old = next(b for b in before.values() if f"stage={project.stage_code}" in b["url"])
    following = (
        project.stages.exclude(definition__code=project.stage_code)
        .filter(order__gt=project.current_stage.order)
        .order_by("order")
        .first()
        .definition.code
    )
    with django_capture_on_commit_callbacks(execute=True):
        project.stage_code = following
        project.save(update_fields=["stage_code", "updated_at"])
    after = {b["url"]: b for b in _data(client, period=demo["year"].label)["pipeline_by_stage"]}
    now = after.get(old["url"])
    assert now is None or now["projects"] == old["projects"] - 1
    moved = next(b for b in after.values() if f"stage={following}" in b["url"])
    was = next((b for b in before.values() if f"stage={following}" in b["url"]), None)
    assert moved["projects"] == (was["projects"] if was else 0) + 1
    assert _total(client, moved["url"]) == (moved["projects"], moved["amount"])
    assert _total(client, old["url"]) == (
        old["projects"] - 1,
        pytest.approx(old["amount"] - float(project.amount)),
    )
