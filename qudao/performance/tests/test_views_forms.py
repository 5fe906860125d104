"""Bad input through the pages: a clear message and nothing written — a negative or overlapping
target, a decomposition with one bad value, a scheme whose weights do not add up, overlapping
rebate bands, an action without owner or due date, verification by the owner."""

import datetime

import pytest
from django.utils import timezone

from qudao.performance.models import CorrectiveAction, KpiScheme, RebatePolicy, Target
from qudao.performance.periods import Period
from qudao.performance.services import action_create, action_submit, target_create

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def en_client(as_user):
    def make(user):
        client = as_user(user)
        client.cookies["django_language"] = "en"
        return client

    return make


def test_a_negative_target_is_refused_on_the_page(world, en_client):
    quarter = Period.current("quarter")
    response = en_client(world.hq).post(
        "/performance/targets/new/",
        {"unit_kind": "company", "metric": "won_amount", "period": quarter.label, "value": "-5"},
    )
    assert response.status_code == 200
    assert "cannot be negative" in response.content.decode()
    assert not Target.objects.exists()


def test_an_overlapping_target_is_refused_on_the_page(world, en_client):
    quarter = Period.current("quarter")
    target_create(
        actor=world.hq,
        data={
            "unit_kind": "company",
            "metric": "won_amount",
            "period": quarter.label,
            "value": "5",
        },
    )
    response = en_client(world.hq).post(
        "/performance/targets/new/",
        {
            "unit_kind": "company",
            "metric": "won_amount",
            "period": str(quarter.start.year),
            "value": "50",
        },
    )
    assert "overlaps" in response.content.decode()
    assert Target.objects.count() == 1


def test_a_decomposition_with_a_bad_value_shows_it_and_writes_nothing(world, en_client):
    quarter = Period.current("quarter")
    company = target_create(
        actor=world.hq,
        data={
            "unit_kind": "company",
            "metric": "won_amount",
            "period": quarter.label,
            "value": "5",
        },
    )
    response = en_client(world.hq).post(
        f"/performance/targets/{company.pk}/",
        {f"unit:region:{world.south.pk}": "3", f"unit:region:{world.east.pk}": "-1"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="decompose-error"' in page
    assert "cannot be negative" in page
    assert Target.objects.count() == 1
    # The region's manager of another region cannot post a decomposition of the company target.
    assert (
        en_client(world.east_manager).post(f"/performance/targets/{company.pk}/", {}).status_code
        == 404
    )


def test_a_scheme_whose_weights_do_not_add_up_is_refused_on_the_page(world, en_client):
    data = {
        "code": "web-q",
        "name": "网页方案",
        "unit_kind": "partner",
        "period_kind": "quarter",
        "warning_line": "60",
        "is_active": "on",
        "line0-metric": "won_amount",
        "line0-weight": "50",
        "line0-rule": "linear",
        "line1-metric": "registrations",
        "line1-weight": "30",
        "line1-rule": "linear",
    }
    response = en_client(world.hq).post("/performance/schemes/new/", data)
    assert "must add up to 100" in response.content.decode()
    assert not KpiScheme.objects.exists()
    data["line1-weight"] = "50"
    assert en_client(world.hq).post("/performance/schemes/new/", data).status_code == 302
    assert KpiScheme.objects.get().metrics.count() == 2


def test_overlapping_bands_are_refused_on_the_page(world, en_client):
    data = {
        "code": "web-r",
        "name": "返利",
        "period_kind": "quarter",
        "bonus_per_new_customer": "0",
        "bonus_per_certification": "0",
        "is_active": "on",
        "band0-min_attainment": "0",
        "band0-max_attainment": "100",
        "band0-rebate_percent": "1",
        "band1-min_attainment": "90",
        "band1-rebate_percent": "2",
    }
    response = en_client(world.hq).post("/performance/rebates/policies/new/", data)
    assert "overlap" in response.content.decode()
    assert not RebatePolicy.objects.exists()


def test_an_action_needs_owner_and_due_date_on_the_page(world, en_client):
    response = en_client(world.channel_mgr).post(
        "/performance/actions/new/",
        {"title": "整改", "source_kind": "other", "partner": world.p1.pk},
    )
    page = response.content.decode()
    assert "Choose who carries the action out." in page and "Set the due date." in page
    assert not CorrectiveAction.objects.exists()


def test_the_owner_cannot_verify_on_the_page(world, en_client, django_capture_on_commit_callbacks):
    action = action_create(
        actor=world.channel_mgr,
        data={
            "title": "x",
            "partner": world.p1,
            "owner": world.p1_admin,
            "due_date": timezone.localdate() + datetime.timedelta(days=3),
        },
    )
    action_submit(actor=world.p1_admin, action=action, evidence="done")
    client = en_client(world.p1_admin)
    response = client.post(
        f"/performance/actions/{action.pk}/verify/",
        {"text": "ok", "decision": "verify"},
        follow=True,
    )
    assert "The owner cannot verify their own action." in response.content.decode()
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.SUBMITTED
    assert (
        en_client(world.p2_user).post(f"/performance/actions/{action.pk}/verify/", {}).status_code
        == 404
    )
