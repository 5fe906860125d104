"""Running the real task worker from a test."""

import signal
from io import StringIO

from django.core.management import call_command


def run_worker() -> None:
    """Run the real task worker until no task is ready, as `manage.py db_worker --batch`."""
    # The worker installs its own SIGINT/SIGTERM handlers; give pytest its own back afterwards.
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    previous = {number: signal.getsignal(number) for number in signals}
    try:
        call_command(
            "db_worker",
            batch=True,
            startup_delay=False,
            interval=0,
            reload=False,
            verbosity=0,
            stdout=StringIO(),
        )
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
