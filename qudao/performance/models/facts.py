"""Rollups (事实表) that the dashboards, reports, scorecards and benchmarks read.

Why rollups: the dashboards answer at the scale bench/PERFORMANCE.md measures. An aggregate over
the raw tables scans every registration and project per request; one row per partner and month
is small enough to aggregate on every request, on SQLite and PostgreSQL alike.

The partner's region, top-level region, tier and channel manager are copied onto each row, so that
the data scope and the dashboard filters (region, tier) are conditions on the fact row itself —
no join to the partners table. The worker keeps them equal to the partner's current values.
"""

from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from qudao.core.models.fields import partner_fk, product_line_fk, region_fk, user_fk

from ..metrics import FACT_COLUMNS, MONEY


class ScopeDims(models.Model):
    """The columns the data scope and the dashboard filters read on a fact row: the office, its
    top-level region, the tier and the channel manager."""

    region = region_fk(on_delete=models.CASCADE)
    top_region = region_fk(_("region"), on_delete=models.CASCADE)
    tier = models.CharField(_("tier"), max_length=20)
    owner = user_fk(_("channel manager"), on_delete=models.CASCADE)

    class Meta:
        abstract = True


class PartnerFacts(ScopeDims):
    """The columns every partner-level fact row carries for scoping and filtering."""

    partner = partner_fk(on_delete=models.CASCADE)

    class Meta:
        abstract = True


class FactValues(models.Model):
    """The measured columns, one per entry of metrics.FACT_COLUMNS (added below the class)."""

    class Meta:
        abstract = True


for fact_column in FACT_COLUMNS:
    FactValues.add_to_class(fact_column.name, fact_column.field())
del fact_column


class PartnerMonthFact(PartnerFacts, FactValues):
    """What one partner achieved in one calendar month.

    - won_amount / won_count: projects won (status won) with won_at in the month; lost_count:
      projects lost with closed_at in the month (for the win rate).
    - new_customers: customers whose first won project with this partner is in the month.
    - registrations*: deal registrations by the month they were submitted (a cohort), with how
      many of them were approved, won and lost so far — so conversion is won / submitted.
    - stage_days / stages_completed: project stages completed in the month and the days they took
      (for "days per stage").
    """

    month = models.DateField(_("month"))
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("partner month fact")
        verbose_name_plural = _("partner month facts")
        ordering = ["partner", "month"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "month"], name="perf_fact_partner_month")
        ]
        indexes = [
            models.Index(fields=["month", "top_region"], name="perf_fact_month_top"),
            models.Index(fields=["month", "region"], name="perf_fact_month_region"),
            models.Index(fields=["month", "owner"], name="perf_fact_month_owner"),
            models.Index(fields=["month", "tier"], name="perf_fact_month_tier"),
            # The month's best and worst partners, read in index order.
            models.Index(fields=["month", "won_amount"], name="perf_fact_month_won"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.month:%Y-%m}"


class PartnerPeriodFact(PartnerFacts, FactValues):
    """A partner's facts summed over a quarter or a year (the months are in PartnerMonthFact).

    Why: rankings, partner reports, scorecards, rebates and benchmarks ask "per partner, for
    this quarter"; reading one row per partner — and the top and bottom ten straight from an
    index on the won amount — avoids grouping three or twelve month rows per partner on every
    request. The worker rewrites a partner's quarter and year rows with its month rows.
    """

    period_kind = models.CharField(_("period type"), max_length=8)
    period_start = models.DateField(_("period start"))

    class Meta:
        verbose_name = _("partner period fact")
        verbose_name_plural = _("partner period facts")
        ordering = ["partner", "period_kind", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "period_kind", "period_start"], name="perf_period_fact_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["period_kind", "period_start", "won_amount"], name="perf_period_won"
            ),
            # A channel manager's best and worst partners, read in index order.
            models.Index(
                fields=["period_kind", "period_start", "owner", "won_amount"],
                name="perf_period_owner_won",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.period_kind} {self.period_start}"


