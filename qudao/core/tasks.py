"""Background work of the core app, run by the task worker (`manage.py worker`)."""

from django.dispatch import receiver
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished


@task()
def delivery_send_task(delivery_id: int) -> str:
    from .services.notifications import delivery_attempt

    return delivery_attempt(delivery_id=delivery_id).status


@receiver(task_finished)
def delivery_send_task_failed(sender, task_result, **kwargs) -> None:
    """A sending task that failed (see delivery_task_failed) leaves no delivery pending."""
    if task_result.status != TaskResultStatus.FAILED or task_result.task.func is not (
        delivery_send_task.func
    ):
        return
    from .services.notifications import delivery_task_failed

    errors = [error.exception_class_path for error in task_result.errors]
    reason = f"The task sending it failed ({', '.join(errors) or 'unknown error'})"
    delivery_task_failed(delivery_id=task_result.args[0], error=reason)
