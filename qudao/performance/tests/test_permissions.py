"""Who may read KPI schemes and rebate policies, and who may start HQ's computations: one rule
each, in the selectors (schemes_visible_to, policies_visible_to) and the services
(scorecards_compute_request, rebates_compute_request, facts_refresh_request, kpi_scheme_save,
rebate_policy_save), so that the pages and the API refuse the same people with the same
message and write nothing."""

import json

import pytest
from django_tasks_db.models import DBTaskResult

from qudao.core.errors import PermissionDenied
from qudao.performance.models import KpiScheme, RebatePolicy, Scorecard
from qudao.performance.periods import Period
from qudao.performance.selectors.kpi import schemes_visible_to
from qudao.performance.selectors.rebates import policies_visible_to
from qudao.performance.services import (
    facts_refresh_request,
    rebate_policy_save,
    rebates_compute_request,
    scorecards_compute_request,
)

from .factories import scheme

pytestmark = pytest.mark.django_db

PARTNER_USERS = ("p1_user", "p1_admin", "p2_user")
NOT_DIRECTORS = ("south_manager", "channel_mgr", "pm", "p1_admin")


@pytest.fixture
def policies(world):
    kpi = scheme(world.hq)
    policy = rebate_policy_save(
        actor=world.hq,
        data={"code": "q-rebate", "name": "季度返利", "period_kind": "quarter"},
        bands=[{"min_attainment": "0", "max_attainment": "", "rebate_percent": "1"}],
    )
    return kpi, policy


def _enqueued(task: str) -> int:
    return DBTaskResult.objects.filter(task_path__endswith=f".{task}").count()


