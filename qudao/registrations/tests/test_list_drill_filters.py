"""The registration list's explicit filters the performance dashboard's drill-downs use — a
partner BY ID, the partner's region with its offices (not the customer's), the partner's tier,
the product line, the submission date, "approved at some point" — the total it shows, and its
filter bar (regions nested, a labelled date range, folding on phones, cards, partner users'
controls)."""

import datetime
import re

import pytest
from django.utils import timezone

from qudao.catalog.models import ProductLine
from qudao.partners.models import Tier
from qudao.registrations.models import Registration, RegistrationProduct
from qudao.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def _ids(response) -> set[int]:
    assert response.status_code == 200
    return {r.pk for r in response.context["page"]}


@pytest.fixture
def rows(world):
    zone = timezone.get_default_timezone()
    march = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=zone)  # late on the month's last day
    april = datetime.datetime(2026, 4, 2, 10, 0, tzinfo=zone)
    # p1's customer is in 上海 (another region than its partner's): the partner's region counts
    one = RegistrationFactory(
        partner=world.p1, customer_region=world.shanghai, estimated_amount="300000"
    )
    won = RegistrationFactory(partner=world.p2, customer_region=world.shenzhen)
    east = RegistrationFactory(partner=world.p3, customer_region=world.shanghai)
    Registration.objects.filter(pk=one.pk).update(submitted_at=march, status="approved")
    Registration.objects.filter(pk=won.pk).update(submitted_at=march, status="won")
    Registration.objects.filter(pk=east.pk).update(submitted_at=april, status="submitted")
    return {"one": one, "won": won, "east": east}


def test_the_drill_down_filters(world, rows, as_user):
    client = as_user(world.hq)
    response = client.get(f"/registrations/?partner_id={world.p1.pk}")
    assert _ids(response) == {rows["one"].pk}
    assert response.context["total"]["count"] == 1
    assert "¥300,000.00" in response.content.decode()
    found = _ids(client.get(f"/registrations/?partner_region={world.south.pk}"))
    assert found == {rows["one"].pk, rows["won"].pk}
    march = "date_field=submitted&date_from=2026-03-01&date_to=2026-03-31"
    assert _ids(client.get(f"/registrations/?{march}")) == {rows["one"].pk, rows["won"].pk}
    found = _ids(client.get(f"/registrations/?{march}&status=approved_ever"))
    assert found == {rows["one"].pk, rows["won"].pk}
    assert _ids(client.get(f"/registrations/?{march}&status=won")) == {rows["won"].pk}
    assert _ids(client.get("/registrations/?status=approved_ever")) == {
        rows["one"].pk,
        rows["won"].pk,
    }

    Tier.objects.create(code="gold-t", name="金牌", rank=3)
    world.p3.tier_id = "gold-t"
    world.p3.save(update_fields=["tier"])
    assert _ids(client.get("/registrations/?tier=gold-t")) == {rows["east"].pk}
    line = ProductLine.objects.create(code="line-t", name="云")
    RegistrationProduct.objects.create(registration=rows["won"], product_line=line, quantity=1)
    assert _ids(client.get("/registrations/?product_line=line-t")) == {rows["won"].pk}
    # a partner id that does not exist is reported
    response = client.get("/registrations/?partner_id=999999")
    assert 'data-testid="filter-errors"' in response.content.decode()


def test_the_filter_bar(world, rows, as_user):
    html = as_user(world.hq).get("/registrations/").content.decode()
    region_select = re.search(r'<select name="region".*?</select>', html, re.S).group(0)
    assert re.search(r'<select name="region"[^>]*>\s*<option value="" selected>', region_select)
    names = re.findall(r"<option value=\"\d+\">([^<]+)</option>", region_select)
    assert names == ["华东", "\u3000└ 上海办事处", "华南", "\u3000└ 深圳办事处"]
    assert re.search(r'<label class="input-group-text" for="id_date_from">', html)
    assert 'class="collapse d-md-block" id="registration-filter-bar"' in html
    assert "qd-cards" in html

    html = as_user(world.p1_user).get("/registrations/").content.decode()
    assert 'name="region"' not in html and 'name="partner"' not in html
    assert "qd-cards" in html and 'data-label="' in html
