from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "qudao.performance"
    label = "performance"
    verbose_name = _("Performance")

    def ready(self) -> None:
        from django.conf import settings

        from qudao.core import daily
        from qudao.registrations.services import outcome

        # Scope rules, approval kinds, navigation entries and home-page cards.
        from . import scopes, services, tasks, views  # noqa: F401

        daily.register(tasks.performance_daily_task)
        daily.register_every(tasks.facts_refresh_task, minutes=settings.PERFORMANCE_REFRESH_MINUTES)
        # A won registration changes its partner's conversion at once (see services.rollups).
        if services.on_registration_won not in outcome.on_won:
            outcome.on_won.append(services.on_registration_won)
