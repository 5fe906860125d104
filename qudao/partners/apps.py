from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "qudao.partners"
    label = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from . import approvals, navigation, scopes, services, views  # noqa: F401  (registrations)
