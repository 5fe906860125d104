"""Enqueue every app's daily work for the task worker, by hand: the workers' scheduler
(`manage.py worker`) already does it once a day at DAILY_RUN_AT, whatever this command did.

`--now` runs the tasks in this process instead (no worker needed), e.g. to catch up by hand.
"""

from django.core.management.base import BaseCommand

from qudao.core import hooks


class Command(BaseCommand):
    help = "Enqueue the daily tasks of every app (expiry checks, reminders) for the worker."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Run the tasks here instead of enqueueing them."
        )

    def handle(self, *args, now: bool = False, **options):
        for task in hooks.daily_jobs():
            if now:
                self.stdout.write(f"{task.name}: {task.call()}")
            else:
                self.stdout.write(f"enqueued {task.name} ({task.enqueue().id})")
