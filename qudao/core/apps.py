from importlib import import_module

from django.apps import AppConfig
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _


class QudaoAppConfig(AppConfig):
    """An app of Qudao. ready() registers what the app declares in its `scopes.py` (RULES) and
    `navigation.py` (NAV_ITEMS, HOME_CARDS, DETAIL_TABS), then calls `register(hooks)`, where
    the app's AppConfig registers the rest of what it adds to the others (core.hooks)."""

    # Django picks the one AppConfig of an apps.py that is not `default = False`: this base class,
    # imported into every app's apps.py, never; each subclass, always.
    default = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.default = True

    def ready(self) -> None:
        from . import hooks

        declared = {
            name: import_module(f"{self.name}.{name}")
            for name in ("scopes", "navigation")
            if module_has_submodule(self.module, name)
        }
        hooks.app_declarations(**declared)
        self.register(hooks)

    def register(self, hooks) -> None:
        """The app's approval kinds, jobs and other hooks; nothing by default."""


class CoreConfig(QudaoAppConfig):
    name = "qudao.core"
    label = "core"
    verbose_name = _("Organisation and access")

    def register(self, hooks) -> None:
        from . import tasks  # noqa: F401  (connects its task_finished receiver)
