"""The project list's explicit filters the performance dashboard's drill-downs use — a partner BY
ID (not a text search), the partner's region with its offices, projects with a partner only, the
partner's tier, the product line, a date range on the won date — the total it shows for the
filter, and its filter bar: regions nested with their offices in order, stages grouped by
process template, a labelled date range, a bar that folds on phones, phone cards, and fewer
controls for partner users."""

import datetime
import re

import pytest
from django.utils import timezone

from qudao.catalog.models import ProductLine
from qudao.core.tests.factories import OfficeFactory
from qudao.partners.models import Tier
from qudao.projects.models import Project
from qudao.projects.tests.factories import project, template
from qudao.registrations.models import RegistrationProduct
from qudao.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def _ids(response) -> set[int]:
    assert response.status_code == 200
    return {p.pk for p in response.context["page"]}


@pytest.fixture
def rows(world):
    template()
    one = project(actor=world.pm, region=world.shenzhen, partner=world.p1, amount="5850000")
    two = project(actor=world.pm, region=world.shenzhen, partner=world.p2, amount="2010000")
    east = project(actor=world.hq, region=world.shanghai, partner=world.p3, amount="100")
    own = project(actor=world.pm, region=world.shenzhen, amount="700")  # no partner
    return {"one": one, "two": two, "east": east, "own": own}


def test_partner_id_lists_that_partner_only_and_its_total(world, rows, as_user):
    client = as_user(world.hq)
    # `partner=<id>` stays what it was (a name-or-code search): the id filter is partner_id
    response = client.get(f"/projects/?partner_id={world.p1.pk}")
    assert _ids(response) == {rows["one"].pk}
    assert response.context["total"]["amount"] == rows["one"].amount
    html = response.content.decode()
    assert "¥5,850,000.00" in html and 'data-testid="drill-filters"' in html
    assert world.p1.name in html  # the chip names the partner
    # a partner that does not exist is reported, not silently read as "every partner"
    response = client.get("/projects/?partner_id=999999")
    assert response.context["form"].errors and 'data-testid="filter-errors"' in (
        response.content.decode()
    )


def test_partner_region_counts_its_offices_and_partnered_drops_vendor_projects(
    world, rows, as_user
):
    client = as_user(world.hq)
    found = _ids(client.get(f"/projects/?partner_region={world.south.pk}"))
    assert found == {rows["one"].pk, rows["two"].pk}
    found = _ids(client.get("/projects/?partnered=1"))
    assert rows["own"].pk not in found and rows["east"].pk in found


def test_tier_product_line_and_the_won_date_range(world, rows, as_user):
    client = as_user(world.hq)
    gold = Tier.objects.create(code="gold-t", name="金牌", rank=3)
    world.p2.tier = gold
    world.p2.save(update_fields=["tier"])
    assert _ids(client.get("/projects/?tier=gold-t")) == {rows["two"].pk}

    line = ProductLine.objects.create(code="line-t", name="云", is_active=True)
    registration = RegistrationFactory(partner=world.p1)
    Project.objects.filter(pk=rows["one"].pk).update(source_registration=registration)
    RegistrationProduct.objects.create(registration=registration, product_line=line, quantity=1)
    assert _ids(client.get("/projects/?product_line=line-t")) == {rows["one"].pk}

    # won on the last day of a month, late in the evening (site time): in that month's range
    zone = timezone.get_default_timezone()
    moment = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=zone)
    Project.objects.filter(pk=rows["two"].pk).update(status=Project.Status.WON, won_at=moment)
    march = "date_field=won&date_from=2026-03-01&date_to=2026-03-31&status=won"
    april = "date_field=won&date_from=2026-04-01&date_to=2026-04-30&status=won"
    assert _ids(client.get(f"/projects/?{march}")) == {rows["two"].pk}
    assert _ids(client.get(f"/projects/?{april}")) == set()


def test_the_filter_bar_nests_offices_groups_stages_labels_dates_and_folds(world, rows, as_user):
    # 广州 sorts after 深圳 by its sort order, although its code comes first
    OfficeFactory(code="HN-GZ", name="广州办事处", parent=world.south, sort_order=5)
    html = as_user(world.hq).get("/projects/").content.decode()
    region_select = re.search(r'<select name="region".*?</select>', html, re.S).group(0)
    assert re.search(r'<select name="region"[^>]*>\s*<option value="" selected>', region_select)
    names = re.findall(r"<option value=\"\d+\">([^<]+)</option>", region_select)
    # each region, then its offices (by sort order), indented
    office = "\u3000└ "
    assert names == [
        "华东",
        f"{office}上海办事处",
        "华南",
        f"{office}深圳办事处",
        f"{office}广州办事处",
    ]
    # the stage filter: one optgroup per process template
    stage_select = re.search(r'<select name="stage".*?</select>', html, re.S).group(0)
    assert '<optgroup label="模板 gates">' in stage_select
    # the date range has visible labels and says which date it is on
    assert 'data-testid="date-range"' in html
    assert re.search(r'<label class="input-group-text" for="id_date_from">', html)
    assert 'name="date_field"' in html
    # the bar folds on phones, the table becomes cards
    assert 'class="collapse d-md-block" id="project-filter-bar"' in html
    assert 'data-bs-target="#project-filter-bar"' in html
    assert "qd-cards" in html and 'data-label="' in html


def test_a_partner_user_gets_the_filters_that_make_sense_to_them(world, rows, as_user):
    html = as_user(world.p1_user).get("/projects/").content.decode()
    for hidden in ('name="region"', 'name="owner"', 'name="health"', 'name="project_class"'):
        assert hidden not in html, hidden
    assert 'name="q"' in html and 'name="stage"' in html and 'name="status"' in html
    assert "qd-cards" in html
