"""Tasks for the tests of the task worker itself."""

import time
from pathlib import Path

from django_tasks import task


@task()
def signal_wait_task(folder: str) -> str:
    """Writes `started` in `folder`, then waits until a test writes `release` there."""
    path = Path(folder)
    (path / "started").touch()
    while not (path / "release").exists():
        time.sleep(0.05)
    return "released"
