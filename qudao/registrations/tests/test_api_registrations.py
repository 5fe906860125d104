"""The registrations API: the conflict journey, bad input, scopes and query counts."""

import datetime
import json

import pytest
from django.utils import timezone

from qudao.core.models import ApprovalRequest
from qudao.registrations import services
from qudao.registrations.models import Registration
from qudao.registrations.tests.factories import RegistrationFactory, product_line

pytestmark = pytest.mark.django_db
URL = "/api/v1/registrations"


def body(world, **overrides):
    values = {
        "customer_name": "深圳市大疆创新科技有限公司",
        "customer_region_id": world.shenzhen.pk,
        "customer_city": "深圳",
        "project_name": "研发中心私有云",
        "industry": "制造业",
        "products": [{"product_line_id": product_line("CLOUD", "云平台").pk, "quantity": 12}],
        "estimated_amount": "5600000.00",
        "expected_close_date": (timezone.localdate() + datetime.timedelta(days=45)).isoformat(),
        "stage": "qualified",
    }
    return values | overrides


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def register(client, world, **overrides) -> dict:
    created = post(client, URL, body(world, **overrides))
    assert created.status_code == 201, created.content
    pk = created.json()["registration"]["id"]
    submitted = post(client, f"{URL}/{pk}/submit")
    assert submitted.status_code == 200, submitted.content
    return submitted.json()


def test_the_conflict_journey(world, as_api):
    p1, p2, cm = as_api(world.p1_user), as_api(world.p2_user), as_api(world.channel_mgr)

    # Given partner 1 registers a customer
    first = register(p1, world)["registration"]
    assert first["status"] == "submitted"

    # When partner 2 registers the same customer spelled differently
    response = post(
        p2,
        URL,
        body(world, customer_name="大疆创新科技（深圳）有限公司", estimated_amount="4100000"),
    )
    assert response.status_code == 201
    text = response.content.decode()
    assert response.json()["conflict"]["level"] in ("likely", "certain")
    second = register(
        p2, world, customer_name="大疆创新（深圳）科技有限公司", estimated_amount="4100000"
    )
    conflicts = p2.get(f"{URL}/{second['registration']['id']}/conflicts")

    # Then partner 2 is told the level, and nothing of partner 1
    assert second["conflict"]["level"] in ("likely", "certain")
    assert conflicts.json()["level"] in ("likely", "certain")
    assert conflicts.json()["candidates"] == []
    for leak in (world.p1.name, first["number"], "5600000", world.p1.code):
        assert leak not in text
        assert leak not in conflicts.content.decode()
        assert leak not in json.dumps(second, ensure_ascii=False)

    # And the channel manager sees both sides with reasons
    seen = cm.get(f"{URL}/{second['registration']['id']}/conflicts").json()
    candidate = seen["candidates"][0]
    assert candidate["number"] == first["number"]
    assert candidate["partner"] == world.p1.name
    assert candidate["reasons"]

    # And approves the first; the second needs an override reason
    assert post(cm, f"{URL}/{first['id']}/approve").json()["status"] == "approved"
    refused = post(cm, f"{URL}/{second['registration']['id']}/approve")
    assert refused.status_code == 422
    assert "override_reason" in refused.json()["errors"]
    overridden = post(
        cm,
        f"{URL}/{second['registration']['id']}/approve",
        {"override_reason": "Customer's written choice"},
    )
    assert overridden.status_code == 200
    assert overridden.json()["status"] == "approved"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"customer_name": ""}, "customer_name"),
        ({"estimated_amount": "0"}, "estimated_amount"),
        ({"estimated_amount": "99999999999"}, "estimated_amount"),
        ({"expected_close_date": "2000-01-01"}, "expected_close_date"),
        ({"customer_credit_code": "91440300708461136X"}, "customer_credit_code"),
        ({"customer_region_id": 999999}, "customer_region"),
        ({"products": [{"product_line_id": 1, "quantity": -1}]}, "products.0.quantity"),
        ({"stage": "dreaming"}, "stage"),
        ({"expected_close_date": "soon"}, "expected_close_date"),
    ],
)
def test_bad_input_is_a_422_with_field_errors_and_writes_nothing(world, as_api, overrides, field):
    response = post(as_api(world.p1_user), URL, body(world, **overrides))

    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert not Registration.objects.exists()


