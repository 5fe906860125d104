"""Scheduled work without cron. The jobs that apps register in `qudao.core.daily` are enqueued
when due: the daily ones once a local day (TIME_ZONE), at DAILY_RUN_AT or at the first tick after
it, so a system started at noon runs that day's work at once; the others once in each window of
their minutes. Every task worker runs a scheduler thread (`manage.py worker`); the unique
(job, slot) row of ScheduledRun makes one of them enqueue a job and the others skip it."""

import datetime
import logging
import threading

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone
from django_tasks.base import Task

from qudao.core import hooks
from qudao.core.models import ScheduledRun

logger = logging.getLogger(__name__)

EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def scheduled_jobs_enqueue_due(*, now: datetime.datetime | None = None) -> list[str]:
    """Enqueue each job whose slot has come and that nobody enqueued in it; return their names."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    due: list[tuple[Task, datetime.datetime]] = []
    daily_slot = datetime.datetime.combine(local.date(), settings.DAILY_RUN_AT, local.tzinfo)
    if local >= daily_slot:
        due += [(task, daily_slot) for task in hooks.daily_jobs()]
    for task, minutes in hooks.periodic_jobs():
        window = datetime.timedelta(minutes=minutes)
        due.append((task, EPOCH + (now - EPOCH) // window * window))
    started = []
    for task, slot in due:
        try:
            # The run's row and the task's row are written together: a job is never marked as
            # run in a slot without being enqueued, nor enqueued twice in it.
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=task.name, slot=slot)
                run.task_result_id = str(task.enqueue().id)
                run.save(update_fields=["task_result_id"])
        except IntegrityError:
            continue  # another scheduler enqueued it in this slot
        started.append(task.name)
        logger.info("scheduled job %s enqueued (slot %s)", task.name, timezone.localtime(slot))
    return started


class Scheduler(threading.Thread):
    """Ticks every `interval` seconds until stopped; a failed tick is logged and tried again at
    the next one (the database restarting, say)."""

    def __init__(self, *, interval: float | None = None):
        super().__init__(name="scheduler", daemon=True)
        self.interval = interval or settings.SCHEDULER_INTERVAL_SECONDS
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                scheduled_jobs_enqueue_due()
            except Exception:  # noqa: BLE001 - logged; the next tick tries again
                logger.exception("scheduler tick failed")
            finally:
                close_old_connections()
            self.stopped.wait(self.interval)
        connections.close_all()  # this thread's own

    def stop(self) -> None:
        self.stopped.set()
        self.join()
