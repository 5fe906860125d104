"""Alerts API: the performance alerts within the caller's scope, and turning one into a
corrective action."""

from datetime import datetime
from decimal import Decimal

from ninja import Query, Router, Status

from qudao.core.api import ERRORS
from qudao.core.schemas import PageIn, choice, page_of, page_schema

from .. import services
from ..models import Alert
from ..selectors.alerts import alert_get_for_user, alerts_search
from .actions import CorrectiveActionOut
from .common import PeriodOut

router = Router()


class PerformanceAlertOut(PeriodOut):
    id: int
    kind: str
    text: str
    partner_id: int | None
    region_id: int | None
    period: str
    value: Decimal | None
    threshold: Decimal | None
    status: str
    action_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_text(obj):
        return services.alert_text(obj)


class AlertFilter(PageIn):
    status: choice(Alert.Status) | None = None
    kind: choice(Alert.Kind) | None = None


AlertPage = page_schema("AlertPage", PerformanceAlertOut)


@router.get("/alerts", response={200: AlertPage, **ERRORS})
def alert_list(request, filters: Query[AlertFilter]):
    rows = alerts_search(request.user, status=filters.status or "", kind=filters.kind or "")
    return page_of(rows, filters.page, filters.page_size)


@router.post("/alerts/{alert_id}/act", response={201: CorrectiveActionOut, **ERRORS})
def alert_act(request, alert_id: int):
    alert = alert_get_for_user(request.user, alert_id)
    return Status(201, services.alert_act(actor=request.user, alert=alert))
