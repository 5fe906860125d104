"""Reads of alerts, in the data scope."""

from django.db.models import QuerySet

from qudao.core.models import User

from ..models import Alert
from ..scopes import visible_derived


def alerts_visible_to(user: User) -> QuerySet[Alert]:
    return visible_derived(
        Alert.objects.select_related("partner", "region", "target", "scorecard", "action"), user
    )


def alert_get_for_user(user: User, pk: int) -> Alert:
    return alerts_visible_to(user).get(pk=pk)


def alerts_search(user: User, *, status: str = "", kind: str = "") -> QuerySet[Alert]:
    rows = alerts_visible_to(user)
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("-created_at", "-pk")
