"""`manage.py worker` for tests, in a process of its own: `python -m
qudao.core.tests.worker_process <worker options>`. When QUDAO_TEST_PAUSE names a function
("package.module:function"), the worker's calls of it wait: the first writes `reached` in
QUDAO_TEST_PAUSE_FOLDER, and each waits there until the test writes `release` — so that a test
can kill or stop the worker in the middle of a task of the application's own."""

import functools
import importlib
import os
import sys
import time
from pathlib import Path


def _pause(target: str, folder: Path) -> None:
    module_name, name = target.split(":")
    module = importlib.import_module(module_name)
    original = getattr(module, name)

    @functools.wraps(original)
    def paused(*args, **kwargs):
        (folder / "reached").touch()
        while not (folder / "release").exists():
            time.sleep(0.05)
        return original(*args, **kwargs)

    setattr(module, name, paused)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qudao.settings")
    import django

    django.setup()
    if os.environ.get("QUDAO_TEST_PAUSE"):
        _pause(os.environ["QUDAO_TEST_PAUSE"], Path(os.environ["QUDAO_TEST_PAUSE_FOLDER"]))
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", "worker", *sys.argv[1:]])


if __name__ == "__main__":
    main()
