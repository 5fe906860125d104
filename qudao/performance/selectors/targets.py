"""Reads of targets: the scoped list, one target with its decomposition, and attainment.

Attainment is computed from the facts (never typed in), in a bounded number of grouped queries
per distinct period among the targets asked about — not one query per target.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from qudao.core import scopes
from qudao.core.listing import filter_given, text_search
from qudao.core.models import User
from qudao.projects.models import Project
from qudao.registrations.models import Registration

from ..metrics import METRICS, attainment
from ..models import CorrectiveAction, ScopeMonthFact, Target, UnitKind
from ..periods import Period
from .actions import closure_counts, rate_or_full
from .facts import empty_sums, fact_sums, fact_sums_by, in_period, partner_periods


def targets_visible_to(user: User) -> QuerySet[Target]:
    return scopes.visible(
        Target.objects.select_related("region", "partner", "person", "set_by", "parent"), user
    )


def target_get_for_user(user: User, pk: int) -> Target:
    return targets_visible_to(user).get(pk=pk)


def targets_search(
    user: User,
    *,
    period: Period | None = None,
    metric: str = "",
    unit_kind: str = "",
    q: str = "",
    roots_only: bool = False,
) -> QuerySet[Target]:
    rows = targets_visible_to(user)
    if period is not None:
        rows = rows.filter(period_start__lte=period.end, period_end__gte=period.start)
    rows = filter_given(rows, metric=metric, unit_kind=unit_kind)
    rows = text_search(rows, q, ("partner__name", "region__name", "note"))
    if roots_only:
        # The top of what the user may see: targets whose parent the user cannot see.
        if scopes.sees_everything(user):
            rows = rows.filter(parent=None)
        else:
            rows = rows.exclude(parent__in=targets_visible_to(user).values("pk"))
    return rows.order_by("-period_start", "metric", "unit_kind", "pk")


def _aware(day) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _person_sums(person_ids: list[int], period: Period) -> dict[int, dict[str, Any]]:
    """A partner's sales person's registrations (created by them) and the projects won from
    them — read from the raw tables, as persons have no facts (few rows per person)."""
    found: dict[int, dict[str, Any]] = defaultdict(empty_sums)
    start, end = period.start, period.after
    for row in (
        Registration.objects.filter(
            created_by_id__in=person_ids,
            submitted_at__gte=_aware(start),
            submitted_at__lt=_aware(end),
        )
        .values("created_by_id")
        .annotate(
            n=Count("pk"),
            won=Count("pk", filter=Q(status=Registration.Status.WON)),
            amount=Sum("estimated_amount"),
        )
        .order_by()
    ):
        sums = found[row["created_by_id"]]
        sums.update(registrations=row["n"], registrations_won=row["won"])
        sums["registration_amount"] = row["amount"] or Decimal("0")
    # Through the person's registrations (indexed by creator), then their projects (one each).
    # No ordering: the model's newest-first order makes SQLite walk the created_at index through
    # every registration instead of looking the creator up.
    registrations = dict(
        Registration.objects.filter(created_by_id__in=person_ids)
        .order_by()
        .values_list("pk", "created_by_id")
    )
    # Only the registration lookup in SQL, the rest here: with the status and date in the
    # WHERE, SQLite prefers the (status, won_at) index and walks every win of the quarter.
    start_at, end_at = _aware(start), _aware(end)
    for row in (
        Project.objects.filter(source_registration_id__in=list(registrations))
        .values("source_registration_id", "amount", "status", "won_at")
        .order_by()
    ):
        if row["status"] != Project.Status.WON or not (
            row["won_at"] and start_at <= row["won_at"] < end_at
        ):
            continue
        sums = found[registrations[row["source_registration_id"]]]
        sums["won_count"] += 1
        sums["won_amount"] += row["amount"]
    return found


def target_actuals(targets: list[Target]) -> dict[int, Decimal | None]:
    """{target pk: actual value in the target's period}."""
    by_period: dict[Period, list[Target]] = defaultdict(list)
    for target in targets:
        by_period[target.period].append(target)
    actuals: dict[int, Decimal | None] = {}
    for period, group in by_period.items():
        facts = partner_periods(period)
        cube = ScopeMonthFact.objects.filter(in_period(period))
        kinds = defaultdict(list)
        for target in group:
            kinds[target.unit_kind].append(target)
        sums: dict[tuple[str, Any], dict] = {}
        closure: dict[tuple[str, Any], dict] = {}
        wants_closure = any(t.metric == "closure_rate" for t in group)
        actions = CorrectiveAction.objects.all()
        if kinds.get(UnitKind.COMPANY):
            sums[("company", None)] = fact_sums(cube)
            if wants_closure:
                closure[("company", None)] = closure_counts(actions, period)[None]
        if kinds.get(UnitKind.REGION):
            ids = [t.region_id for t in kinds[UnitKind.REGION]]
            for key, value in fact_sums_by(
                cube.filter(top_region_id__in=ids), "top_region_id"
            ).items():
                sums[("region", key)] = value
            if wants_closure:
                for target in kinds[UnitKind.REGION]:
                    region_actions = actions.filter(
                        Q(region_id=target.region_id) | Q(region__parent_id=target.region_id)
                    )
                    closure[("region", target.region_id)] = closure_counts(region_actions, period)[
                        None
                    ]
        # An office's and a partner's own rows: the office's in the cube, the partner's in its
        # period facts.
        for kind, rows, field in (
            (UnitKind.OFFICE, cube, "region_id"),
            (UnitKind.PARTNER, facts, "partner_id"),
        ):
            if not kinds.get(kind):
                continue
            ids = [getattr(t, field) for t in kinds[kind]]
            for key, value in fact_sums_by(rows.filter(**{f"{field}__in": ids}), field).items():
                sums[(kind, key)] = value
            if wants_closure:
                for key, value in closure_counts(
                    actions.filter(**{f"{field}__in": ids}), period, field
                ).items():
                    closure[(kind, key)] = value
        if kinds.get(UnitKind.PERSON):
            ids = [t.person_id for t in kinds[UnitKind.PERSON]]
            for key, value in _person_sums(ids, period).items():
                sums[("person", key)] = value
        for target in group:
            ref = _ref(target)
            if target.metric == "closure_rate":
                found = closure.get(ref)
                actuals[target.pk] = rate_or_full(found) if found else None
            else:
                actuals[target.pk] = METRICS[target.metric].actual(sums.get(ref) or empty_sums())
    return actuals


def _ref(target: Target) -> tuple[str, Any]:
    kind = target.unit_kind
    if kind == UnitKind.COMPANY:
        return ("company", None)
    if kind in (UnitKind.REGION, UnitKind.OFFICE):
        return (kind, target.region_id)
    if kind == UnitKind.PARTNER:
        return ("partner", target.partner_id)
    return ("person", target.person_id)


def with_attainment(targets: list[Target]) -> list[Target]:
    """Each target with .actual, .attainment and, for additive metrics, its children's total
    (.children_total, .children_count, .gap: parent − children; None without children)."""
    actuals = target_actuals(targets)
    totals = {
        row["parent_id"]: row
        for row in Target.objects.filter(parent_id__in=[t.pk for t in targets])
        .values("parent_id")
        .annotate(total=Sum("value"), n=Count("pk"))
        .order_by()
    }
    for target in targets:
        target.actual = actuals.get(target.pk)
        target.attainment = attainment(target.actual, target.value)
        row = totals.get(target.pk)
        target.children_count = row["n"] if row else 0
        target.children_total = row["total"] if row else None
        additive = METRICS[target.metric].additive
        target.gap = (
            target.value - target.children_total
            if row and additive and target.children_total is not None
            else None
        )
        target.adds_up = target.gap is None or target.gap == 0
    return targets


def dashboard_targets(user: User, period: Period, limit: int = 20) -> list[Target]:
    """The top three levels of the user's target tree for the period (at most `limit`): HQ sees
    the company, its regions and their partners; a regional manager the region, its offices and
    partners; a channel manager and a partner their partners' targets and sales people."""
    # Only the relations the dashboard shows (the unit's name, the scope's region for the
    # region filter): every join costs PostgreSQL planning time on each of these queries.
    related = ("region", "partner", "person", "scope_region")
    roots = targets_search(user, period=period, roots_only=True)
    found = list(roots.select_related(None).select_related(*related)[:limit])
    level = found
    for _depth in range(2):
        if not level or len(found) >= limit:
            break
        level = list(
            targets_visible_to(user)
            .select_related(None)
            .select_related(*related)
            .filter(parent__in=[t.pk for t in level])
            .order_by("metric", "unit_kind", "unit_key")[: limit - len(found)]
        )
        found += level
    return found


def target_child_units(user: User, target: Target) -> list[dict[str, Any]]:
    """The units `target` may be decomposed into, each with its current child (if any):
    [{"key", "label", "kind", "child"}]."""
    from qudao.core.models import Region
    from qudao.partners.models import Partner

    children = {child.unit_key: child for child in target.children.all()}
    units: list[tuple[str, str, str]] = []
    live = Partner.objects.exclude(status=Partner.Status.EXITED).order_by("code")
    if target.unit_kind == UnitKind.COMPANY:
        units = [
            (f"region:{r.pk}", r.name, UnitKind.REGION) for r in Region.objects.filter(parent=None)
        ]
    elif target.unit_kind == UnitKind.REGION:
        offices = list(Region.objects.filter(parent_id=target.region_id))
        units = [(f"office:{o.pk}", o.name, UnitKind.OFFICE) for o in offices]
        partners = scopes.visible(
            live.filter(region_id__in=[target.region_id, *[o.pk for o in offices]]), user
        )
        units += [(f"partner:{p.pk}", p.name, UnitKind.PARTNER) for p in partners]
    elif target.unit_kind == UnitKind.OFFICE:
        partners = scopes.visible(live.filter(region_id=target.region_id), user)
        units = [(f"partner:{p.pk}", p.name, UnitKind.PARTNER) for p in partners]
    elif target.unit_kind == UnitKind.PARTNER:
        people = User.objects.filter(partner_id=target.partner_id, is_active=True).order_by(
            "username"
        )
        units = [(f"person:{u.pk}", str(u), UnitKind.PERSON) for u in people]
    return [
        {"key": key, "label": label, "kind": kind, "child": children.get(key)}
        for key, label, kind in units
    ]
