"""What the performance API's endpoints share: the period parameter and the rows' common members."""

from django.utils.translation import gettext as _
from ninja import Field, Schema

from qudao.core.errors import ValidationError

from ..periods import Period


def period_param(label: str | None, default_kind: str = "quarter") -> Period:
    """The period a query or payload names ("2026", "2026Q3", "2026-07"); the current one of
    `default_kind` when it names none. A label that is no period is a 422 on `period`."""
    if not label:
        return Period.current(default_kind)
    try:
        return Period.parse(label)
    except ValueError:
        raise ValidationError(
            {
                "period": _(
                    "Write the period as a year, a quarter or a month: 2026, 2026Q3, 2026-07."
                )
            }
        ) from None


def optional_period(label: str | None) -> Period | None:
    """The period a list filter names, or None (no period filter)."""
    return period_param(label) if label else None


class PeriodOut(Schema):
    """`period` as its label ("2026Q3") for rows with period fields."""

    @staticmethod
    def resolve_period(obj):
        return obj.period_label


class UnitPeriodOut(PeriodOut):
    """`unit` as the organisational unit's name too, for rows about a unit."""

    @staticmethod
    def resolve_unit(obj):
        return obj.unit_label


class RuleOut(Schema):
    """The members HQ's KPI schemes and rebate policies share."""

    id: int
    code: str
    name: str
    period_kind: str
    tier: str | None = Field(None, alias="tier_id")
    is_active: bool
