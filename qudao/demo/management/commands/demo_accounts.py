from django.conf import settings
from django.core.management.base import BaseCommand

from qudao.core.models import User

ACCOUNTS = [
    "admin",
    "director",
    "south_manager",
    "east_manager",
    "channel_mgr",
    "channel_mgr2",
    "pm",
    "presales",
    "finance",
    "p1_admin",
    "p1_sales",
    "p2_admin",
    "p2_sales",
    "p3_sales",
    "p4_sales",
    "p5_sales",
    "p6_sales",
]


class Command(BaseCommand):
    help = "Print the URL and the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args, url: str, **options):
        users = {
            u.username: u
            for u in User.objects.filter(username__in=ACCOUNTS).prefetch_related("roles")
        }
        self.stdout.write(f"\nQudao is at {url}\n")
        self.stdout.write(f"Demo accounts (password {settings.DEMO_PASSWORD}):")
        for username in ACCOUNTS:
            user = users.get(username)
            if user:
                roles = ", ".join(str(r) for r in user.roles.all())
                where = user.partner.name if user.partner_id else (user.region or "HQ")
                self.stdout.write(f"  {username:<14} {roles} · {where}")
        self.stdout.write("")
