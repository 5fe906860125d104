"""This app's side-bar entries and workbench cards (registered in its AppConfig.ready)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qudao.core import hooks

from .selectors.actions import actions_visible_to


def _my_actions_card(user):
    count = actions_visible_to(user).filter(owner=user, status="open").count()
    if not count:
        return None
    return hooks.card(
        _("My open corrective actions"),
        count,
        reverse("performance:action-list") + "?mine=on&status=open",
        "bi-arrow-repeat",
    )


NAV_ITEMS = [
    hooks.NavItem(
        "performance",
        _("Performance"),
        "performance:dashboard",
        "bi-graph-up-arrow",
        50,
        partner_users=True,
    ),
]
HOME_CARDS = [
    (60, _my_actions_card),
]
