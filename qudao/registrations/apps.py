from django.utils.translation import gettext_lazy as _

from qudao.core.apps import QudaoAppConfig


class RegistrationsConfig(QudaoAppConfig):
    name = "qudao.registrations"
    label = "registrations"
    verbose_name = _("Deal registrations")

    def register(self, hooks) -> None:
        from . import tasks
        from .services import protection, review

        hooks.approval_kind(review.REVIEW_KIND)
        hooks.approval_kind(protection.EXTENSION_KIND)
        hooks.daily_job(tasks.registrations_expire_due_task)
