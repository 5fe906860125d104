"""Background work of the registrations app, run by the task worker (`manage.py db_worker`).

django-tasks has no scheduler: enqueue `registrations_expire_due_task` once a day (cron or a
systemd timer), as the partners app does with `manage.py partners_daily`.
"""

from django_tasks import task


@task()
def registrations_expire_due_task() -> dict[str, int]:
    """Expire registrations whose protection ended; warn, once, of those ending within 7 days."""
    from .services import registration_expire_due

    return registration_expire_due()
