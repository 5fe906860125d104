"""This app's side-bar entries and workbench cards (registered in its AppConfig.ready)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qudao.core import hooks, roles

from .selectors import home, partners_visible_to


def _partners_card(user):
    if user.is_partner_user:
        return None
    return hooks.card(
        _("Partners in my scope"),
        partners_visible_to(user).count(),
        reverse("partners:partner-list"),
        "bi-people",
    )


NAV_ITEMS = [
    hooks.NavItem(
        "agreements",
        _("Agreements"),
        "partners:agreement-list",
        "bi-file-earmark-text",
        23,
        roles=roles.HQ | roles.MANAGERS,  # the rest have no partner in their scope
        partner_users=True,
        group="partners",
    ),
    hooks.NavItem(
        "tiers",
        _("Tiers"),
        "partners:tier-list",
        "bi-award",
        26,
        roles=roles.HQ | roles.MANAGERS,
        partner_users=True,
        group="partners",
    ),
    hooks.NavItem(
        "applications",
        _("Applications"),
        "partners:application-list",
        "bi-person-plus",
        21,
        roles=roles.MANAGERS,
        group="partners",
    ),
    hooks.NavItem(
        "credit",
        _("Credit"),
        "partners:credit-list",
        "bi-credit-card",
        24,
        roles=roles.MANAGERS | {roles.Code.FINANCE},
        partner_users=True,
        group="partners",
    ),
    hooks.NavItem(
        "partners",
        _("Partners"),
        "partners:partner-list",
        "bi-people",
        20,
        roles=roles.HQ | roles.MANAGERS,
        partner_users=True,
        group="partners",
    ),
]
HOME_CARDS = [
    (30, _partners_card),
]
# The partner archive's tabs (core.hooks.detail_tab, page "partner"). These render on the
# archive page itself (?tab=<key>, views/archive.py); another app's tab links to its own page.
ARCHIVE_PAGE = "partners:partner-detail"
DETAIL_TABS = [
    ("partner", hooks.Tab("overview", _("Overview"), ARCHIVE_PAGE, order=10)),
    ("partner", hooks.Tab("contacts", _("Contacts"), ARCHIVE_PAGE, order=20)),
    ("partner", hooks.Tab("staff", _("Staff"), ARCHIVE_PAGE, order=30)),
    ("partner", hooks.Tab("agreements", _("Agreements"), ARCHIVE_PAGE, order=40)),
    ("partner", hooks.Tab("tiers", _("Tier history"), ARCHIVE_PAGE, order=50)),
    ("partner", hooks.Tab("credit", _("Credit"), ARCHIVE_PAGE, order=60)),
    ("partner", hooks.Tab("evaluations", _("Evaluations"), ARCHIVE_PAGE, order=70)),
    ("partner", hooks.Tab("documents", _("Documents"), ARCHIVE_PAGE, order=80)),
    ("partner", hooks.Tab("approvals", _("Approvals"), ARCHIVE_PAGE, order=90)),
    ("partner", hooks.Tab("history", _("History"), ARCHIVE_PAGE, order=900)),
]
# The role home pages' charts (core.hooks.home_panel), as (order, panel).
HOME_PANELS = [
    (65, home.credit_panel),
]
