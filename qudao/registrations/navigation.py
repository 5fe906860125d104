"""This app's side-bar entries and workbench cards (registered in its AppConfig.ready)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qudao.core import hooks
from qudao.core.roles import HQ, LEADERS, MANAGERS, user_in

from .models import Registration
from .selectors import conflicts_pending_count, home, registrations_count, reviews_waiting_count
from .selectors.partner_tab import partner_registrations_figures


def _is_reviewer(user) -> bool:
    """Vendor staff who decide registrations (and so get the review queue)."""
    return user_in(user, MANAGERS)


def _list_url(query: str) -> str:
    return f"{reverse('registrations:registration-list')}?{query}"


def _card(shown, label, count, url, icon: str):
    """A workbench card for the users `shown(user)` picks: the figure `count(user)`, linking
    to `url()`."""

    def card(user):
        if not shown(user):
            return None
        return hooks.card(label, count(user), url(), icon)

    return card


def _partner_status_card(status: str, label, icon: str):
    return _card(
        lambda user: user.is_partner_user,
        label,
        lambda user: registrations_count(user, status=status),
        lambda: _list_url(f"status={status}"),
        icon,
    )


_submitted_card = _partner_status_card(
    Registration.Status.SUBMITTED, _("Registrations in review"), "bi-send"
)
_info_requested_card = _partner_status_card(
    Registration.Status.INFO_REQUESTED,
    _("Registrations needing more information"),
    "bi-question-circle",
)
_reviews_card = _card(
    _is_reviewer,
    _("Registrations waiting for my review"),
    reviews_waiting_count,
    lambda: reverse("registrations:registration-review"),
    "bi-clipboard2-pulse",
)
_conflicts_card = _card(
    _is_reviewer,
    _("Registrations in review with conflicts"),
    conflicts_pending_count,
    lambda: _list_url("conflicts=on"),
    "bi-exclamation-triangle",
)
_expiring_card = _card(
    lambda user: user.is_partner_user or _is_reviewer(user),
    _("Protection ends within 7 days"),
    lambda user: registrations_count(user, expiring=True),
    lambda: _list_url("expiring=on"),
    "bi-hourglass-split",
)


NAV_ITEMS = [
    hooks.NavItem(
        "registration-review",
        _("Registration review"),
        "registrations:registration-review",
        "bi-clipboard2-pulse",
        31,
        roles=MANAGERS,
        group="deals",
    ),
    hooks.NavItem(
        "registration-rules",
        _("Registration rules"),
        "registrations:rules",
        "bi-sliders",
        34,
        roles=LEADERS,
        group="deals",
    ),
    hooks.NavItem(
        "registrations",
        _("Deal registrations"),
        "registrations:registration-list",
        "bi-clipboard-check",
        30,
        roles=HQ | MANAGERS,  # the rest have no partner, so no registration, in their scope
        partner_users=True,
        group="deals",
    ),
]
HOME_CARDS = [
    (40, _submitted_card),
    (41, _reviews_card),
    (42, _conflicts_card),
    (43, _expiring_card),
    (44, _info_requested_card),
]
# The role home pages' charts (core.hooks.home_panel), as (order, panel).
HOME_PANELS = [
    (5, home.status_panel),
    (35, home.clocks_panel),
]
# The partner 360's tab (core.hooks.detail_tab, page "partner"; views/partner_tab.py), with its
# figure on the partner's overview.
DETAIL_TABS = [
    (
        "partner",
        hooks.Tab(
            "registrations",
            _("Registrations"),
            "registrations:partner-registrations",
            order=11,
            summary=partner_registrations_figures,
        ),
    ),
]
