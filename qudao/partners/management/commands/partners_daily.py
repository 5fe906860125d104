"""Enqueue the partners app's daily work for the task worker.

django-tasks has no scheduler of its own, so run this once a day from cron or a systemd timer:

    5 1 * * *  cd /srv/qudao && .venv/bin/python manage.py partners_daily

The worker (`manage.py db_worker`) then runs the tasks. `--now` runs them in this process
instead (no worker needed), e.g. to catch up by hand.
"""

from django.core.management.base import BaseCommand

from qudao.partners.services.agreements import agreements_expiry_check
from qudao.partners.tasks import agreements_expiry_check_task


class Command(BaseCommand):
    help = "Enqueue the daily partner tasks (agreement expiry and reminders) for the worker."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Run the work here instead of enqueueing it."
        )

    def handle(self, *args, now: bool = False, **options):
        if now:
            result = agreements_expiry_check()
            self.stdout.write(
                f"agreements: {result['expired']} expired, {result['reminded']} reminded"
            )
            return
        result = agreements_expiry_check_task.enqueue()
        self.stdout.write(f"enqueued agreements_expiry_check_task ({result.id})")
