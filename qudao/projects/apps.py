from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "qudao.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from qudao.core import daily
        from qudao.registrations.services import conflicts as registration_conflicts
        from qudao.registrations.services import outcome

        # Scope rules, approval kinds (the stage gate; the handover in services.closing), the
        # daily tasks, and the pages' navigation entries, home-page cards and detail tabs (the
        # urls module imports the work_* view modules, which register theirs).
        from . import scopes, services, tasks, urls, views  # noqa: F401
        from .services import closing  # noqa: F401
        from .services.conflicts import project_conflicts

        daily.register(tasks.projects_health_check_task)

        # A won registration becomes a project in the same transaction (issue 5).
        if services.on_registration_won not in outcome.on_won:
            outcome.on_won.append(services.on_registration_won)

        # The vendor's open projects are checked with every deal registration (issue 4).
        if project_conflicts not in registration_conflicts.conflict_sources:
            registration_conflicts.conflict_sources.append(project_conflicts)
