from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qudao.core import navigation

from .selectors import partners_visible_to

navigation.register(
    navigation.NavItem(
        key="partners",
        label=_("Partners"),
        url_name="partners:partner-list",
        icon="bi-people",
        order=20,
        partner_users=True,
    )
)


def _partners_card(user):
    if user.is_partner_user:
        return None
    return {
        "label": _("Partners in my scope"),
        "value": partners_visible_to(user).count(),
        "url": reverse("partners:partner-list"),
        "icon": "bi-people",
    }


navigation.register_card(_partners_card, order=30)
