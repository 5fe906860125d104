"""Benchmarks (标杆): each unit's productivity against the best comparable unit, with the gap."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from qudao.core.models.fields import partner_fk, region_fk, user_fk

from .common import PeriodFields


class BenchmarkMetric(models.TextChoices):
    WON_PER_SALES = "won_per_sales", _("Won amount per sales person per month")
    REGISTRATIONS_PER_PARTNER = "registrations_per_partner", _("Registrations per partner")
    CONVERSION = "conversion_rate", _("Registration conversion %")
    DAYS_PER_STAGE = "days_per_stage", _("Days per stage")


LOWER_IS_BETTER = {BenchmarkMetric.DAYS_PER_STAGE}


class BenchmarkGroup(models.TextChoices):
    TIER = "tier", _("Partners of the same tier")
    REGION = "region", _("Partners of the same region")
    REGIONS = "regions", _("Regions")


class BenchmarkEntry(PeriodFields):
    """One unit's value of one benchmark metric in one comparison group and period.

    Computed by the worker (services.benchmarks) for every group at once; the best unit of the
    group is marked and every unit carries its gap to it (always ≥ 0: how far behind it is).
    """

    group_kind = models.CharField(_("compared with"), max_length=8, choices=BenchmarkGroup.choices)
    group_key = models.CharField(_("group"), max_length=30)
    group_label = models.CharField(_("group"), max_length=100)
    metric = models.CharField(_("metric"), max_length=30, choices=BenchmarkMetric.choices)
    partner = partner_fk(on_delete=models.CASCADE, optional=True)
    region = region_fk(on_delete=models.CASCADE)
    owner = user_fk(on_delete=models.SET_NULL, optional=True)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    best_value = models.DecimalField(_("benchmark value"), max_digits=16, decimal_places=2)
    gap = models.DecimalField(_("gap"), max_digits=16, decimal_places=2)
    gap_percent = models.DecimalField(_("gap %"), max_digits=9, decimal_places=2, null=True)
    rank = models.PositiveIntegerField(_("rank"))
    units = models.PositiveIntegerField(_("units compared"))
    is_best = models.BooleanField(_("benchmark unit"), default=False)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("benchmark entry")
        verbose_name_plural = _("benchmark entries")
        ordering = ["group_kind", "group_key", "metric", "rank", "pk"]
        indexes = [
            models.Index(
                fields=["period_start", "period_kind", "group_kind", "metric"],
                name="perf_bench_period",
            ),
            models.Index(fields=["partner", "period_start"], name="perf_bench_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.group_label} {self.get_metric_display()} #{self.rank}"

    @property
    def unit_label(self) -> str:
        return str(self.partner if self.partner_id else self.region)


class BenchmarkNote(models.Model):
    """A manager's note on what the benchmark unit does well (标杆经验), for others to read."""

    group_kind = models.CharField(_("compared with"), max_length=8, choices=BenchmarkGroup.choices)
    group_key = models.CharField(_("group"), max_length=30)
    metric = models.CharField(_("metric"), max_length=30, choices=BenchmarkMetric.choices)
    period_label = models.CharField(_("period"), max_length=10)
    partner = partner_fk(_("benchmark partner"), on_delete=models.CASCADE, optional=True)
    region = region_fk(verbose_name=None, on_delete=models.CASCADE, optional=True)
    text = models.TextField(_("practice"))
    author = user_fk(_("by"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    # The group's key is a code (a tier's "certified", a region's id): history names the group
    # by its label in the entry's note instead (services.benchmarks.benchmark_note_add).
    audit_exclude = ("group_key",)

    class Meta:
        verbose_name = _("benchmark practice note")
        verbose_name_plural = _("benchmark practice notes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["group_kind", "group_key", "metric"], name="perf_note")]

    def __str__(self) -> str:
        return self.text[:50]
