"""Background work of the partners app, run by the task worker (`manage.py worker`).

The workers' scheduler enqueues the daily tasks registered in qudao.core.daily once a day, this
app's agreement expiry check among them (`manage.py daily` by hand).
"""

from django_tasks import task


@task()
def agreements_expiry_check_task() -> dict[str, int]:
    """Expire agreements whose end date has passed; remind, once, of those ending soon."""
    from .services.agreements import agreements_expiry_check

    return agreements_expiry_check()
