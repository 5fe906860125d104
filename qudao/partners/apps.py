from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "qudao.partners"
    label = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from qudao.core import daily

        from . import approvals, navigation, scopes, services, tasks, views  # noqa: F401

        daily.register(tasks.agreements_expiry_check_task)
