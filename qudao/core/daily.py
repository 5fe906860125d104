"""Daily background work. django-tasks has no scheduler, so each app registers its daily tasks
here (in its AppConfig.ready) and `manage.py daily`, run once a day by cron or a systemd timer,
enqueues them all for the worker."""

from django_tasks.base import Task

_tasks: list[Task] = []


def register(task: Task) -> None:
    if task not in _tasks:
        _tasks.append(task)


def daily_tasks() -> list[Task]:
    return list(_tasks)
