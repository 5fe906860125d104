"""Corrective actions: raised with an owner and a due date, done by the owner, verified by the
raiser (never the owner), escalated once when overdue, counted in the closure rate; alerts turn
into actions with one click."""

import datetime

import pytest
from django.utils import timezone

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import Notification
from qudao.performance.models import Alert, CorrectiveAction
from qudao.performance.periods import Period, add_months, month_start
from qudao.performance.selectors.actions import closure_rate
from qudao.performance.services import (
    action_cancel,
    action_create,
    action_reject,
    action_submit,
    action_verify,
    actions_escalate_overdue,
    alert_act,
    alerts_detect,
    facts_rebuild,
    target_create,
)

from .factories import won_project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _raise(world, **data):
    return action_create(
        actor=world.channel_mgr,
        data={
            "title": "回款跟进不及时",
            "partner": world.p1,
            "owner": world.p1_admin,
            "due_date": TODAY() + datetime.timedelta(days=7),
            "source_kind": "meeting",
        }
        | data,
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"owner": None}, "owner"),
        ({"due_date": None}, "due_date"),
        ({"title": ""}, "title"),
        ({"due_date": "2020-01-01"}, "due_date"),
    ],
)
def test_an_action_needs_an_owner_a_due_date_and_a_finding(world, change, field):
    with pytest.raises(ValidationError) as error:
        _raise(world, **change)
    assert field in error.value.message_dict
    assert not CorrectiveAction.objects.exists()


def test_the_raiser_cannot_own_it_and_another_partners_user_cannot_either(world):
    with pytest.raises(ValidationError) as error:
        _raise(world, owner=world.channel_mgr)
    assert "owner" in error.value.message_dict
    with pytest.raises(ValidationError):
        _raise(world, owner=world.p2_user)
    with pytest.raises(PermissionDenied):
        action_create(
            actor=world.other_cm,
            data={"title": "x", "partner": world.p1, "owner": world.p1_admin, "due_date": TODAY()},
        )
    assert not CorrectiveAction.objects.exists()


def test_owner_does_it_and_the_raiser_verifies_it_on_time(world):
    action = _raise(world)

    with pytest.raises(PermissionDenied):
        action_submit(actor=world.channel_mgr, action=action, evidence="x")
    with pytest.raises(ValidationError):
        action_submit(actor=world.p1_admin, action=action, evidence=" ")
    action = action_submit(actor=world.p1_admin, action=action, evidence="已补齐回款计划并上传")
    with pytest.raises(PermissionDenied) as denied:
        action_verify(actor=world.p1_admin, action=action)
    assert "owner" in str(denied.value) or "负责人" in str(denied.value)
    with pytest.raises(PermissionDenied):
        action_verify(actor=world.south_manager, action=action)

    action = action_verify(actor=world.channel_mgr, action=action, note="核实")

    assert action.status == CorrectiveAction.Status.CLOSED and action.closed_on_time is True
    with pytest.raises(ConflictError):
        action_verify(actor=world.channel_mgr, action=action)


def test_a_rejected_action_goes_back_to_the_owner_and_can_be_cancelled(world):
    action = action_submit(actor=world.p1_admin, action=_raise(world), evidence="done")
    with pytest.raises(ValidationError):
        action_reject(actor=world.channel_mgr, action=action, note="")
    action = action_reject(actor=world.channel_mgr, action=action, note="证据不足")
    assert action.status == CorrectiveAction.Status.OPEN
    with pytest.raises(PermissionDenied):
        action_cancel(actor=world.p1_admin, action=action, reason="x")
    assert (
        action_cancel(actor=world.channel_mgr, action=action, reason="重复").status == "cancelled"
    )


def test_overdue_actions_escalate_once_to_the_owners_manager(
    world, django_capture_on_commit_callbacks
):
    action = _raise(world)
    CorrectiveAction.objects.filter(pk=action.pk).update(
        due_date=TODAY() - datetime.timedelta(days=2)
    )
    other = action_create(
        actor=world.hq,
        data={
            "title": "区域周报缺失",
            "region": world.south,
            "owner": world.pm,
            "due_date": TODAY(),
        },
    )
    CorrectiveAction.objects.filter(pk=other.pk).update(
        due_date=TODAY() - datetime.timedelta(days=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert actions_escalate_overdue() == 2
        assert actions_escalate_overdue() == 0

    action.refresh_from_db()
    other.refresh_from_db()
    assert action.escalated_to == world.channel_mgr  # a partner user's channel manager
    assert other.escalated_to == world.south_manager  # the PM's regional manager
    assert Notification.objects.filter(recipient=world.south_manager).count() == 1


def test_closure_rate_counts_closed_on_time_among_those_due(world):
    yesterday = TODAY() - datetime.timedelta(days=1)
    late = _raise(world)
    CorrectiveAction.objects.filter(pk=late.pk).update(due_date=yesterday)
    on_time = _raise(world, due_date=TODAY())
    not_yet = _raise(world)  # due next week, still open: not counted yet
    rows = CorrectiveAction.objects.filter

    action_verify(
        actor=world.channel_mgr,
        action=action_submit(actor=world.p1_admin, action=on_time, evidence="ok"),
    )

    assert closure_rate(rows(pk=late.pk), Period.of("quarter", yesterday)) == {
        "due": 1,
        "on_time": 0,
        "rate": 0,
    }
    assert closure_rate(rows(pk=on_time.pk), Period.of("quarter", TODAY()))["rate"] == 100
    assert closure_rate(rows(pk=not_yet.pk), Period.of("year", not_yet.due_date))["due"] == 0


def test_alerts_for_a_sales_drop_and_a_target_at_risk_become_actions(world, settings):
    settings.PERFORMANCE_RISK_MIN_DAYS = 0
    this_month = month_start(TODAY())
    last, before = add_months(this_month, -1), add_months(this_month, -2)
    won_project(world.p1, amount="100000", won_on=before)
    won_project(world.p1, amount="20000", won_on=last)  # −80 %
    facts_rebuild()
    target = target_create(
        actor=world.hq,
        data={
            "unit_kind": "partner",
            "partner": world.p1,
            "metric": "won_amount",
            "period": Period.current("year").label,
            "value": "100000000",
        },
    )

    found = alerts_detect()
    again = alerts_detect()

    assert found["new"] == 2 and again["new"] == 0
    drop = Alert.objects.get(kind="sales_drop")
    assert drop.partner == world.p1 and drop.value == 80
    assert Alert.objects.get(kind="target_risk").target == target
    with pytest.raises(PermissionDenied):
        alert_act(actor=world.other_cm, alert=drop)
    action = alert_act(actor=world.channel_mgr, alert=drop)
    assert action.owner == world.p1_admin and action.partner == world.p1
    assert action.source_kind == "alert" and action.source_id == str(drop.pk)
    drop.refresh_from_db()
    assert drop.status == "acted" and drop.action == action
    with pytest.raises(ConflictError):
        alert_act(actor=world.channel_mgr, alert=drop)