def test_vendor_staff_cannot_create_a_registration(world, as_api):
    response = post(as_api(world.channel_mgr), URL, body(world))
    assert response.status_code == 403


def test_partner_2_cannot_see_or_act_on_partner_1s_registration(world, as_api):
    p1, p2 = as_api(world.p1_user), as_api(world.p2_user)
    mine = register(p1, world)["registration"]
    draft = post(p1, URL, body(world, customer_name="美的集团")).json()["registration"]

    for pk in (mine["id"], draft["id"]):
        assert p2.get(f"{URL}/{pk}").status_code == 404
        assert p2.get(f"{URL}/{pk}/conflicts").status_code == 404
        assert post(p2, f"{URL}/{pk}/submit").status_code == 404
        assert post(p2, f"{URL}/{pk}/extend", {"reason": "x"}).status_code == 404
        assert (
            p2.put(f"{URL}/{pk}", body(world), content_type="application/json").status_code == 404
        )
    assert p2.get(URL).json()["count"] == 0
    assert p1.get(URL).json()["count"] == 2
    assert Registration.objects.get(pk=draft["id"]).status == "draft"
    # Another region's channel manager does not see it either, and vendor staff see no drafts.
    assert as_api(world.other_cm).get(f"{URL}/{mine['id']}").status_code == 404
    assert as_api(world.channel_mgr).get(f"{URL}/{draft['id']}").status_code == 404


