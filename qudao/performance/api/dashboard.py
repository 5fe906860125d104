"""Dashboard API: the figures of the performance dashboard for the caller's scope."""

from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from qudao.catalog.models import ProductLine
from qudao.core.api import ERRORS
from qudao.core.errors import ValidationError
from qudao.core.models import Region
from qudao.partners.models import Tier

from ..selectors.dashboard import Filters, dashboard_data
from .common import period_param

router = Router()


class DashboardQuery(Schema):
    period: str = ""
    region: int | None = None
    tier: str = ""
    product_line: str = Field("", description="a product line's code")


@router.get("/dashboard", response={200: dict[str, Any], **ERRORS})
def dashboard(request, query: Query[DashboardQuery]):
    region = Region.objects.filter(pk=query.region, parent=None).first() if query.region else None
    tier = query.tier if Tier.objects.filter(code=query.tier).exists() else ""
    line = None
    if query.product_line:
        line = ProductLine.objects.filter(code=query.product_line).first()
        if line is None:
            raise ValidationError({"product_line": _("Choose a product line from the list.")})
    return dashboard_data(request.user, Filters(period_param(query.period), region, tier, line))
