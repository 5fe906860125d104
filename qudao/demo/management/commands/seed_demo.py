import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from qudao.core.models import User
from qudao.demo.org import seed_org, seed_staff
from qudao.demo.partners import seed_approvals, seed_lifecycle, seed_partners
from qudao.demo.performance import seed_performance
from qudao.demo.projects import seed_projects
from qudao.demo.registrations import seed_registrations
from qudao.demo.scale import seed_scale


class Command(BaseCommand):
    help = "Load the demo data set (idempotent). --scale N adds N blocks of bulk rows."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="bulk blocks for benchmarks")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the database has users"
        )

    def handle(self, *args, scale: int, if_empty: bool, **options):
        if scale < 0 or scale > 10_000:
            raise CommandError("--scale must be between 0 and 10000.")
        if if_empty and User.objects.exists():
            self.stdout.write("database already has data: demo data not loaded")
            return
        started = time.monotonic()
        with transaction.atomic():
            regions = seed_org()
            staff = seed_staff(regions)
            partners = seed_partners(staff)
            seed_approvals(staff, partners)
            seed_lifecycle(staff, partners)
            seed_registrations()
            seed_projects()
            seed_performance()
        self.stdout.write(f"demo data ready ({time.monotonic() - started:.1f}s)")
        if scale:
            counts = seed_scale(scale, progress=lambda line: self.stdout.write(f"  {line}"))
            self.stdout.write(f"scale {scale}: {counts} in {time.monotonic() - started:.1f}s")
