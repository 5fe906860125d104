from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "qudao.registrations"
    label = "registrations"
    verbose_name = _("Deal registrations")

    def ready(self) -> None:
        from qudao.core import daily

        # Scope rules, approval kinds, and the pages' navigation entries and home-page cards.
        from . import scopes, services, tasks, views  # noqa: F401

        daily.register(tasks.registrations_expire_due_task)