def _api(as_api, user, language="en"):
    client = as_api(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def _post(client, url, body, method="post"):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


# --- reading schemes and policies -----------------------------------------------------------


@pytest.mark.parametrize("who", PARTNER_USERS)
def test_partner_users_are_refused_schemes_and_policies_on_pages_and_api(
    world, policies, as_user, as_api, who
):
    kpi, policy = policies
    user = getattr(world, who)
    page = as_user(user)
    for url in (
        "/performance/schemes/",
        f"/performance/schemes/{kpi.pk}/",
        f"/performance/schemes/{kpi.pk}/edit/",
        "/performance/rebates/policies/",
        f"/performance/rebates/policies/{policy.pk}/",
        f"/performance/rebates/policies/{policy.pk}/edit/",
    ):
        assert page.get(url).status_code == 403, url
    api = _api(as_api, user)
    for url, text in (
        ("/api/v1/performance/schemes", "Partner users do not read KPI schemes."),
        ("/api/v1/performance/rebate-policies", "Partner users do not read rebate policies."),
    ):
        response = api.get(url)
        assert response.status_code == 403, url
        assert response.json()["message"] == text
    # a partner user cannot change them either, and nothing changes
    response = _post(
        api,
        f"/api/v1/performance/schemes/{kpi.pk}",
        {"code": kpi.code, "name": "改名", "metrics": []},
        method="put",
    )
    assert response.status_code == 403
    kpi.refresh_from_db()
    assert kpi.name == "伙伴季度考核"


def test_the_selectors_hold_the_rule(world, policies):
    for who in PARTNER_USERS:
        with pytest.raises(PermissionDenied):
            schemes_visible_to(getattr(world, who))
        with pytest.raises(PermissionDenied):
            policies_visible_to(getattr(world, who))
    # every vendor user reads them (channel policy), not only HQ
    for who in ("hq", "south_manager", "channel_mgr", "pm"):
        user = getattr(world, who)
        assert schemes_visible_to(user).count() == 1
        assert policies_visible_to(user).count() == 1


@pytest.mark.parametrize("who", ("hq", "south_manager", "channel_mgr"))
def test_vendor_users_read_schemes_and_policies(world, policies, as_user, as_api, who):
    kpi, policy = policies
    user = getattr(world, who)
    page = as_user(user)
    for url in (
        "/performance/schemes/",
        f"/performance/schemes/{kpi.pk}/",
        "/performance/rebates/policies/",
        f"/performance/rebates/policies/{policy.pk}/",
    ):
        assert page.get(url).status_code == 200, url
    api = _api(as_api, user)
    assert [s["code"] for s in api.get("/api/v1/performance/schemes").json()] == ["partner-q"]
    assert [p["code"] for p in api.get("/api/v1/performance/rebate-policies").json()] == [
        "q-rebate"
    ]


# --- director-only actions ------------------------------------------------------------------


@pytest.mark.parametrize("who", NOT_DIRECTORS)
def test_non_directors_cannot_compute_scorecards_on_pages_or_api(
    world, policies, as_user, as_api, who
):
    user = getattr(world, who)
    quarter = Period.current("quarter")
    assert (
        as_user(user)
        .post("/performance/scorecards/compute/", {"period": quarter.label})
        .status_code
        == 403
    )
    response = _post(
        _api(as_api, user), "/api/v1/performance/scorecards/compute", {"period": quarter.label}
    )
    assert response.status_code == 403
    assert response.json()["message"] == "Only the channel director and system admins may do this."
    assert not Scorecard.objects.exists()
    with pytest.raises(PermissionDenied):
        scorecards_compute_request(actor=user, period=quarter)


@pytest.mark.parametrize("who", NOT_DIRECTORS)
def test_non_directors_cannot_edit_policy_or_start_hq_runs(world, policies, as_user, as_api, who):
    user = getattr(world, who)
    page = as_user(user)
    quarter = Period.current("quarter")
    for url in ("/performance/schemes/new/", "/performance/rebates/policies/new/"):
        assert page.get(url).status_code == 403, url
    assert page.post("/performance/facts/refresh/").status_code == 403
    response = page.post("/performance/rebates/compute/", {"all": "1", "period": quarter.label})
    assert response.status_code == 403
    api = _api(as_api, user)
    response = _post(
        api,
        "/api/v1/performance/schemes",
        {
            "code": "x-q",
            "name": "x",
            "metrics": [{"metric": "won_amount", "weight": "100", "rule": "linear"}],
        },
    )
    assert response.status_code == 403
    response = _post(
        api,
        "/api/v1/performance/rebate-policies",
        {"code": "x-r", "name": "x", "period_kind": "quarter", "bands": []},
    )
    assert response.status_code == 403
    assert KpiScheme.objects.count() == 1 and RebatePolicy.objects.count() == 1
    assert _enqueued("facts_refresh_task") == 0 and _enqueued("rebates_compute_task") == 0
    for request in (
        lambda: facts_refresh_request(actor=user),
        lambda: rebates_compute_request(actor=user, period=quarter),
    ):
        with pytest.raises(PermissionDenied):
            request()


def test_the_director_computes_and_refreshes(world, policies, as_user, as_api):
    quarter = Period.current("quarter")
    page = as_user(world.hq)
    response = page.post("/performance/scorecards/compute/", {"period": quarter.label})
    assert response.status_code == 302
    assert Scorecard.objects.filter(period_start=quarter.start).count() == 3  # p1, p2, p3
    response = _post(
        _api(as_api, world.hq),
        "/api/v1/performance/scorecards/compute",
        {"period": quarter.label},
    )
    assert response.status_code == 200 and response.json()["scorecards"] == 3
    assert page.post("/performance/facts/refresh/").status_code == 302
    assert _enqueued("facts_refresh_task") == 1


def test_a_large_channel_is_computed_by_the_worker(world, policies, as_api, settings):
    settings.PERFORMANCE_SYNC_UNITS = 1
    quarter = Period.current("quarter")
    response = _post(
        _api(as_api, world.hq), "/api/v1/performance/scorecards/compute", {"period": quarter.label}
    )
    assert response.status_code == 202
    assert response.json() == {"enqueued": quarter.label}
    assert _enqueued("scorecards_compute_task") == 1
