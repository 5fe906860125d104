"""Pieces shared by the performance models: the period fields and the organisational unit."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..periods import KIND_CHOICES, Period


class UnitKind(models.TextChoices):
    COMPANY = "company", _("Company (HQ)")  # the whole channel
    REGION = "region", _("Region")  # 大区
    OFFICE = "office", _("Office")  # 办事处
    PARTNER = "partner", _("Partner")  # 渠道伙伴
    PERSON = "person", _("Partner sales person")  # a partner's own salesperson


class PeriodFields(models.Model):
    period_kind = models.CharField(_("period type"), max_length=8, choices=KIND_CHOICES)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))

    class Meta:
        abstract = True

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_kind)

    @property
    def period_label(self) -> str:
        return self.period.label

    def set_period(self, period: Period) -> None:
        self.period_kind, self.period_start, self.period_end = (
            period.kind,
            period.start,
            period.end,
        )


def unit_key(kind: str, *, region_id=None, partner_id=None, person_id=None) -> str:
    """One string per organisational unit ("region:5"), for uniqueness and grouping."""
    if kind == UnitKind.COMPANY:
        return "company"
    if kind in (UnitKind.REGION, UnitKind.OFFICE):
        return f"{kind}:{region_id}"
    if kind == UnitKind.PARTNER:
        return f"partner:{partner_id}"
    return f"person:{person_id}"
