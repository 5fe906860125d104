"""Scheduled work runs by itself: a daily job is due at DAILY_RUN_AT and enqueued once a local
day however many schedulers ask, a periodic job once in each window of its minutes, the real
task worker executes them, and the worker command's own scheduler does all this unasked."""

import datetime
import threading
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from qudao.core import hooks
from qudao.core.models import ScheduledRun
from qudao.core.services.schedule import EPOCH, Scheduler, scheduled_jobs_enqueue_due
from qudao.core.tests.worker import run_worker

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2027, 3, 15)
NEXT_DAY = DAY + datetime.timedelta(days=1)
DAILY = sorted(task.name for task in hooks.daily_jobs())
PERIODIC = sorted(task.name for task, _ in hooks.periodic_jobs())


def at(day: datetime.date, hhmm: str) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm), tzinfo=SHANGHAI)


def daily_started(names: list[str]) -> list[str]:
    return sorted(name for name in names if name in DAILY)


@pytest.fixture(autouse=True)
def run_at_0105(settings):
    settings.DAILY_RUN_AT = datetime.time(1, 5)


def executed() -> Counter:
    return Counter(
        result.task_name
        for result in DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL)
    )


def test_the_apps_register_daily_and_periodic_jobs():
    assert {"agreements_expiry_check_task", "registrations_expire_due_task"} <= set(DAILY)
    assert "facts_refresh_task" in PERIODIC


@pytest.mark.django_db(transaction=True)  # the worker closes the connection it was given
def test_a_job_due_today_runs_once_and_not_twice():
    # Before the configured time no daily job is due.
    assert daily_started(scheduled_jobs_enqueue_due(now=at(DAY, "01:04"))) == []

    first = scheduled_jobs_enqueue_due(now=at(DAY, "01:05"))
    again = scheduled_jobs_enqueue_due(now=at(DAY, "13:00"))
    run_worker()

    assert daily_started(first) == DAILY and daily_started(again) == []
    assert {name: executed()[name] for name in DAILY} == dict.fromkeys(DAILY, 1)
    assert DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).count() == 0
    daily_runs = ScheduledRun.objects.filter(job__in=DAILY)
    assert set(daily_runs.values_list("slot", flat=True)) == {at(DAY, "01:05")}
    assert all(run.task_result_id for run in ScheduledRun.objects.all())


@pytest.mark.django_db
def test_the_next_local_day_runs_the_daily_jobs_again():
    scheduled_jobs_enqueue_due(now=at(DAY, "23:50"))

    # 00:30 in Shanghai is still the previous day in UTC: the day is the local one.
    assert daily_started(scheduled_jobs_enqueue_due(now=at(NEXT_DAY, "00:30"))) == []
    assert daily_started(scheduled_jobs_enqueue_due(now=at(NEXT_DAY, "01:05"))) == DAILY
    slots = ScheduledRun.objects.filter(job__in=DAILY).values_list("slot", flat=True)
    assert Counter(slots) == {at(DAY, "01:05"): len(DAILY), at(NEXT_DAY, "01:05"): len(DAILY)}


@pytest.mark.django_db
def test_a_scheduler_started_after_the_time_catches_up_the_same_day():
    assert daily_started(scheduled_jobs_enqueue_due(now=at(DAY, "16:20"))) == DAILY


@pytest.mark.django_db
def test_a_periodic_job_runs_once_in_each_window():
    minutes = {task.name: m for task, m in hooks.periodic_jobs()}["facts_refresh_task"]
    window = datetime.timedelta(minutes=minutes)
    start = EPOCH + (at(DAY, "10:00") - EPOCH) // window * window  # a window's first moment

    def refreshes(moment):
        return scheduled_jobs_enqueue_due(now=moment).count("facts_refresh_task")

    assert refreshes(start) == 1
    assert refreshes(start + window / 2) == 0
    assert refreshes(start + window) == 1
    assert ScheduledRun.objects.filter(job="facts_refresh_task").count() == 2


@pytest.mark.django_db(transaction=True)
def test_schedulers_racing_enqueue_each_job_once():
    # Given four schedulers (several workers) ticking at the same moment
    barrier = threading.Barrier(4)
    started: list[list[str]] = []

    def tick():
        try:
            barrier.wait(timeout=10)
            started.append(scheduled_jobs_enqueue_due(now=at(DAY, "01:05")))
        finally:
            connection.close()

    threads = [threading.Thread(target=tick) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then each job was enqueued by exactly one of them
    assert sorted(name for names in started for name in names) == sorted(DAILY + PERIODIC)
    assert ScheduledRun.objects.count() == len(DAILY) + len(PERIODIC)
    assert DBTaskResult.objects.count() == len(DAILY) + len(PERIODIC)


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_runs_the_days_jobs_by_itself(settings):
    # Given a worker started at any time of day (every time is after 00:00)
    settings.DAILY_RUN_AT = datetime.time(0, 0)

    # When it runs until it has executed as many tasks as there are scheduled jobs
    run_worker("worker", batch=False, max_tasks=len(DAILY) + len(PERIODIC), interval=0.05)

    # Then its scheduler enqueued each job once, and the worker ran them
    assert executed() == Counter(DAILY + PERIODIC)
    assert ScheduledRun.objects.count() == len(DAILY) + len(PERIODIC)


@pytest.mark.django_db(transaction=True)
def test_a_failing_tick_does_not_stop_the_scheduler(settings, monkeypatch):
    settings.DAILY_RUN_AT = datetime.time(0, 0)
    ticks = []
    real = scheduled_jobs_enqueue_due

    def flaky(**kwargs):
        ticks.append(1)
        if len(ticks) == 1:
            raise RuntimeError("database restarting")
        return real(**kwargs)

    monkeypatch.setattr("qudao.core.services.schedule.scheduled_jobs_enqueue_due", flaky)
    scheduler = Scheduler(interval=0.05)
    scheduler.start()
    try:
        for _ in range(200):
            if ScheduledRun.objects.filter(job__in=DAILY).count() == len(DAILY):
                break
            threading.Event().wait(0.05)
    finally:
        scheduler.stop()

    assert len(ticks) >= 2
    assert ScheduledRun.objects.filter(job__in=DAILY).count() == len(DAILY)
