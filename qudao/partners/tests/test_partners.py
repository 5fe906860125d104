"""Partner create/update through the services, pages and API, including bad input."""

import pytest

from qudao.core.models import AuditEntry
from qudao.partners.models import Partner
from qudao.partners.tests.factories import tier

pytestmark = pytest.mark.django_db


def payload(world, **changes):
    return {
        "code": "P-NEW-1",
        "name": "新建伙伴有限公司",
        "region_id": world.shenzhen.pk,
        "tier": "certified",
        "owner_id": world.channel_mgr.pk,
        **changes,
    }


def test_channel_manager_creates_a_partner_owned_by_themselves(world, as_api):
    response = as_api(world.channel_mgr).post(
        "/api/v1/partners", payload(world, owner_id=None), content_type="application/json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["owner_id"] == world.channel_mgr.pk and body["status"] == "prospect"
    assert AuditEntry.objects.filter(object_id=str(body["id"]), action="create").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "bad code"}, "code"),
        ({"code": "P-ONE"}, "code"),  # duplicate
        ({"name": "深圳一号科技有限公司"}, "name"),  # duplicate name
        ({"owner_id": None}, "owner"),  # HQ must name the channel manager
        ({"region_id": 999999}, "region_id"),
        ({"owner_id": 999999}, "owner_id"),
        ({"tier": "platinum"}, "tier"),
        ({"name": "x"}, "name"),
    ],
)
def test_bad_input_is_422_with_field_errors_and_writes_nothing(world, as_api, changes, field):
    before = Partner.objects.count()

    response = as_api(world.hq).post(
        "/api/v1/partners", payload(world, **changes), content_type="application/json"
    )

    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert Partner.objects.count() == before


def test_owner_must_be_a_channel_manager(world, as_api):
    response = as_api(world.hq).post(
        "/api/v1/partners", payload(world, owner_id=world.pm.pk), content_type="application/json"
    )

    assert response.status_code == 422 and "owner" in response.json()["errors"]


def test_regional_manager_cannot_place_a_partner_in_another_region(world, as_api):
    response = as_api(world.south_manager).post(
        "/api/v1/partners",
        payload(world, region_id=world.shanghai.pk, owner_id=world.other_cm.pk),
        content_type="application/json",
    )

    assert response.status_code == 422 and "region" in response.json()["errors"]
    assert not Partner.objects.filter(code="P-NEW-1").exists()


def test_partner_users_and_other_staff_cannot_create(world, as_api):
    for user in (world.p1_admin, world.pm):
        response = as_api(user).post(
            "/api/v1/partners", payload(world), content_type="application/json"
        )
        assert response.status_code == 403


def test_patch_changes_only_given_fields(world, as_api):
    response = as_api(world.channel_mgr).patch(
        f"/api/v1/partners/{world.p1.pk}",
        {"contact_phone": "0755-12345678"},
        content_type="application/json",
    )

    assert response.status_code == 200
    world.p1.refresh_from_db()
    assert world.p1.contact_phone == "0755-12345678" and world.p1.name == "深圳一号科技有限公司"


def test_create_through_the_page_and_bad_input_on_the_page(world, as_user):
    client = as_user(world.channel_mgr)
    form = {
        "code": "P-WEB",
        "name": "网页新建有限公司",
        "region": world.shenzhen.pk,
        "tier": tier("registered").code,
    }

    bad = client.post("/partners/new/", {**form, "code": "小写 bad"})
    good = client.post("/partners/new/", form)

    assert bad.status_code == 200 and "code" in bad.context["form"].errors
    assert good.status_code == 302
    partner = Partner.objects.get(code="P-WEB")
    assert partner.owner == world.channel_mgr


def test_activation_through_the_page_opens_an_approval(world, as_user):
    world.p1.status = Partner.Status.PROSPECT
    world.p1.save()
    client = as_user(world.channel_mgr)

    response = client.post(f"/partners/{world.p1.pk}/activate/")
    again = client.post(f"/partners/{world.p1.pk}/activate/", follow=True)

    assert response.status_code == 302 and "/approvals/" in response["Location"]
    assert again.status_code == 200
    messages = [str(m) for m in again.context["messages"]]
    assert messages  # the second submission is refused with a message


def test_active_partner_cannot_be_submitted_for_activation(world, as_api):
    response = as_api(world.channel_mgr).post(f"/api/v1/partners/{world.p1.pk}/activation")

    assert response.status_code == 422


def test_list_filters_search_and_sort(world, as_api):
    api = as_api(world.hq)

    by_status = api.get("/api/v1/partners?status=active").json()["count"]
    by_region = api.get(f"/api/v1/partners?region={world.east.pk}").json()
    search = api.get("/api/v1/partners?q=二号").json()
    ordered = api.get("/api/v1/partners?sort=-name").json()["items"]
    bad_status = api.get("/api/v1/partners?status=nope")

    assert by_status == 3
    assert [row["code"] for row in by_region["items"]] == ["P-EAST"]
    assert [row["code"] for row in search["items"]] == ["P-TWO"]
    assert [row["name"] for row in ordered] == sorted((r["name"] for r in ordered), reverse=True)
    assert bad_status.status_code == 422
