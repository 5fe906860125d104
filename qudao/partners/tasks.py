"""Background work of the partners app, run by the task worker (`manage.py db_worker`).

django-tasks has no scheduler: `manage.py partners_daily` enqueues the daily tasks, and cron (or
a systemd timer) runs that command once a day, e.g. `5 1 * * * cd /srv/qudao &&
.venv/bin/python manage.py partners_daily`.
"""

from django_tasks import task


@task()
def agreements_expiry_check_task() -> dict[str, int]:
    """Expire agreements whose end date has passed; remind, once, of those ending soon."""
    from .services.agreements import agreements_expiry_check

    return agreements_expiry_check()
