"""The performance API: targets (create, decompose, overlap and negative refused with nothing
written), scorecards, rebates, benchmarks, actions (the owner cannot verify), alerts and the
dashboard — scoped like the pages: another partner's objects are a 404."""

import json

import pytest

from qudao.core.tests.openapi import assert_conforms
from qudao.performance.models import CorrectiveAction, Scorecard, Target
from qudao.performance.periods import Period
from qudao.performance.services import benchmarks_compute, facts_rebuild, scorecards_compute

from .factories import scheme, won_project

pytestmark = pytest.mark.django_db


def _post(client, url, body, method="post"):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def quarter():
    return Period.current("quarter")


def test_targets_are_set_decomposed_and_read_with_attainment(world, as_api, quarter):
    won_project(world.p1, amount="50000")
    facts_rebuild()
    hq = as_api(world.hq)
    created = _post(
        hq,
        "/api/v1/performance/targets",
        {
            "unit_kind": "region",
            "region_id": world.south.pk,
            "metric": "won_amount",
            "period": quarter.label,
            "value": "400000",
        },
    )
    assert created.status_code == 201, created.content
    region = created.json()
    children = _post(
        as_api(world.south_manager),
        f"/api/v1/performance/targets/{region['id']}/children",
        {"values": {f"partner:{world.p1.pk}": "100000"}},
        method="put",
    )
    assert children.status_code == 200
    assert (
        float(children.json()[0]["actual"]) == 50000
        and float(children.json()[0]["attainment"]) == 50
    )
    region = hq.get(f"/api/v1/performance/targets/{region['id']}").json()
    assert float(region["children_total"]) == 100000 and region["adds_up"] is False

    p1 = as_api(world.p1_admin).get("/api/v1/performance/targets").json()
    assert [item["partner_id"] for item in p1["items"]] == [world.p1.pk]
    assert (
        as_api(world.p2_user).get(f"/api/v1/performance/targets/{region['id']}").status_code == 404
    )


def test_negative_and_overlapping_targets_are_422_and_write_nothing(world, as_api, quarter):
    hq = as_api(world.hq)
    body = {"unit_kind": "company", "metric": "won_amount", "period": quarter.label, "value": "-1"}
    negative = _post(hq, "/api/v1/performance/targets", body)
    assert negative.status_code == 422 and "value" in negative.json()["errors"]
    assert _post(hq, "/api/v1/performance/targets", body | {"value": "10"}).status_code == 201
    overlap = _post(
        hq,
        "/api/v1/performance/targets",
        body | {"value": "10", "period": Period.of("year", quarter.start).label},
    )
    assert overlap.status_code == 422 and "period" in overlap.json()["errors"]
    assert Target.objects.count() == 1
    assert (
        _post(
            as_api(world.channel_mgr),
            "/api/v1/performance/targets",
            body | {"value": "1", "period": "2030"},
        ).status_code
        == 403
    )


def test_schemes_with_bad_weights_are_422(world, as_api):
    response = _post(
        as_api(world.hq),
        "/api/v1/performance/schemes",
        {
            "code": "x-q",
            "name": "x",
            "metrics": [{"metric": "won_amount", "weight": "70", "rule": "linear"}],
        },
    )
    assert response.status_code == 422 and "lines" in response.json()["errors"]


def test_scorecards_are_scoped_and_manual_scores_checked(world, as_api, quarter):
    scheme(world.hq)
    scorecards_compute(period=quarter)
    card = Scorecard.objects.get(partner=world.p1)
    line = card.lines.get(metric="manual")

    mine = as_api(world.p1_admin).get("/api/v1/performance/scorecards").json()
    assert [item["partner_id"] for item in mine["items"]] == [world.p1.pk]
    assert as_api(world.p2_user).get(f"/api/v1/performance/scorecards/{card.pk}").status_code == 404
    url = f"/api/v1/performance/scorecards/{card.pk}/lines/{line.pk}/score"
    assert _post(as_api(world.channel_mgr), url, {"score": "150"}).status_code == 422
    assert _post(as_api(world.p1_admin), url, {"score": "50"}).status_code == 403
    scored = _post(as_api(world.channel_mgr), url, {"score": "90"})
    assert scored.status_code == 200 and float(scored.json()["total_score"]) == 18


def test_actions_through_the_api_and_the_owner_cannot_verify(world, as_api):
    cm = as_api(world.channel_mgr)
    missing = _post(cm, "/api/v1/performance/actions", {"title": "x", "partner_id": world.p1.pk})
    assert missing.status_code == 422 and {"owner", "due_date"} <= set(missing.json()["errors"])
    assert not CorrectiveAction.objects.exists()
    created = _post(
        cm,
        "/api/v1/performance/actions",
        {
            "title": "补充周报",
            "partner_id": world.p1.pk,
            "owner_id": world.p1_admin.pk,
            "due_date": Period.current("year").end.isoformat(),
        },
    )
    assert created.status_code == 201
    action = created.json()["id"]
    owner = as_api(world.p1_admin)
    assert (
        _post(owner, f"/api/v1/performance/actions/{action}/submit", {"text": "已提交"}).status_code
        == 200
    )
    assert (
        _post(owner, f"/api/v1/performance/actions/{action}/verify", {"text": ""}).status_code
        == 403
    )
    assert as_api(world.p2_user).get(f"/api/v1/performance/actions/{action}").status_code == 404
    verified = _post(cm, f"/api/v1/performance/actions/{action}/verify", {"text": "ok"})
    assert verified.json()["status"] == "closed" and verified.json()["closed_on_time"] is True


