"""Background work of the projects app, run by the task worker (`manage.py worker`).

The workers' scheduler enqueues `projects_health_check_task` once a day (`manage.py daily` by
hand).
"""

from django_tasks import task


@task()
def projects_health_check_task() -> dict[str, int]:
    """Recompute every running project's health and alert new conditions, once each."""
    from .services.health import projects_health_check

    return projects_health_check()
