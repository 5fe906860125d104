from django.utils.translation import gettext_lazy as _

from qudao.core.apps import QudaoAppConfig


class ProjectsConfig(QudaoAppConfig):
    name = "qudao.projects"
    label = "projects"
    verbose_name = _("Projects")

    def register(self, hooks) -> None:
        from . import tasks
        from .services import closing, conflicts, projects, stages

        hooks.approval_kind(stages.GATE_KIND)
        hooks.approval_kind(closing.HANDOVER_KIND)
        hooks.daily_job(tasks.projects_health_check_task)
        # A won registration becomes a project in the same transaction.
        hooks.registration_won(projects.on_registration_won)
        # The vendor's open projects are checked with every deal registration.
        hooks.conflict_source(conflicts.project_conflicts)
