"""Running the real task worker from a test: in the test's process, or as a process of its own."""

import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from qudao.core.tests.test_settings import child_environment


def run_worker(command: str = "db_worker", **options) -> None:
    """Run the real task worker in the test's process: by default until no task is ready, as
    `manage.py db_worker --batch`; `command` and `options` change that (`worker`, max_tasks=…)."""
    # The worker installs its own SIGINT/SIGTERM handlers; give pytest its own back afterwards.
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    previous = {number: signal.getsignal(number) for number in signals}
    defaults = {"batch": True, "startup_delay": False, "interval": 0, "reload": False}
    try:
        call_command(command, **(defaults | options), verbosity=0, stdout=StringIO())
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


# --- a worker process -----------------------------------------------------------------------


def database_url() -> str:
    """The test database as a DATABASE_URL, for a child process to use the same one."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    user = quote(database.get("USER") or "", safe="")
    password = quote(database.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = database.get("HOST") or "localhost"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(database['NAME'], safe='')}"


def start_worker_process(
    *args: str, log: Path, pause: str = "", pause_folder: Path | None = None, **env: str
) -> subprocess.Popen:
    """`manage.py worker --no-startup-delay <args>` in a process of its own, on the test
    database, with `env` added to its environment, printing to the file `log`. With `pause`
    ("module:function"), that function waits, when the worker calls it, until the test writes
    `release` in `pause_folder` (it writes `reached` there first): see worker_process.py."""
    environment = child_environment(
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        TASK_WORKER_HEARTBEAT_SECONDS="0.2",
        **env,
    )
    if pause:
        environment.update(QUDAO_TEST_PAUSE=pause, QUDAO_TEST_PAUSE_FOLDER=str(pause_folder))
    with open(log, "a", encoding="utf-8") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "qudao.core.tests.worker_process", "--no-startup-delay", *args],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def stop_worker_process(process: subprocess.Popen) -> None:
    """Stop a worker process if it still runs (SIGTERM, then SIGKILL after a minute)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until(condition, *, seconds: float = 60, what: str = "the condition") -> None:
    """Poll `condition` until it holds; fail after a generous `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds:.0f} s for {what}")
        time.sleep(0.05)