def test_dashboard_and_benchmarks_api(world, as_api, quarter):
    won_project(world.p1, amount="120000")
    facts_rebuild()
    benchmarks_compute(period=quarter)

    data = (
        as_api(world.channel_mgr)
        .get(f"/api/v1/performance/dashboard?period={quarter.label}")
        .json()
    )
    assert data["kpis"]["won_amount"] == 120000
    assert as_api(world.hq).get("/api/v1/performance/dashboard?period=2026Q9").status_code == 422
    own = as_api(world.p2_user).get("/api/v1/performance/benchmarks").json()
    assert own["count"] > 0 and {item["partner_id"] for item in own["items"]} == {world.p2.pk}


def test_api_list_query_counts_are_bounded(world, as_api, django_assert_max_num_queries, quarter):
    from qudao.partners.tests.factories import PartnerFactory

    scheme(world.hq)
    client = as_api(world.hq)
    urls = [
        "/api/v1/performance/targets",
        "/api/v1/performance/scorecards",
        "/api/v1/performance/actions",
        "/api/v1/performance/rebates",
        "/api/v1/performance/alerts",
    ]
    from qudao.performance.services import action_create, target_create

    target_create(
        actor=world.hq,
        data={
            "unit_kind": "partner",
            "partner": world.p1,
            "metric": "won_amount",
            "period": quarter.label,
            "value": "1",
        },
    )
    action_create(
        actor=world.channel_mgr,
        data={"title": "a", "partner": world.p1, "owner": world.p1_admin, "due_date": quarter.end},
    )
    scorecards_compute(period=quarter)
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(30) as few:
            assert client.get(url).status_code == 200
        counts[url] = len(few.captured_queries)
    for _index in range(20):
        partner = PartnerFactory(region=world.shenzhen, owner=world.channel_mgr)
        target_create(
            actor=world.hq,
            data={
                "unit_kind": "partner",
                "partner": partner,
                "metric": "won_amount",
                "period": quarter.label,
                "value": "1",
            },
        )
        action_create(
            actor=world.channel_mgr,
            data={"title": "a", "partner": partner, "owner": world.pm, "due_date": quarter.end},
        )
    scorecards_compute(period=quarter)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200


def test_partner_users_cannot_read_schemes_or_rebate_policies(world, as_api):
    client = as_api(world.p1_admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    for url in ("/api/v1/performance/schemes", "/api/v1/performance/rebate-policies"):
        response = client.get(url)
        assert response.status_code == 403
        assert "伙伴用户" in response.json()["message"]  # localised, not English
    assert as_api(world.hq).get("/api/v1/performance/schemes").status_code == 200


def test_unknown_members_and_numbers_too_large_are_422_and_change_nothing(world, as_api):
    hq = as_api(world.hq)
    saved = scheme(world.hq)
    body = {
        "code": saved.code,
        "name": "改名",
        "warning_line": "50",
        "metrics": [{"metric": "won_amount", "weight": "100", "rule": "linear"}],
    }
    url = f"/api/v1/performance/schemes/{saved.pk}"
    company = {"unit_kind": "company", "metric": "won_amount", "period": "2026", "value": "10"}
    parent = _post(hq, "/api/v1/performance/targets", company)
    assert parent.status_code == 201, parent.content
    children = f"/api/v1/performance/targets/{parent.json()['id']}/children"

    responses = {
        "scheme member": _post(hq, url, body | {"weights": {}}, method="put"),
        "metric member": _post(
            hq, url, body | {"metrics": [body["metrics"][0] | {"bonus": 1}]}, method="put"
        ),
        "scheme number": _post(hq, url, body | {"warning_line": 4.6e26}, method="put"),
        "target number": _post(
            hq, "/api/v1/performance/targets", company | {"period": "2027", "value": 2e154}
        ),
        "children member": _post(
            hq, children, {"values": {f"region:{world.south.pk}": "5"}, "total": 5}, method="put"
        ),
    }

    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 422)
    assert {name: list(r.json()["errors"]) for name, r in responses.items()} == {
        "scheme member": ["weights"],
        "metric member": ["metrics.0.bonus"],
        "scheme number": ["warning_line"],
        "target number": ["value"],
        "children member": ["total"],
    }
    for response in responses.values():
        assert response.json()["code"] == "invalid"
    assert_conforms(responses["scheme member"], "put", "/api/v1/performance/schemes/{scheme_id}")
    assert_conforms(responses["target number"], "post", "/api/v1/performance/targets")
    saved.refresh_from_db()
    assert (saved.name, saved.warning_line, saved.metrics.count()) == ("伙伴季度考核", 60, 3)
    assert Target.objects.count() == 1
