"""This app's side-bar entries and workbench cards (registered in its AppConfig.ready)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qudao.core import hooks

from .selectors import home
from .selectors.partner_tab import partner_projects_figures
from .selectors.projects import projects_open_owned_count
from .selectors.stages import gate_approvals_awaiting_count
from .selectors.stocktake import my_pending_entries
from .services.templates import TEMPLATE_EDITORS


def _list_url(query: str) -> str:
    return f"{reverse('projects:project-list')}?{query}"


def _my_open_projects_card(user):
    if user.is_partner_user:
        return None
    return hooks.card(
        _("My open projects"),
        projects_open_owned_count(user),
        _list_url(f"owner={user.pk}&status=active"),
        "bi-kanban",
    )


def _gates_awaiting_card(user):
    if user.is_partner_user:
        return None
    count = gate_approvals_awaiting_count(user)
    if not count:
        return None
    return hooks.card(
        _("Project gates waiting for my approval"),
        count,
        reverse("core:approval-list"),
        "bi-signpost-split",
    )


def _pending_card(user):
    if user.is_partner_user:
        return None
    count = my_pending_entries(user).count()
    if not count:
        return None
    return hooks.card(
        _("Projects to confirm in a stock-take"),
        count,
        reverse("projects:stocktake-list"),
        "bi-clipboard-check",
    )


NAV_ITEMS = [
    hooks.NavItem(
        "projects",
        _("Projects"),
        "projects:project-list",
        "bi-kanban",
        40,
        partner_users=True,
        group="projects",
    ),
    hooks.NavItem(
        "process-templates",
        _("Process templates"),
        "projects:template-list",
        "bi-diagram-3",
        44,
        roles=TEMPLATE_EDITORS,
        group="projects",
    ),
    hooks.NavItem(
        "resource-requests",
        _("Resource requests"),
        "projects:resource-requests",
        "bi-life-preserver",
        43,
        group="projects",
    ),
    hooks.NavItem(
        "stocktake",
        _("Stock-take"),
        "projects:stocktake-list",
        "bi-clipboard-check",
        42,
        group="projects",
    ),
]
HOME_CARDS = [
    (45, _pending_card),
    (50, _my_open_projects_card),
    (51, _gates_awaiting_card),
]
# The project detail page's tabs (core.hooks.detail_tab); history is always last.
DETAIL_TABS = [
    ("project", hooks.Tab("overview", _("Overview"), "projects:project-detail", order=10)),
    ("project", hooks.Tab("stages", _("Stages"), "projects:project-stages", order=20)),
    ("project", hooks.Tab("documents", _("Documents"), "projects:project-documents", order=30)),
    ("project", hooks.Tab("work", _("Work & Gantt"), "projects:work-plan", order=40)),
    ("project", hooks.Tab("risks", _("Risks & issues"), "projects:work-risks", order=50)),
    ("project", hooks.Tab("meetings", _("Meetings"), "projects:work-meetings", order=60)),
    ("project", hooks.Tab("weekly", _("Weekly reports"), "projects:work-weekly", order=70)),
    ("project", hooks.Tab("closing", _("Closing"), "projects:work-closing", order=80)),
    ("project", hooks.Tab("history", _("History"), "projects:project-history", order=900)),
    # The partner 360's tab (views/partner_tab.py), with its figures on the partner's overview.
    (
        "partner",
        hooks.Tab(
            "projects",
            _("Projects"),
            "projects:partner-projects",
            order=12,
            summary=partner_projects_figures,
        ),
    ),
]
# The role home pages' charts (core.hooks.home_panel), as (order, panel).
HOME_PANELS = [
    (15, home.my_projects_panel),
]
