"""The figures of the role home pages that come from the rollups and the targets: attainment
(targets against actuals), the open pipeline by stage or by partner, the registrations of the
quarter, and the rebate statements waiting. Each is a fixed number of grouped queries on the
rollups, whatever the number of registrations and projects, in the user's data scope."""

from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Min, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from qudao.core import hooks, scopes
from qudao.core.models import User
from qudao.core.roles import MANAGERS, user_in
from qudao.projects.models import StageDefinition

from ..metrics import attainment
from ..models import PipelineFact, RebateStatement, UnitKind
from ..periods import Period
from ..scopes import visible_derived
from .dashboard import APPROVED_EVER, Filters
from .facts import fact_sums, in_period, pipeline_visible_to, totals_visible_to
from .rebates import statements_visible_to
from .targets import target_actuals, targets_visible_to

ATTAINMENT_LIMIT = 12
TOP_PARTNERS = 10


def _num(value: Any) -> float:
    return float(value or 0)


def _attainment_kinds(user: User) -> tuple[str, ...]:
    """The units whose targets a role's home compares: HQ its regions, a regional manager its
    region and offices, a channel manager and a partner user partners (and the partner's sales
    people)."""
    if user.is_partner_user:
        return (UnitKind.PARTNER, UnitKind.PERSON)
    if scopes.sees_everything(user):
        return (UnitKind.REGION,)
    if user.has_role("regional_manager") and user.region_id:
        return (UnitKind.REGION, UnitKind.OFFICE)
    return (UnitKind.PARTNER,)


def attainment_by_unit(user: User, period: Period, metric: str = "won_amount") -> list[dict]:
    """The won-amount targets of `period` of the units the role answers for, each with its
    actual (from the rollups) and attainment; each links to its target's page."""
    rows = (
        targets_visible_to(user)
        .select_related(None)
        .select_related("region", "partner", "person")
        .filter(
            metric=metric,
            unit_kind__in=_attainment_kinds(user),
            period_start__lte=period.end,
            period_end__gte=period.start,
        )
        .order_by("unit_kind", "-value", "pk")[:ATTAINMENT_LIMIT]
    )
    targets = list(rows)
    actuals = target_actuals(targets)  # without with_attainment's children: not shown here
    found = []
    for target in targets:
        actual = actuals.get(target.pk)
        rate = attainment(actual, target.value)
        found.append(
            {
                "label": target.unit_label,
                "value": _num(actual),
                "value2": _num(target.value),
                "attainment": None if rate is None else float(rate),
                "url": reverse("performance:target-detail", args=[target.pk]),
            }
        )
    return found


def _stage_names(codes: list[str]) -> dict[str, dict]:
    return {
        row["code"]: row
        for row in StageDefinition.objects.filter(code__in=codes)
        .values("code")
        .annotate(order=Min("order"), name=Min("name"))
        .order_by()
    }


def list_filters(user: User) -> Filters:
    """The drill-down filters of a role's home figures (the dashboard's, so that a bar opens the
    same list as the dashboard's bar): a regional manager's region, nothing more for the others
    (their scope is the list's own)."""
    region = None
    if (
        not user.is_partner_user
        and not scopes.sees_everything(user)
        and user.has_role("regional_manager")
        and user.region_id
    ):
        region = user.region
    return Filters(Period.current(), region=region)


def pipeline_by_stage(user: User) -> list[dict]:
    """The open pipeline by stage (projects and amount), from the pipeline rollup of the user's
    scope; each stage links to the project list of its active projects."""
    rows = list(
        pipeline_visible_to(user)
        .values("stage_code")
        .annotate(n=Sum("project_count"), amount=Sum("amount"))
        .order_by()
    )
    names = _stage_names([r["stage_code"] for r in rows])
    rows.sort(key=lambda r: (names.get(r["stage_code"], {}).get("order", 999), r["stage_code"]))
    filters = list_filters(user)
    return [
        {
            "label": names.get(r["stage_code"], {}).get("name") or r["stage_code"] or "—",
            "value": _num(r["amount"]),
            "count": int(r["n"] or 0),
            "url": filters.pipeline_url(stage=r["stage_code"]),
        }
        for r in rows
        if r["n"]
    ]


def pipeline_by_partner(user: User, limit: int = TOP_PARTNERS) -> list[dict]:
    """A channel manager's partners with the largest open pipeline (amount and projects), from
    the partners' pipeline rollup; each links to the partner's active projects."""
    rows = (
        visible_derived(PipelineFact.objects.all(), user)
        .values("partner_id", "partner__name")
        .annotate(n=Sum("project_count"), amount=Sum("amount"))
        .filter(n__gt=0)
        .order_by("-amount", "partner_id")[:limit]
    )
    filters = list_filters(user)
    return [
        {
            "label": r["partner__name"],
            "value": _num(r["amount"]),
            "count": int(r["n"] or 0),
            "url": filters.pipeline_url(partner_id=r["partner_id"]),
        }
        for r in rows
    ]


