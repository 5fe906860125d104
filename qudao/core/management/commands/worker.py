"""The task worker with the scheduler beside it: `manage.py db_worker` (django-tasks-db) plus a
thread that enqueues the scheduled jobs when due (the daily ones at DAILY_RUN_AT; qudao/core/
services/schedule.py). Run one or several; each job is enqueued once in its slot whichever runs
it.

Each worker also keeps its heartbeat row fresh and fails the tasks of workers that died (killed,
crashed) while running them (qudao/core/services/workers.py).

Unlike db_worker, it never runs under Django's autoreloader unless asked (`--reload`): a
supervisor's SIGTERM then reaches the worker itself, and its PID is the worker's. SIGTERM (or
SIGINT) stops it gracefully: the running task finishes first (db_worker's own handler); a second
signal interrupts the task, which is then marked failed. Only then do the scheduler and the
heartbeat stop.
"""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from qudao.core.services.schedule import Scheduler
from qudao.core.services.workers import Heartbeat, worker_stopped


class Command(DbWorkerCommand):
    help = "Run the task worker, with the scheduler of the daily and periodic jobs beside it."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(reload=False)
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Do not enqueue the scheduled jobs from this worker.",
        )

    def handle(self, *args, no_scheduler: bool = False, **options):
        # Under --reload, the process that watches the files runs no worker and no scheduler.
        if options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            return super().handle(*args, **options)
        worker_id = options["worker_id"]
        heartbeat = Heartbeat(worker_id=worker_id)
        heartbeat.start()
        scheduler = None
        if not (no_scheduler or options.get("batch")):
            scheduler = Scheduler()
            scheduler.start()
        try:
            return super().handle(*args, **options)
        finally:
            if scheduler:
                scheduler.stop()
            heartbeat.stop()
            worker_stopped(worker_id=worker_id)
