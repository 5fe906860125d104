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
    HOME_CARDS, HOME_PANELS, DETAIL_TABS); the app's ready() calls it first, then registers the
    rest."""
    for model, rule in getattr(scopes, "RULES", {}).items():
        scope_rule(model, rule)
    for group in getattr(navigation, "NAV_GROUPS", ()):
        nav_group(group)
    for item in getattr(navigation, "NAV_ITEMS", ()):
        nav_item(item)
    for order, card in getattr(navigation, "HOME_CARDS", ()):
        home_card(card, order)
    for page, tab in getattr(navigation, "DETAIL_TABS", ()):
        detail_tab(page, tab)
    for order, panel in getattr(navigation, "HOME_PANELS", ()):
        home_panel(panel, order)


def card(label: Any, value: Any, url: str, icon: str) -> dict[str, Any]:
    """What a home card returns for a user it applies to."""
    return {"label": label, "value": value, "url": url, "icon": icon}


def panel(
    key: str,
    title: Any,
    *,
    chart: dict[str, Any] | None = None,
    template: str = "",
    context: dict[str, Any] | None = None,
    width: int = 6,
) -> dict[str, Any]:
    """What a home panel returns for a user it applies to: a chart (see `chart`), a template
    rendered with `context`, or both; `width` in Bootstrap columns at lg."""
    return {
        "key": key,
        "title": title,
        "chart": chart,
        "template": template,
        "context": context or {},
        "width": width,
    }


def chart(
    kind: str, items: list[dict[str, Any]], *, unit: str = "count", series: Any = (), **extra
) -> dict[str, Any]:
    """A home chart for static/js/home.js. `kind`: "bar", "hbar" (horizontal bars), "compare"
    (two bars per item: `value2` and `value`, e.g. target and actual) or "pie"; `unit`: "wan"
    (money, axis in 万元), "count" or "days"; each item {"label", "value", "url"}: clicking it
    opens the list behind it. `series`: the names of the bars (one, or two for "compare")."""
    return {"kind": kind, "unit": unit, "series": [str(s) for s in series], "items": items} | extra


# --- navigation and the home page ----------------------------------------------------------


@dataclass(frozen=True)
class NavGroup:
    """A heading of the side navigation (渠道伙伴, 报备, 项目 …) that NavItems name as `group`."""

    key: str
    label: Any
    icon: str
    order: int = 100


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
    group: str = ""  # a NavGroup key; "" for an entry of its own at the top level
    url_args: tuple[str, ...] = ()  # reversed with url_name; the entry lights for its siblings


_nav_groups: dict[str, NavGroup] = {}


def nav_group(group: NavGroup) -> None:
    """Read by core.navigation.items_for with the items; an app's NAV_GROUPS."""
    _nav_groups[group.key] = group


def nav_groups() -> dict[str, NavGroup]:
    return dict(_nav_groups)


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


# A panel of a role's home page (core.views.home): returns None (not for this user) or
# {"key", "title", "template", "context"}, optionally "chart" (the JSON that static/js/home.js
# draws: {"kind", "unit", "items": [{"label", "value", "url"}], …}) and "width" (Bootstrap
# columns at lg, 6 by default). It reads its figures from its app's selectors/home.py, in a
# fixed number of queries whatever the number of rows, within the user's data scope.
Panel = Callable[[Any], dict[str, Any] | None]
_home_panels: list[tuple[int, Panel]] = []


def home_panel(panel: Panel, order: int = 100) -> None:
    """A chart or short list on the home page; an app's HOME_PANELS, as (order, panel)."""
    if panel not in [p for _, p in _home_panels]:
        _home_panels.append((order, panel))


def home_panels() -> list[Panel]:
    return [panel for _, panel in sorted(_home_panels, key=lambda pair: pair[0])]


# --- detail-page tabs ------------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    """A tab of a record's detail page; `url_name` is reversed with the record's pk."""

    key: str
    label: Any
    url_name: str
    order: int = 100
    partner_users: bool = True  # shown to partner users too
    # summary(user, record) -> list of figures ({"label", "value", "url"}) the record's overview
    # shows for this tab (the partner 360's pipeline); None: nothing.
    summary: Callable[[Any, Any], list[dict[str, Any]]] | None = None


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
# approval_decide / approval_cancel call inside the deciding transaction. Optional, for the
# approval page (core/views/approvals.py): `panel(approval, viewer)` → (template, context) or
# None, what is being decided, shown above the decision (the kind's own selector, scoped to the
# viewer); `decision_fields(approval, decider)` → {name: form field} the decision form adds, and
# `check_decision(approval, decider, decision, extra)`, which approval_decide runs under the
# lock on every path (pages and API) to refuse a decision (ValidationError) or record `extra`;
# `amount(object)` → the money the approvals list shows for the object.
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
