"""Targets (目标) and their decomposition (目标分解): HQ → region → office → partner → person."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qudao.core.models.fields import Timestamped, partner_fk, region_fk, user_fk

from ..metrics import metric_choices, metric_label
from .common import PeriodFields, UnitKind


class Target(PeriodFields, Timestamped):
    """A target value of one metric for one unit and period.

    `parent` is the target it was decomposed from; the children of a target are the same metric
    and period for units inside the parent's unit. Whether the children add up to the parent is
    shown, not enforced: planners often keep a reserve or over-assign on purpose.
    """

    unit_kind = models.CharField(_("unit type"), max_length=8, choices=UnitKind.choices)
    region = region_fk(optional=True)
    partner = partner_fk(optional=True)
    person = user_fk(_("sales person"), optional=True)
    # The region/office the target belongs to, for the data scope (None: the company's).
    scope_region = region_fk(verbose_name=None, optional=True)
    unit_key = models.CharField(max_length=40)
    metric = models.CharField(_("metric"), max_length=20, choices=metric_choices())
    value = models.DecimalField(_("target value"), max_digits=16, decimal_places=2)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("decomposed from"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    set_by = user_fk(_("set by"))

    # History leaves out the internal unit key ("partner:7": the unit's own fields say it) and
    # writes the value as a measure, not as money: a target may count projects or customers.
    audit_exclude = ("unit_key",)
    audit_measures = ("value",)

    class Meta:
        verbose_name = pgettext_lazy("performance", "target")
        verbose_name_plural = _("targets")
        ordering = ["-period_start", "metric", "unit_kind", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="perf_target_not_negative"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="perf_target_period"
            ),
            # Overlapping periods of other lengths are refused by the service; the same period
            # twice is refused here too, as the last line of defence.
            models.UniqueConstraint(
                fields=["unit_key", "metric", "period_kind", "period_start"],
                name="perf_target_once_per_period",
            ),
        ]
        indexes = [
            models.Index(fields=["unit_key", "metric", "period_start"], name="perf_target_unit"),
            models.Index(fields=["period_start", "period_end"], name="perf_target_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_label} {metric_label(self.metric)} {self.period_label}"

    @property
    def unit_label(self) -> str:
        if self.unit_kind == UnitKind.COMPANY:
            return str(_("Company (HQ)"))
        if self.unit_kind == UnitKind.PARTNER:
            return str(self.partner)
        if self.unit_kind == UnitKind.PERSON:
            return str(self.person)
        return str(self.region)

    @property
    def metric_label(self):
        return metric_label(self.metric)