class ScopeMonthFact(ScopeDims, FactValues):
    """The partner-month facts summed per month and (office, tier, channel manager): the cube
    that HQ's, a region's and a channel manager's dashboards read.

    Why a second level: a quarter holds three partner-month rows per partner, and every chart
    would sum them again; summed per office, tier and channel manager they are far fewer rows a
    month, and every vendor-side filter (region, tier, "my partners") is still a
    condition on the row. Partner users read their own PartnerMonthFact rows (a handful).
    The worker rewrites a month's rows whenever it rewrites that month's partner facts.
    """

    month = models.DateField(_("month"))
    partners = models.PositiveIntegerField(_("partners with activity"), default=0)

    class Meta:
        verbose_name = _("scope month fact")
        verbose_name_plural = _("scope month facts")
        ordering = ["month", "region", "tier", "owner"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "region", "tier", "owner"], name="perf_cube_once"
            )
        ]
        indexes = [
            models.Index(fields=["month", "top_region"], name="perf_cube_month_top"),
            models.Index(fields=["month", "owner"], name="perf_cube_month_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.region_id} {self.tier} {self.owner_id}"


class PipelineFact(PartnerFacts):
    """The open pipeline now: a partner's active projects in one stage (count and amount).

    A snapshot, not a history: the worker rewrites a partner's rows when its projects change.
    """

    stage_code = models.CharField(_("stage"), max_length=30)
    project_count = models.PositiveIntegerField(_("projects"), default=0)
    amount = models.DecimalField(_("amount"), **MONEY, default=0)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("pipeline fact")
        verbose_name_plural = _("pipeline facts")
        ordering = ["partner", "stage_code"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "stage_code"], name="perf_pipeline_once")
        ]
        indexes = [
            models.Index(fields=["top_region", "stage_code"], name="perf_pipeline_top_stage"),
            models.Index(fields=["owner"], name="perf_pipeline_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.stage_code}"


class PartnerLineMonthFact(PartnerFacts, FactValues):
    """What one partner achieved in one month with one product line: the facts of
    PartnerMonthFact counted over the registrations that name the product line, and the
    projects (and their stages) whose source registration names it.

    Why a table of its own: the dashboards and reports filter by product line, and must still
    read rollups, not the raw tables. A registration or project with two product lines counts
    in both (the filter answers "business involving this line"); projects without a source
    registration have no product line and count in no line. Only the filtered views read these
    rows, so the unfiltered figures never double count.
    """

    month = models.DateField(_("month"))
    product_line = product_line_fk(on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("partner product-line month fact")
        verbose_name_plural = _("partner product-line month facts")
        ordering = ["partner", "month", "product_line"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "month", "product_line"], name="perf_line_fact_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["product_line", "month", "top_region"], name="perf_line_month_top"
            ),
            models.Index(fields=["product_line", "month", "owner"], name="perf_line_month_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.month:%Y-%m} {self.product_line_id}"


class ScopeLineMonthFact(ScopeDims, FactValues):
    """The partner product-line facts summed per month, product line and (office, tier, channel
    manager): what ScopeMonthFact is to PartnerMonthFact, for the product-line filter."""

    month = models.DateField(_("month"))
    product_line = product_line_fk(on_delete=models.CASCADE)
    partners = models.PositiveIntegerField(_("partners with activity"), default=0)

    class Meta:
        verbose_name = _("scope product-line month fact")
        verbose_name_plural = _("scope product-line month facts")
        ordering = ["month", "product_line", "region", "tier", "owner"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "product_line", "region", "tier", "owner"],
                name="perf_line_cube_once",
            )
        ]
        indexes = [models.Index(fields=["product_line", "month"], name="perf_line_cube_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.product_line_id} {self.region_id} {self.tier}"


class PipelineLineFact(PartnerFacts):
    """The open pipeline of one product line now: a partner's active projects in one stage
    whose source registration names the line (a snapshot, like PipelineFact)."""

    product_line = product_line_fk(on_delete=models.CASCADE)
    stage_code = models.CharField(_("stage"), max_length=30)
    project_count = models.PositiveIntegerField(_("projects"), default=0)
    amount = models.DecimalField(_("amount"), **MONEY, default=0)

    class Meta:
        verbose_name = _("product-line pipeline fact")
        verbose_name_plural = _("product-line pipeline facts")
        ordering = ["partner", "product_line", "stage_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "product_line", "stage_code"], name="perf_line_pipeline_once"
            )
        ]
        indexes = [
            models.Index(fields=["product_line", "top_region"], name="perf_line_pipeline_top")
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.product_line_id} {self.stage_code}"


class ScopePipelineFact(ScopeDims):
    """The open pipeline summed per stage and (office, tier, channel manager), for all product
    lines (product_line empty) and per product line: what vendor users' dashboards and the
    pipeline report read.

    Why: the pipeline per partner and stage (times the product lines) would be summed twice per
    dashboard request; summed per office, tier and channel manager it is far fewer rows. Partner
    users read their own PipelineFact rows. The
    worker rewrites it whenever it rewrites pipeline rows.
    """

    product_line = product_line_fk(on_delete=models.CASCADE, optional=True)
    stage_code = models.CharField(_("stage"), max_length=30)
    project_count = models.PositiveIntegerField(_("projects"), default=0)
    amount = models.DecimalField(_("amount"), **MONEY, default=0)

    class Meta:
        verbose_name = _("scope pipeline fact")
        verbose_name_plural = _("scope pipeline facts")
        ordering = ["stage_code", "region", "tier", "owner"]
        constraints = [
            # every line's row (no product line) once, each product line's once
            models.UniqueConstraint(
                Coalesce("product_line", 0),
                "stage_code",
                "region",
                "tier",
                "owner",
                name="perf_pipeline_cube_once",
            )
        ]
        indexes = [
            models.Index(fields=["product_line", "top_region"], name="perf_pipeline_cube_top"),
        ]

    def __str__(self) -> str:
        return f"{self.stage_code} {self.product_line_id} {self.region_id} {self.tier}"


class RollupState(models.Model):
    """When the worker last brought the facts up to date (one row per rollup)."""

    key = models.CharField(max_length=30, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_full_at = models.DateTimeField(null=True, blank=True)
    last_result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup states")

    def __str__(self) -> str:
        return self.key