def test_update_a_draft_and_the_list_filters(world, as_api):
    p1 = as_api(world.p1_user)
    draft = post(p1, URL, body(world)).json()["registration"]
    changed = p1.put(
        f"{URL}/{draft['id']}",
        body(world, project_name="二期扩容", stage="proposal"),
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert changed.json()["registration"]["project_name"] == "二期扩容"
    register(p1, world, customer_name="格力电器股份有限公司", project_name="空调产线MES")

    assert p1.get(URL, {"q": "二期"}).json()["count"] == 1
    assert p1.get(URL, {"status": "submitted"}).json()["count"] == 1
    assert p1.get(URL, {"stage": "proposal"}).json()["count"] == 1
    assert p1.get(URL, {"region": world.south.pk}).json()["count"] == 2
    assert p1.get(URL, {"region": world.east.pk}).json()["count"] == 0
    assert p1.get(URL, {"expiring": True}).json()["count"] == 0
    Registration.objects.filter(status="submitted").update(
        status="approved", protection_until=timezone.localdate() + datetime.timedelta(days=6)
    )
    assert p1.get(URL, {"expiring": True}).json()["count"] == 1
    assert p1.get(URL, {"status": "nonsense"}).status_code == 422
    names = [r["customer_name"] for r in p1.get(URL, {"sort": "customer"}).json()["items"]]
    assert names == sorted(names)


def test_reject_needs_a_reason_and_partners_cannot_approve(world, as_api):
    registration = register(as_api(world.p1_user), world)["registration"]
    cm = as_api(world.channel_mgr)

    assert post(as_api(world.p1_user), f"{URL}/{registration['id']}/approve").status_code == 403
    assert post(cm, f"{URL}/{registration['id']}/reject", {"comment": ""}).status_code == 422
    rejected = post(cm, f"{URL}/{registration['id']}/reject", {"comment": "Not a real project"})
    assert rejected.json()["status"] == "rejected"
    assert post(cm, f"{URL}/{registration['id']}/approve").status_code == 409


def test_a_stale_version_is_a_409(world, as_api):
    registration = register(as_api(world.p1_user), world)["registration"]
    approval = ApprovalRequest.objects.get(kind=services.REVIEW, object_id=str(registration["id"]))

    response = post(
        as_api(world.channel_mgr),
        f"{URL}/{registration['id']}/approve",
        {"version": approval.version + 1},
    )

    assert response.status_code == 409
    assert Registration.objects.get(pk=registration["id"]).status == "submitted"


def test_extend_an_approved_registration_and_not_an_expired_one(world, as_api):
    p1, cm = as_api(world.p1_user), as_api(world.channel_mgr)
    registration = register(p1, world)["registration"]
    post(cm, f"{URL}/{registration['id']}/approve")

    assert post(p1, f"{URL}/{registration['id']}/extend", {"reason": ""}).status_code == 422
    extended = post(p1, f"{URL}/{registration['id']}/extend", {"reason": "Tender delayed"})
    assert extended.status_code == 201

    Registration.objects.filter(pk=registration["id"]).update(status="expired")
    ApprovalRequest.objects.filter(pk=extended.json()["approval_id"]).update(status="cancelled")
    assert post(p1, f"{URL}/{registration['id']}/extend", {"reason": "again"}).status_code == 409


def test_the_list_query_count_does_not_grow_with_rows(world, as_api, django_assert_max_num_queries):
    for n in range(26):
        RegistrationFactory(
            partner=world.p1 if n % 2 else world.p2,
            customer_region=world.shenzhen,
            products=[("SW", n + 1), ("HW", 1)],
            index=False,
        )
    cm = as_api(world.channel_mgr)

    with django_assert_max_num_queries(7):
        response = cm.get(URL, {"page_size": 50, "sort": "-amount"})

    assert response.json()["count"] == 26
    assert len(response.json()["items"][0]["products"]) == 2
    assert as_api(world.p2_user).get(URL).json()["count"] == 13


def test_the_check_endpoint_hints_without_writing_or_naming_the_other_partner(world, as_api):
    p1, p2 = as_api(world.p1_user), as_api(world.p2_user)
    register(p1, world)
    count = Registration.objects.count()

    hint = post(
        p2,
        f"{URL}/check",
        {"customer_name": "大疆创新科技（深圳）有限公司", "customer_region_id": world.shenzhen.pk},
    )
    assert hint.status_code == 200
    assert hint.json()["level"] in ("likely", "certain") and hint.json()["count"] == 1
    assert "鹏" not in hint.content.decode() and world.p1.name not in hint.content.decode()
    assert Registration.objects.count() == count
    assert post(p2, f"{URL}/check", {"customer_name": "完全不同的公司"}).json()["level"] == "none"
    assert (
        post(as_api(world.channel_mgr), f"{URL}/check", {"customer_name": "x"}).status_code == 403
    )


def test_progress_updates_and_the_outcome(world, as_api):
    p1, p2, cm = as_api(world.p1_user), as_api(world.p2_user), as_api(world.channel_mgr)
    pk = register(p1, world)["registration"]["id"]
    post(cm, f"{URL}/{pk}/approve")

    updated = post(p1, f"{URL}/{pk}/progress", {"stage": "bidding", "notes": "已递交投标文件"})
    assert updated.status_code == 200, updated.content
    assert updated.json()["stage"] == "bidding" and updated.json()["last_progress_at"]
    assert post(p1, f"{URL}/{pk}/progress", {"estimated_amount": "-1"}).status_code == 422
    assert post(p2, f"{URL}/{pk}/progress", {"notes": "x"}).status_code == 404

    assert post(p1, f"{URL}/{pk}/close", {"outcome": "lost"}).status_code == 422  # no reason
    assert post(p1, f"{URL}/{pk}/close", {"outcome": "maybe", "reason": "x"}).status_code == 422
    lost = post(p1, f"{URL}/{pk}/close", {"outcome": "lost", "reason": "价格"})
    assert lost.status_code == 200 and lost.json()["status"] == "lost"
    assert post(p1, f"{URL}/{pk}/close", {"outcome": "won"}).status_code == 409
