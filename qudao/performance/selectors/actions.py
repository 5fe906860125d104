"""Reads of corrective actions: the scoped list, one action, and closure rates (闭环率)."""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from qudao.core import scopes
from qudao.core.listing import filter_given, text_search
from qudao.core.models import User
from qudao.core.paging import sort_by

from ..metrics import ratio
from ..models import CorrectiveAction
from ..periods import Period

SORTS = {
    "number": "number",
    "due": "due_date",
    "status": "status",
    "owner": "owner__username",
    "created": "created_at",
}


def actions_visible_to(user: User) -> QuerySet[CorrectiveAction]:
    """The data scope, plus the actions the user owns, raised or had escalated to them (a partner
    user only ever sees its own partner's actions, even one it was named on by mistake)."""
    rows = CorrectiveAction.objects.select_related("partner", "region", "owner", "raised_by")
    q = scopes.scope_q(user, CorrectiveAction)
    if q is None:
        return rows
    if not user.is_partner_user:
        q |= Q(owner=user) | Q(raised_by=user) | Q(escalated_to=user)
    return rows.filter(q)


def action_get_for_user(user: User, pk: int) -> CorrectiveAction:
    return actions_visible_to(user).get(pk=pk)


def actions_search(
    user: User,
    *,
    q: str = "",
    status: str = "",
    source_kind: str = "",
    partner: int | None = None,
    mine: bool = False,
    overdue: bool = False,
    sort: str = "",
) -> tuple[QuerySet[CorrectiveAction], str]:
    rows = text_search(actions_visible_to(user), q, ("number", "title", "source_ref"))
    rows = filter_given(rows, status=status, source_kind=source_kind, partner_id=partner)
    if mine:
        rows = rows.filter(Q(owner=user) | Q(raised_by=user))
    if overdue:
        rows = rows.filter(status=CorrectiveAction.Status.OPEN, due_date__lt=timezone.localdate())
    return sort_by(rows, sort, SORTS, "due")


def actions_for_source(user: User, source) -> QuerySet[CorrectiveAction]:
    from django.contrib.contenttypes.models import ContentType

    return actions_visible_to(user).filter(
        source_type=ContentType.objects.get_for_model(source), source_id=str(source.pk)
    )


def _due_in(period: Period, today: date) -> Q:
    """Actions whose outcome is known in the period: due in it, and either verified or past due."""
    return (
        Q(due_date__gte=period.start, due_date__lte=period.end)
        & ~Q(status=CorrectiveAction.Status.CANCELLED)
        & (Q(status=CorrectiveAction.Status.CLOSED) | Q(due_date__lt=today))
    )


def closure_counts(
    rows: QuerySet[CorrectiveAction], period: Period, group: str | None = None
) -> dict[Any, dict[str, Any]]:
    """{group value (or None): {"due", "on_time", "rate"}} — the closure rate (闭环率) is the
    actions closed on time among those due in the period (verified, or already past due)."""
    today = timezone.localdate()
    rows = rows.filter(_due_in(period, today)).order_by()
    aggregate = {"due": Count("pk"), "on_time": Count("pk", filter=Q(closed_on_time=True))}
    found: dict[Any, dict[str, Any]] = defaultdict(lambda: {"due": 0, "on_time": 0, "rate": None})
    if group is None:
        values = [rows.aggregate(**aggregate) | {group: None}]
    else:
        values = rows.values(group).annotate(**aggregate)
    for row in values:
        found[row[group]] = {
            "due": row["due"],
            "on_time": row["on_time"],
            "rate": ratio(row["on_time"], row["due"]),
        }
    return found


def closure_rate(rows: QuerySet[CorrectiveAction], period: Period) -> dict[str, Any]:
    return closure_counts(rows, period)[None]


def rate_or_full(found: dict[str, Any]) -> Decimal:
    """For scoring: a unit with nothing due has nothing left open — full marks."""
    return found["rate"] if found["rate"] is not None else Decimal("100")
