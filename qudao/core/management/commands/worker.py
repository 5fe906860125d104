"""The task worker with the scheduler beside it: `manage.py db_worker` (django-tasks-db) plus a
thread that enqueues the scheduled jobs when due (the daily ones at DAILY_RUN_AT; qudao/core/
services/schedule.py). Run one or several; each job is enqueued once in its slot whichever runs
it.

Unlike db_worker, it never runs under Django's autoreloader unless asked (`--reload`): a
supervisor's SIGTERM then reaches the worker itself, and its PID is the worker's.
"""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from qudao.core.services.schedule import Scheduler


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
        watcher = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if no_scheduler or options.get("batch") or watcher:
            return super().handle(*args, **options)
        scheduler = Scheduler()
        scheduler.start()
        try:
            return super().handle(*args, **options)
        finally:
            scheduler.stop()
