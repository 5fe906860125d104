from django.core.management.base import BaseCommand

from qudao.performance.tasks import facts_refresh_task


class Command(BaseCommand):
    help = (
        "Enqueue the refresh of the performance facts changed since the last run (by hand; "
        "the workers' scheduler runs it every few minutes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="run here instead of the worker")

    def handle(self, *args, now: bool, **options):
        if now:
            from qudao.performance.services import facts_refresh

            self.stdout.write(f"facts refreshed: {facts_refresh()}")
        else:
            facts_refresh_task.enqueue()
            self.stdout.write("facts refresh enqueued")
