"""Background work of the registrations app, run by the task worker (`manage.py worker`).

The workers' scheduler enqueues `registrations_expire_due_task` once a day (`manage.py daily`
by hand).
"""

from django_tasks import task


@task()
def registrations_expire_due_task() -> dict[str, int]:
    """Expire registrations whose protection ended; warn, once, of those ending within 7 days;
    warn of overdue progress updates and expire the registrations that stayed silent."""
    from .services import registration_expire_due, registration_expire_stale

    return registration_expire_due() | registration_expire_stale()
