"""Tasks that are not lost with their worker. Every `manage.py worker` process keeps a
WorkerHeartbeat row fresh from a thread, and that thread also reaps: a RUNNING task whose worker
is dead is marked FAILED with WorkerLost, for every task alike. A worker is dead when its row is
older than TASK_WORKER_TIMEOUT_SECONDS — unless it runs on this host and its process is still
there (on SQLite one long write transaction, a 5,000-row import, holds back every other write,
the heartbeat's too, for minutes). A RUNNING task whose worker has no row at all (a plain
`db_worker`, or one started before heartbeats) is dead once it has run longer than the timeout.

No task is run again by itself: the import leaves it to its user to confirm again, a delivery
would be sent twice, and the scheduled jobs come back at their next slot.

A worker stopped gracefully (SIGTERM) finishes its task first; one claimed but not started when
the worker stops is handed back (READY), and the worker's row is removed.
"""

import datetime
import logging
import os
import socket
import threading
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.functions import Now
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from qudao.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


class WorkerLost(Exception):  # noqa: N818 - the name the failed task shows
    """A task's worker stopped (killed, crashed, its machine lost) before the task finished."""


def _process_started(pid: int) -> str:
    """When process `pid` started (Linux: ticks after boot); "" when it is gone, a zombie, or
    the system does not say."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    fields = stat.rsplit(")", 1)[1].split()
    return "" if fields[0] in ("Z", "X") else fields[19]


def _process_alive(pid: int, started: str) -> bool:
    """Whether the process that had `pid` and started at `started` still runs on this host."""
    if started:
        return _process_started(pid) == started
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=float(settings.TASK_WORKER_TIMEOUT_SECONDS))


def worker_heartbeat_register(*, worker_id: str) -> None:
    """Record this process as the live worker `worker_id`, before it claims any task."""
    pid = os.getpid()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": pid,
            "process_started": _process_started(pid),
            "started_at": Now(),
            "seen_at": Now(),
        },
    )


def worker_heartbeat_beat(*, worker_id: str) -> None:
    """Say that worker `worker_id` is alive; register it again if a reaper took it for dead."""
    if not WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=Now()):
        worker_heartbeat_register(worker_id=worker_id)


def worker_stopped(*, worker_id: str) -> int:
    """A worker stopping gracefully: hand back the task it claimed and never ran (READY, so
    that another worker runs it), and remove its row. Returns how many it handed back."""
    handed_back = 0
    with transaction.atomic():
        for task in DBTaskResult.objects.running().select_for_update():
            if task.worker_ids[-1:] == [worker_id]:
                task.status = TaskResultStatus.READY
                task.started_at = None
                task.save(update_fields=["status", "started_at"])
                handed_back += 1
                logger.warning("task %s handed back by the stopping worker %s", task.pk, worker_id)
        WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
    return handed_back


def tasks_fail_orphaned(*, own_worker_id: str = "") -> list[str]:
    """Fail every RUNNING task whose worker is dead (see the module's docstring); remove the
    dead workers' rows. Returns the ids of the tasks failed."""
    timeout = _timeout()
    stale = ExpressionWrapper(Q(seen_at__lt=Now() - timeout), output_field=BooleanField())
    workers = {w.worker_id: w for w in WorkerHeartbeat.objects.annotate(stale=stale)}
    host = socket.gethostname()[:255]
    dead = {
        worker_id
        for worker_id, worker in workers.items()
        if worker_id != own_worker_id
        and worker.stale
        and not (worker.hostname == host and _process_alive(worker.pid, worker.process_started))
    }
    overdue = set(
        DBTaskResult.objects.running()
        .filter(started_at__lt=Now() - timeout)
        .values_list("pk", flat=True)
    )
    candidates = [
        (task_id, worker_ids[-1] if worker_ids else "")
        for task_id, worker_ids in DBTaskResult.objects.running().values_list("pk", "worker_ids")
    ]
    lost = [
        (task_id, worker_id)
        for task_id, worker_id in candidates
        if worker_id != own_worker_id
        and (worker_id in dead or (worker_id not in workers and task_id in overdue))
    ]
    failed = [
        str(task_id)
        for task_id, worker_id in lost
        if _task_fail(task_id, worker_id, workers.get(worker_id))
    ]
    if dead:
        # Still silent: one that spoke meanwhile was only slow, and keeps its row.
        WorkerHeartbeat.objects.filter(worker_id__in=dead, seen_at__lt=Now() - timeout).delete()
    return failed


def _task_fail(task_id, worker_id: str, worker: WorkerHeartbeat | None) -> bool:
    where = f" on {worker.hostname}, process {worker.pid}" if worker else ""
    error = WorkerLost(
        f"The task worker running this task ({worker_id or 'unknown'}{where}) stopped before "
        "the task finished."
    )
    with transaction.atomic():
        task = DBTaskResult.objects.select_for_update().filter(pk=task_id).first()
        # Only if it is still the same run: not finished meanwhile, nor handed to another worker.
        if (
            not task
            or task.status != TaskResultStatus.RUNNING
            or task.worker_ids[-1:] != [worker_id]
        ):
            return False
        task.set_failed(error)
    logger.error("task %s (%s) failed: %s", task_id, task.task_path, error)
    try:
        task_finished.send(sender=type(task.task.get_backend()), task_result=task.task_result)
    except Exception:  # noqa: BLE001 - a task whose code is gone; the row says it failed
        logger.exception("task %s: cannot tell its listeners it failed", task_id)
    return True


class Heartbeat(threading.Thread):
    """Keeps a worker's row fresh and reaps the dead workers' tasks, every `interval` seconds
    until stopped; a failed beat (the database restarting, SQLite locked by a long write) is
    logged and tried again at the next one."""

    def __init__(self, *, worker_id: str, interval: float | None = None):
        super().__init__(name="heartbeat", daemon=True)
        self.worker_id = worker_id
        self.interval = interval or float(settings.TASK_WORKER_HEARTBEAT_SECONDS)
        self.stopped = threading.Event()

    def start(self) -> None:
        # Registered before the worker's first claim, from the thread that starts it.
        worker_heartbeat_register(worker_id=self.worker_id)
        super().start()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                worker_heartbeat_beat(worker_id=self.worker_id)
                tasks_fail_orphaned(own_worker_id=self.worker_id)
            except Exception:  # noqa: BLE001 - logged; the next beat tries again
                logger.exception("worker heartbeat failed")
            finally:
                close_old_connections()
        connections.close_all()  # this thread's own

    def stop(self) -> None:
        self.stopped.set()
        self.join()
