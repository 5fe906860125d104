from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qudao.core"
    label = "core"
    verbose_name = _("Organisation and access")

    def ready(self) -> None:
        from . import (
            registrations,  # noqa: F401  (scope rules and navigation of the core app)
            tasks,  # noqa: F401  (its task_finished receiver)
        )
