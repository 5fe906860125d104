"""Background work of the core app, run by the task worker (`manage.py worker`)."""

from django_tasks import task


@task()
def delivery_send_task(delivery_id: int) -> str:
    from .services.notifications import delivery_attempt

    return delivery_attempt(delivery_id=delivery_id).status
