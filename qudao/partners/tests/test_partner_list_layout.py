"""The partners list for phones and for partner users (issue 18, items 10 and 13): a partner
user's list would be one row, its own company, so the list sends it to its company's page
(the API list stays its one row); staff get the filters folded on phones, the table as cards,
and the region filter as regions each followed by its offices."""

import pytest

from qudao.core.tests.factories import OfficeFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["p1_admin", "p1_user"])
def test_a_partner_user_is_sent_from_the_list_to_its_own_company(world, as_user, who):
    client = as_user(getattr(world, who))

    response = client.get("/partners/")
    filtered = client.get("/partners/?q=二号&status=active")
    page = client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"] == f"/partners/{world.p1.pk}/"
    assert filtered.status_code == 302 and filtered["Location"] == response["Location"]
    assert page.status_code == 200 and page.context["partner"] == world.p1


def test_the_api_list_of_a_partner_user_stays_its_own_company(world, as_api):
    response = as_api(world.p1_admin).get("/api/v1/partners")

    assert response.status_code == 200
    assert [row["code"] for row in response.json()["items"]] == ["P-ONE"]


def test_staff_still_get_the_list(world, as_user):
    response = as_user(world.channel_mgr).get("/partners/")

    assert response.status_code == 200
    assert {p.code for p in response.context["page"]} == {"P-ONE", "P-TWO"}
    assert 'class="table table-hover bg-white align-middle qd-cards"' in response.content.decode()


def test_staff_get_the_filters_folded_on_phones_with_labelled_dates(world, as_user):
    html = as_user(world.channel_mgr).get("/partners/").content.decode()

    assert 'data-testid="partner-filters"' in html
    assert 'class="collapse d-md-block" id="partner-filters"' in html
    assert 'data-bs-target="#partner-filters"' in html
    assert '<label class="input-group-text" for="id_created_from">' in html
    assert 'data-label="' in html and "qd-card-title" in html


def test_the_region_filter_lists_regions_in_order_with_their_offices(world, as_user):
    world.east.sort_order, world.south.sort_order = 1, 2
    world.east.save(), world.south.save()
    OfficeFactory(code="HD-HZ", name="杭州办事处", parent=world.east, sort_order=0)
    RegionFactory(code="XB", name="西部", sort_order=3)

    form = as_user(world.channel_mgr).get("/partners/").context["form"]
    labels = [str(label).strip("\u3000└ ") for _value, label in form.fields["region"].choices]

    assert labels[1:] == ["华东", "杭州办事处", "上海办事处", "华南", "深圳办事处", "西部"]


def test_filtering_on_a_region_includes_its_offices(world, as_user):
    page = as_user(world.hq).get(f"/partners/?region={world.south.pk}").context["page"]
    assert {p.code for p in page} == {"P-ONE", "P-TWO"}
