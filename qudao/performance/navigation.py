"""This app's side-bar entries and workbench cards (registered in its AppConfig.ready)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qudao.core import hooks, roles

from .selectors import home
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


# Partner and region figures: for HQ, regional and channel managers (whose scope holds partners)
# and partner users; the other vendor staff would find these lists always empty.
_SCOPED = roles.HQ | roles.MANAGERS
NAV_ITEMS = [
    hooks.NavItem(
        "performance",
        pgettext_lazy("performance", "Dashboard"),
        "performance:dashboard",
        "bi-graph-up-arrow",
        50,
        roles=_SCOPED,
        partner_users=True,
        group="performance",
    ),
    hooks.NavItem(
        "targets",
        _("Targets"),
        "performance:target-list",
        "bi-bullseye",
        51,
        roles=_SCOPED,
        partner_users=True,
        group="performance",
    ),
    hooks.NavItem(
        "scorecards",
        _("Scorecards"),
        "performance:scorecard-list",
        "bi-clipboard-data",
        52,
        roles=_SCOPED,
        partner_users=True,
        group="performance",
    ),
    hooks.NavItem(
        "rebates",
        _("Rebates"),
        "performance:statement-list",
        "bi-cash-coin",
        53,
        roles=_SCOPED,
        partner_users=True,
        group="performance",
    ),
    hooks.NavItem(
        "benchmarks",
        _("Benchmarks"),
        "performance:benchmark-list",
        "bi-bar-chart-line",
        54,
        roles=_SCOPED,
        partner_users=True,
        group="performance",
    ),
    # Any user may own an action (so every vendor user has the entry).
    hooks.NavItem(
        "corrective-actions",
        _("Corrective actions"),
        "performance:action-list",
        "bi-arrow-repeat",
        55,
        partner_users=True,
        group="performance",
    ),
    hooks.NavItem(
        "alerts",
        _("Alerts"),
        "performance:alert-list",
        "bi-exclamation-octagon",
        56,
        roles=_SCOPED,
        partner_users=True,
        group="performance",
    ),
    hooks.NavItem(
        "reports",
        _("Reports"),
        "performance:report",
        "bi-table",
        57,
        roles=_SCOPED,
        partner_users=True,
        group="performance",
        url_args=("partners",),
    ),
    # Channel policy: vendor staff only (partner users are refused these pages).
    hooks.NavItem(
        "kpi-schemes",
        _("KPI schemes"),
        "performance:scheme-list",
        "bi-ui-checks-grid",
        58,
        roles=_SCOPED,
        group="performance",
    ),
    hooks.NavItem(
        "rebate-policies",
        _("Rebate policies"),
        "performance:policy-list",
        "bi-percent",
        59,
        roles=_SCOPED,
        group="performance",
    ),
]
HOME_CARDS = [
    (60, _my_actions_card),
]
# The role home pages' charts (core.hooks.home_panel), as (order, panel).
HOME_PANELS = [
    (10, home.attainment_panel),
    (20, home.pipeline_stage_panel),
    (25, home.partner_pipeline_panel),
    (30, home.registrations_quarter_panel),
    (70, home.rebates_panel),
]
# The partner 360's tabs (core.hooks.detail_tab, page "partner"; views/partner_tab.py).
DETAIL_TABS = [
    ("partner", hooks.Tab("targets", _("Targets"), "performance:partner-targets", order=13)),
    (
        "partner",
        hooks.Tab("scorecards", _("Scorecards"), "performance:partner-scorecards", order=14),
    ),
    ("partner", hooks.Tab("rebates", _("Rebates"), "performance:partner-rebates", order=15)),
]
