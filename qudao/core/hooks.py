"""Every extension point of Qudao, declared here and nowhere else.

An app plugs into the others only through these registries, and only from its
`AppConfig.ready()`, so that reading an app's `apps.py` tells everything it adds to the rest of
the system, and a module that is not installed is simply absent. Each registry says who reads
it and when. Registering the same entry twice (a re-import in tests) is harmless.

This module imports nothing of Qudao: the entries are plain objects whose types live with the
code that calls them (ScopeRule in core.scopes, ApprovalKind in core.services.approvals).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# --- data scopes ------------------------------------------------------------------------------
# model → core.scopes.ScopeRule. Read by core.scopes on every scoped query (`visible`,
# `can_see`): a model without a rule cannot be listed through a selector.
_scope_rules: dict[type, Any] = {}


def scope_rule(model: type, rule: Any) -> None:
    _scope_rules[model] = rule


def scope_rules() -> dict[type, Any]:
    return _scope_rules


# --- an app's declarations ------------------------------------------------------------------


def app_declarations(*, scopes: Any = None, navigation: Any = None) -> None:
    """Register what an app declares in its `scopes.py` (RULES) and `navigation.py` (NAV_ITEMS,
    HOME_CARDS, DETAIL_TABS); the app's ready() calls it first, then registers the rest."""
    for model, rule in getattr(scopes, "RULES", {}).items():
        scope_rule(model, rule)
    for item in getattr(navigation, "NAV_ITEMS", ()):
        nav_item(item)
    for order, card in getattr(navigation, "HOME_CARDS", ()):
        home_card(card, order)
    for page, tab in getattr(navigation, "DETAIL_TABS", ()):
        detail_tab(page, tab)


def card(label: Any, value: Any, url: str, icon: str) -> dict[str, Any]:
    """What a home card returns for a user it applies to."""
    return {"label": label, "value": value, "url": url, "icon": icon}


# --- navigation and the home page ----------------------------------------------------------


@dataclass(frozen=True)
class NavItem:
    """An entry of the side navigation (core.navigation.items_for, every page)."""

    key: str
    label: Any
    url_name: str
    icon: str
    order: int = 100
    roles: frozenset[str] = field(default_factory=frozenset)  # empty: every vendor user
    partner_users: bool = False  # shown to partner users too
    staff_only: bool = False  # superusers and the listed roles only


_nav_items: dict[str, NavItem] = {}
# A card returns None (not for this user) or {"label", "value", "url", "icon"}.
Card = Callable[[Any], dict[str, Any] | None]
_home_cards: list[tuple[int, Card]] = []


def nav_item(item: NavItem) -> None:
    """Read by core.navigation.items_for when any page renders its side bar."""
    _nav_items[item.key] = item


def nav_items() -> list[NavItem]:
    return sorted(_nav_items.values(), key=lambda item: item.order)


def home_card(card: Card, order: int = 100) -> None:
    """A figure on the workbench (core.navigation.cards_for, the home page)."""
    if card not in [c for _, c in _home_cards]:
        _home_cards.append((order, card))


def home_cards() -> list[Card]:
    return [card for _, card in sorted(_home_cards, key=lambda pair: pair[0])]


# --- detail-page tabs ------------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    """A tab of a record's detail page; `url_name` is reversed with the record's pk."""

    key: str
    label: Any
    url_name: str
    order: int = 100
    partner_users: bool = True  # shown to partner users too


# Pages with tabs: "project" (read by projects.views.tabs), "partner" (the partner archive,
# read by partners.views.archive).
_tabs: dict[str, dict[str, Tab]] = {}


def detail_tab(page: str, tab: Tab) -> None:
    _tabs.setdefault(page, {})[tab.key] = tab


def detail_tabs(page: str) -> list[Tab]:
    return sorted(_tabs.get(page, {}).values(), key=lambda tab: (tab.order, tab.key))


# --- scheduled work --------------------------------------------------------------------------
# Enqueued by the scheduler of every task worker (core.services.schedule) when due, and by
# `manage.py daily` by hand.
_daily_jobs: list[Any] = []
_periodic_jobs: dict[Any, int] = {}


def daily_job(task: Any) -> None:
    """A task to run once a local day, at settings.DAILY_RUN_AT."""
    if task not in _daily_jobs:
        _daily_jobs.append(task)


def daily_jobs() -> list[Any]:
    return list(_daily_jobs)


def periodic_job(task: Any, *, minutes: int) -> None:
    """A task to run every `minutes` minutes (at most once in each such slot of the clock)."""
    if minutes < 1:
        raise ValueError("minutes must be at least 1")
    _periodic_jobs[task] = minutes


def periodic_jobs() -> list[tuple[Any, int]]:
    return list(_periodic_jobs.items())


# --- approvals -------------------------------------------------------------------------------
# code → core.services.approvals.ApprovalKind: its label and the callbacks that
# approval_decide / approval_cancel call inside the deciding transaction.
_approval_kinds: dict[str, Any] = {}


def approval_kind(kind: Any) -> None:
    _approval_kinds[kind.code] = kind


def approval_kinds() -> dict[str, Any]:
    return _approval_kinds


# --- deal registrations ----------------------------------------------------------------------
# handler(registration, actor): called by registrations.services.outcome.registration_win in the
# transaction that marks a registration won (projects open a project, performance counts it).
_registration_won: list[Callable[..., None]] = []
# source(registration, deal) -> list[VendorConflict]: the vendor's own records that compete
# with a registration, called by registrations.services.conflicts on every conflict check.
_conflict_sources: list[Callable[..., list]] = []


def registration_won(handler: Callable[..., None]) -> None:
    if handler not in _registration_won:
        _registration_won.append(handler)


def registration_won_handlers() -> list[Callable[..., None]]:
    return list(_registration_won)


def conflict_source(source: Callable[..., list]) -> None:
    if source not in _conflict_sources:
        _conflict_sources.append(source)


def conflict_sources() -> list[Callable[..., list]]:
    return list(_conflict_sources)


# --- project stage gates ---------------------------------------------------------------------
# condition(stage: ProjectStage) -> {problem key: translated message}, empty when met. Called by
# projects.services.stages.gate_problems before a stage may be completed or its gate requested,
# next to the stage's own required documents and checklist (e.g. "a signed contract").
_gate_conditions: list[Callable[..., dict]] = []


def gate_condition(condition: Callable[..., dict]) -> None:
    if condition not in _gate_conditions:
        _gate_conditions.append(condition)


def gate_conditions() -> list[Callable[..., dict]]:
    return list(_gate_conditions)
