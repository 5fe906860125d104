from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "qudao.registrations"
    label = "registrations"
    verbose_name = _("Deal registrations")

    def ready(self) -> None:
        from qudao.core import daily

        from . import scopes, services, tasks  # noqa: F401  (scope rules, approval kinds)

        daily.register(tasks.registrations_expire_due_task)
