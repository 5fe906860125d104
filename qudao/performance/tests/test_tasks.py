"""The daily task, run by the real worker: facts rebuilt, the current scorecards and benchmarks
computed, alerts raised and overdue actions escalated (once)."""

import datetime

import pytest
from django.utils import timezone

from qudao.core import hooks
from qudao.core.tests.worker import run_worker
from qudao.performance.models import BenchmarkEntry, CorrectiveAction, PartnerMonthFact, Scorecard
from qudao.performance.services import action_create
from qudao.performance.tasks import facts_refresh_task, performance_daily_task

from .factories import scheme, won_project

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_daily_task_is_registered_and_closes_the_loop(world):
    assert performance_daily_task in hooks.daily_jobs()
    won_project(world.p1, amount="100000")
    scheme(world.hq)
    action = action_create(
        actor=world.channel_mgr,
        data={
            "title": "x",
            "partner": world.p1,
            "owner": world.p1_admin,
            "due_date": timezone.localdate(),
        },
    )
    CorrectiveAction.objects.filter(pk=action.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )

    performance_daily_task.enqueue()
    run_worker()

    assert PartnerMonthFact.objects.filter(partner=world.p1).exists()
    assert Scorecard.objects.filter(partner=world.p1).exists()
    assert BenchmarkEntry.objects.filter(partner=world.p1).exists()
    action.refresh_from_db()
    assert action.escalated_to == world.channel_mgr


def test_the_refresh_task_runs_in_the_worker(world):
    won_project(world.p2, amount="5000")
    facts_refresh_task.enqueue()
    run_worker()
    assert PartnerMonthFact.objects.get(partner=world.p2).won_amount == 5000
