"""Tasks are not lost with their worker: a task whose worker process is killed is failed, with
the reason, by the next worker's reaper, and SIGTERM lets a worker finish its task before it
stops. Real `manage.py worker` processes on the test database; the reaper's rules one by one;
a lost delivery is failed for staff to retry."""

import datetime
import os
import signal
import subprocess
import sys

import pytest
from django.db.models.functions import Now
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from qudao.core.models import Delivery, Notification, WorkerHeartbeat
from qudao.core.services.notifications import delivery_retry
from qudao.core.services.workers import (
    tasks_fail_orphaned,
    worker_heartbeat_register,
    worker_stopped,
)
from qudao.core.tasks import delivery_send_task
from qudao.core.tests.tasks import signal_wait_task
from qudao.core.tests.worker import start_worker_process, stop_worker_process, wait_until

LOST = "qudao.core.services.workers.WorkerLost"
# The worker processes of these tests: quick to call a worker dead, no scheduled jobs.
QUICK = ("--no-scheduler", "--interval", "0.1")
QUICK_ENV = {"TASK_WORKER_TIMEOUT_SECONDS": "2"}


def row(result) -> DBTaskResult:
    return DBTaskResult.objects.get(pk=result.id)


def log_of(path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_is_killed_is_failed_by_the_next_worker(tmp_path):
    # Given a worker process running a task that waits
    result = signal_wait_task.enqueue(str(tmp_path))
    log = tmp_path / "worker.log"
    killed = start_worker_process(*QUICK, "--worker-id", "killed", log=log, **QUICK_ENV)
    restarted = None
    try:
        wait_until(lambda: (tmp_path / "started").exists(), what="the task to start")
        assert row(result).status == TaskResultStatus.RUNNING

        # When the worker is killed (SIGKILL: no handler runs) and another one starts
        killed.kill()
        killed.wait(timeout=60)
        assert row(result).status == TaskResultStatus.RUNNING
        restarted = start_worker_process(*QUICK, "--worker-id", "next", log=log, **QUICK_ENV)

        # Then the new worker's reaper marks the lost task failed, and says why
        wait_until(
            lambda: row(result).status != TaskResultStatus.RUNNING,
            what=f"the lost task to be failed; the workers printed:\n{log_of(log)}",
        )
    finally:
        stop_worker_process(killed)
        if restarted:
            stop_worker_process(restarted)

    lost = row(result)
    assert lost.status == TaskResultStatus.FAILED and lost.finished_at
    assert lost.exception_class_path == LOST
    assert "(killed on " in lost.traceback and "stopped before the task finished" in lost.traceback
    # It is not run again by itself, and the dead worker is forgotten
    assert lost.worker_ids == ["killed"]
    assert not (tmp_path / "release").exists()
    assert not WorkerHeartbeat.objects.filter(worker_id="killed").exists()
    # The new worker stopped gracefully: its row is gone too
    assert restarted.returncode == 0
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_sigterm_lets_the_running_task_finish_then_the_worker_stops(tmp_path):
    # Given a worker (with its scheduler) running a task that waits, and more work queued
    result = signal_wait_task.using(priority=10).enqueue(str(tmp_path))
    queued = signal_wait_task.enqueue(str(tmp_path / "never"))
    log = tmp_path / "worker.log"
    worker = start_worker_process("--interval", "0.1", "--worker-id", "stopping", log=log)
    try:
        wait_until(lambda: (tmp_path / "started").exists(), what="the task to start")
        assert WorkerHeartbeat.objects.filter(worker_id="stopping", pid=worker.pid).exists()

        # When it gets SIGTERM in the middle of the task
        worker.send_signal(signal.SIGTERM)
        wait_until(
            lambda: "shutting down gracefully" in log_of(log),
            what=f"the worker to take the signal; it printed:\n{log_of(log)}",
        )
        # Then it keeps running the task until the task ends
        assert worker.poll() is None
        assert row(result).status == TaskResultStatus.RUNNING
        (tmp_path / "release").touch()
        returncode = worker.wait(timeout=60)
    finally:
        stop_worker_process(worker)

    # And then stops by itself: the task succeeded, nothing else was started, the scheduler
    # and the heartbeat ended (its row is removed last)
    assert returncode == 0, log_of(log)
    finished = row(result)
    assert finished.status == TaskResultStatus.SUCCESSFUL and finished.return_value == "released"
    assert row(queued).status == TaskResultStatus.READY
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()
    assert not WorkerHeartbeat.objects.exists()


# --- the reaper's rules ---------------------------------------------------------------------


def running_task(worker_id: str, *, started_ago: datetime.timedelta | None = None):
    """A task claimed by `worker_id`; its start `started_ago` by the database's clock."""
    result = signal_wait_task.enqueue("/nowhere")
    task = DBTaskResult.objects.get(pk=result.id)
    task.claim(worker_id)
    if started_ago is not None:
        DBTaskResult.objects.filter(pk=task.pk).update(started_at=Now() - started_ago)
    return result


def heartbeat(worker_id: str, *, seen_ago: datetime.timedelta, **fields) -> None:
    worker_heartbeat_register(worker_id=worker_id)
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=Now() - seen_ago, **fields)


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.fixture
def timeout_60(settings):
    settings.TASK_WORKER_TIMEOUT_SECONDS = 60


