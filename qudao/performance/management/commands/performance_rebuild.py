import time

from django.core.management.base import BaseCommand

from qudao.performance.services import facts_rebuild


class Command(BaseCommand):
    help = "Rebuild the performance facts (rollups) from the raw tables."

    def handle(self, *args, **options):
        started = time.monotonic()
        result = facts_rebuild()
        self.stdout.write(f"facts rebuilt: {result} in {time.monotonic() - started:.1f}s")
