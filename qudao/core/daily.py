"""Scheduled background work. Each app registers its jobs here in its AppConfig.ready(): daily
jobs (expiry, reminders, health checks, alerts), enqueued once a local day at DAILY_RUN_AT, and
jobs that run every few minutes. The scheduler of every task worker (`manage.py worker`,
qudao/core/services/schedule.py) enqueues them when due; `manage.py daily` enqueues the daily
ones by hand."""

from django_tasks.base import Task

_tasks: list[Task] = []
_every: dict[Task, int] = {}


def register(task: Task) -> None:
    """A job to run once a day."""
    if task not in _tasks:
        _tasks.append(task)


def register_every(task: Task, *, minutes: int) -> None:
    """A job to run every `minutes` minutes (at most once in each such slot of the clock)."""
    if minutes < 1:
        raise ValueError("minutes must be at least 1")
    _every[task] = minutes


def daily_tasks() -> list[Task]:
    return list(_tasks)


def periodic_tasks() -> list[tuple[Task, int]]:
    return list(_every.items())