MINUTE = datetime.timedelta(minutes=1)
SECOND = datetime.timedelta(seconds=1)


@pytest.mark.django_db
def test_the_reaper_fails_the_tasks_of_a_worker_silent_for_longer_than_the_timeout(timeout_60):
    # Given workers on other hosts: one silent for 61 s, one heard from a second ago
    heartbeat("silent", seen_ago=MINUTE + SECOND, hostname="elsewhere-1")
    heartbeat("alive", seen_ago=SECOND, hostname="elsewhere-2")
    lost = running_task("silent")
    alive = running_task("alive", started_ago=60 * MINUTE)

    assert tasks_fail_orphaned() == [lost.id]

    assert row(lost).status == TaskResultStatus.FAILED
    assert row(lost).exception_class_path == LOST
    assert "(silent on elsewhere-1, process " in row(lost).traceback
    assert row(alive).status == TaskResultStatus.RUNNING
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["alive"]
    # A second pass finds nothing more to do
    assert tasks_fail_orphaned() == []


@pytest.mark.django_db
def test_a_silent_worker_whose_process_still_runs_on_this_host_is_left_alone(timeout_60):
    # (On SQLite a long write transaction, a big import, holds back the heartbeat's writes.)
    heartbeat("busy", seen_ago=10 * MINUTE)  # this very process
    busy = running_task("busy")
    heartbeat("gone", seen_ago=10 * MINUTE, pid=dead_pid())
    gone = running_task("gone")

    assert tasks_fail_orphaned() == [gone.id]
    assert row(busy).status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_process_id_taken_by_another_process_does_not_keep_a_dead_worker_alive(timeout_60):
    heartbeat("reused", seen_ago=10 * MINUTE, pid=os.getpid(), process_started="1")
    lost = running_task("reused")

    assert tasks_fail_orphaned() == [lost.id]


@pytest.mark.django_db
def test_a_task_of_a_worker_without_heartbeat_fails_once_it_ran_longer_than_the_timeout(
    timeout_60,
):
    overdue = running_task("db-worker", started_ago=MINUTE + SECOND)
    recent = running_task("db-worker", started_ago=SECOND)

    assert tasks_fail_orphaned() == [overdue.id]
    assert row(recent).status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_the_reaper_never_fails_its_own_workers_tasks_nor_finished_ones(timeout_60):
    heartbeat("me", seen_ago=10 * MINUTE, hostname="elsewhere")
    mine = running_task("me")
    heartbeat("other", seen_ago=10 * MINUTE, hostname="elsewhere")
    finished = running_task("other")
    DBTaskResult.objects.get(pk=finished.id).set_successful("done")

    assert tasks_fail_orphaned(own_worker_id="me") == []
    assert row(mine).status == TaskResultStatus.RUNNING
    assert row(finished).status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db
def test_a_stopping_worker_hands_back_a_task_it_claimed_and_removes_its_row():
    worker_heartbeat_register(worker_id="stopping")
    claimed = running_task("stopping")
    other = running_task("other")

    assert worker_stopped(worker_id="stopping") == 1

    assert row(claimed).status == TaskResultStatus.READY and row(claimed).started_at is None
    assert row(other).status == TaskResultStatus.RUNNING
    assert not WorkerHeartbeat.objects.filter(worker_id="stopping").exists()


@pytest.mark.django_db
def test_a_delivery_whose_worker_was_lost_is_failed_for_staff_to_retry(world, timeout_60):
    # Given a delivery being sent by a worker that is gone (the message may have left)
    notification = Notification.objects.create(recipient=world.channel_mgr, title="Approve")
    delivery = Delivery.objects.create(
        notification=notification, channel=Delivery.Channel.EMAIL, target="cm@example.com"
    )
    other = Delivery.objects.create(
        notification=notification, channel=Delivery.Channel.WECOM, target="https://robot"
    )
    heartbeat("gone", seen_ago=10 * MINUTE, hostname="elsewhere")
    result = delivery_send_task.enqueue(delivery.pk)
    DBTaskResult.objects.get(pk=result.id).claim("gone")

    # When the reaper fails its task
    assert tasks_fail_orphaned() == [result.id]

    # Then the delivery is failed with the reason, not sent again by itself, and can be retried
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert LOST in delivery.last_error and "may have been sent" in delivery.last_error
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    assert Delivery.objects.get(pk=other.pk).status == Delivery.Status.PENDING
    assert delivery_retry(delivery=delivery)
