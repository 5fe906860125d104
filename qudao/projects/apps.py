from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "qudao.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from qudao.registrations.services import outcome

        from . import scopes, services  # noqa: F401  (scope rules, approval kinds)

        # A won registration becomes a project in the same transaction (issue 5).
        if services.on_registration_won not in outcome.on_won:
            outcome.on_won.append(services.on_registration_won)
