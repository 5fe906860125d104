from django.utils.translation import gettext_lazy as _

from qudao.core.apps import QudaoAppConfig


class PerformanceConfig(QudaoAppConfig):
    name = "qudao.performance"
    label = "performance"
    verbose_name = _("Performance")

    def register(self, hooks) -> None:
        from django.conf import settings

        from . import tasks
        from .services import rebates, rollups

        hooks.approval_kind(rebates.REBATE_APPROVAL_KIND)
        hooks.daily_job(tasks.performance_daily_task)
        hooks.periodic_job(tasks.facts_refresh_task, minutes=settings.PERFORMANCE_REFRESH_MINUTES)
        # A won registration changes its partner's conversion at once (see services.rollups).
        hooks.registration_won(rollups.on_registration_won)
        # A project that moved stage or closed leaves its old bar at once (a decoupled
        # after-the-fact reaction: the projects app does not know about the facts).
        from django.db.models.signals import post_save

        from qudao.projects.models import Project

        post_save.connect(
            rollups.on_project_saved, sender=Project, dispatch_uid="performance-project-facts"
        )