def registrations_of_quarter(user: User, period: Period) -> list[dict]:
    """The quarter's registrations (by the day submitted, from the rollups): submitted, approved
    (at some point) and won so far, as the performance dashboard's funnel counts them, each
    linking to the list of exactly those."""
    sums = fact_sums(totals_visible_to(user).filter(in_period(period)))
    filters = list_filters(user)
    return [
        {
            "key": key,
            "value": int(sums[field] or 0),
            "url": filters.registrations_url(period, **({"status": status} if status else {})),
        }
        for key, field, status in (
            ("submitted", "registrations", ""),
            ("approved", "registrations_approved", APPROVED_EVER),
            ("won", "registrations_won", "won"),
        )
    ]


def statements_waiting(user: User) -> list[dict]:
    """Rebate statements in approval or approved and not yet issued, per period (the statement
    list shows one period at a time); each links to that period's list of that status."""
    waiting = (RebateStatement.Status.IN_APPROVAL, RebateStatement.Status.APPROVED)
    rows = (
        statements_visible_to(user)
        .select_related(None)
        .filter(status__in=waiting)
        .values("period_kind", "period_start", "status")
        .annotate(n=Count("pk"))
        .order_by("period_start", "period_kind", "status")
    )
    url = reverse("performance:statement-list")
    found = []
    for row in rows:
        period = Period.from_fields(row["period_kind"], row["period_start"])
        found.append(
            {
                "period": period.label,
                "status": row["status"],
                "value": row["n"],
                "url": f"{url}?{urlencode({'period': period.label, 'status': row['status']})}",
            }
        )
    return found


# --- the panels (HOME_PANELS in navigation.py) ------------------------------------------------


def _leads(user: User) -> bool:
    """Vendor managers (HQ, regional and channel managers) and partner users: the roles whose
    home shows attainment and the pipeline."""
    return user.is_partner_user or user_in(user, MANAGERS)


def attainment_panel(user: User) -> dict | None:
    if not _leads(user):
        return None
    period = Period.current()
    if user.is_partner_user:
        title = _("Our targets and attainment, %(period)s")
    elif scopes.sees_everything(user):
        title = _("Attainment by region, %(period)s")
    elif user.has_role("regional_manager") and user.region_id:
        title = _("Attainment of my region and offices, %(period)s")
    else:
        title = _("My partners' attainment, %(period)s")
    items = attainment_by_unit(user, period)
    return hooks.panel(
        "attainment",
        title % {"period": period.label},
        chart=hooks.chart("compare", items, unit="wan", series=[_("Target"), _("Won amount")]),
    )


def pipeline_stage_panel(user: User) -> dict | None:
    if not _leads(user):
        return None
    return hooks.panel(
        "pipeline-stage",
        _("Open pipeline by stage"),
        chart=hooks.chart(
            "bar",
            pipeline_by_stage(user),
            unit="wan",
            series=[_("Amount")],
            count_label=_("Projects"),
        ),
    )


def registrations_quarter_panel(user: User) -> dict | None:
    if user.is_partner_user or not user_in(user, MANAGERS):
        return None
    period = Period.current()
    labels = {
        "submitted": _("Submitted"),
        "approved": _("Approved"),
        "won": _("Won"),
    }
    items = [row | {"label": labels[row["key"]]} for row in registrations_of_quarter(user, period)]
    return hooks.panel(
        "registrations-quarter",
        _("Registrations submitted in %(period)s") % {"period": period.label},
        chart=hooks.chart(
            "bar",
            items if any(row["value"] for row in items) else [],
            series=[_("Registrations")],
            unit_label=_("Registrations"),
        ),
    )


def partner_pipeline_panel(user: User) -> dict | None:
    if not user_in(user, frozenset({"channel_manager"})) or user.is_superuser:
        return None
    return hooks.panel(
        "partner-pipeline",
        _("My partners' open pipeline"),
        chart=hooks.chart(
            "hbar",
            pipeline_by_partner(user),
            unit="wan",
            series=[_("Amount")],
            count_label=_("Projects"),
        ),
    )


def rebates_panel(user: User) -> dict | None:
    if not user_in(user, frozenset({"finance"})) or user.is_superuser:
        return None
    statuses = dict(RebateStatement.Status.choices) | {
        RebateStatement.Status.APPROVED: _("Approved, not issued")
    }
    items = [
        row | {"label": f"{row['period']} {statuses.get(row['status'], row['status'])}"}
        for row in statements_waiting(user)
    ]
    return hooks.panel(
        "rebates-waiting",
        _("Rebate statements waiting"),
        chart=hooks.chart("bar", items, series=[_("Statements")], unit_label=_("Statements")),
    )
