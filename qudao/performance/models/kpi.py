"""KPI schemes (考核指标方案) and the scorecards computed from them (考核结果)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qudao.core.models.fields import (
    CreatedBy,
    DetailUrl,
    Timestamped,
    partner_fk,
    region_fk,
    tier_fk,
    user_fk,
)

from ..metrics import metric_choices, metric_label
from ..periods import KIND_CHOICES
from .common import PeriodFields, UnitKind


class KpiScheme(DetailUrl, CreatedBy, Timestamped):
    """A set of weighted metrics with scoring rules, for one unit type (and optionally one
    partner tier) and one period length. The weights of its metrics add up to 100."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit_kind = models.CharField(
        _("unit type"),
        max_length=8,
        choices=[(k, v) for k, v in UnitKind.choices if k != UnitKind.PERSON],
        default=UnitKind.PARTNER,
    )
    tier = tier_fk(
        to_field="code",
        optional=True,
        help_text=_("Empty: partners of every tier without a scheme of their own."),
    )
    period_kind = models.CharField(_("period type"), max_length=8, choices=KIND_CHOICES)
    warning_line = models.DecimalField(
        _("warning line"),
        max_digits=6,
        decimal_places=2,
        default=60,
        help_text=_("A total score below this line raises an alert."),
    )
    promotion_line = models.DecimalField(
        _("promotion line"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("A total score at or above this line suggests a higher tier."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("KPI scheme")
        verbose_name_plural = _("KPI schemes")
        ordering = ["unit_kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(warning_line__gte=0, warning_line__lte=200),
                name="perf_scheme_warning_line",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    detail_url_name = "performance:scheme-detail"


class KpiMetric(models.Model):
    """One line of a scheme: a metric, its weight and how it is scored (0–100 points, or up to
    the cap for linear scoring)."""

    class Rule(models.TextChoices):
        LINEAR = "linear", _("Linear to target, capped")  # points = attainment %, up to the cap
        THRESHOLD = "threshold", _("Thresholds")  # points of the highest band reached
        MANUAL = "manual", _("Manual qualitative score")  # a manager gives 0–100 points

    scheme = models.ForeignKey(KpiScheme, on_delete=models.CASCADE, related_name="metrics")
    metric = models.CharField(_("metric"), max_length=20, choices=metric_choices(manual=True))
    name = models.CharField(_("name"), max_length=100, blank=True)
    weight = models.DecimalField(_("weight %"), max_digits=5, decimal_places=2)
    rule = models.CharField(_("scoring rule"), max_length=10, choices=Rule.choices)
    cap = models.DecimalField(
        _("cap (points)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    # [[attainment % from, points], …] ascending: the highest band reached gives its points.
    thresholds = models.JSONField(_("thresholds"), default=list, blank=True)
    standard = models.DecimalField(
        _("standard value"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Used as the target when the unit has no target of this metric."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("KPI metric")
        verbose_name_plural = _("KPI metrics")
        ordering = ["scheme", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gt=0, weight__lte=100), name="perf_kpi_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or str(metric_label(self.metric))


class Scorecard(DetailUrl, PeriodFields):
    """The scores of one unit for one period under one scheme. Computed by the worker from the
    facts, the targets and the corrective actions; recomputing keeps the manual scores."""

    scheme = models.ForeignKey(
        KpiScheme, on_delete=models.PROTECT, related_name="scorecards", verbose_name=_("scheme")
    )
    unit_kind = models.CharField(_("unit type"), max_length=8, choices=UnitKind.choices)
    partner = partner_fk(on_delete=models.CASCADE, optional=True)
    region = region_fk(on_delete=models.CASCADE, optional=True)
    scope_region = region_fk(verbose_name=None, on_delete=models.CASCADE, optional=True)
    owner = user_fk(_("channel manager"), on_delete=models.SET_NULL, optional=True)
    unit_key = models.CharField(max_length=40)
    total_score = models.DecimalField(_("total score"), max_digits=7, decimal_places=2, default=0)
    below_warning = models.BooleanField(_("below the warning line"), default=False)
    warning_line = models.DecimalField(_("warning line"), max_digits=6, decimal_places=2)
    suggestion = models.CharField(_("suggestion"), max_length=10, blank=True)  # up / down / ""
    computed_at = models.DateTimeField(_("computed at"))
    # Where the scorecard went in the partners module (see services.kpi).
    evaluation = models.ForeignKey(
        "partners.PartnerEvaluation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evaluation"),
    )
    tier_change = models.ForeignKey(
        "partners.TierChange",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tier change"),
    )

    audit_exclude = ("unit_key",)  # internal ("partner:7"); the unit's own fields say it

    class Suggestion:
        UP = "up"
        DOWN = "down"

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["-period_start", "total_score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "unit_key", "period_start"], name="perf_scorecard_once"
            )
        ]
        indexes = [
            models.Index(fields=["period_start", "below_warning"], name="perf_scorecard_period"),
            models.Index(fields=["partner", "period_start"], name="perf_scorecard_partner"),
            models.Index(fields=["owner"], name="perf_scorecard_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_label} {self.period_label}"

    @property
    def unit_label(self) -> str:
        return str(self.partner if self.partner_id else self.region or _("Company (HQ)"))

    detail_url_name = "performance:scorecard-detail"


class ScorecardLine(models.Model):
    """One metric of a scorecard, with what it was scored against (copied from the scheme at
    computation, so a later scheme change shows on the next computation, not silently)."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="lines")
    kpi_metric = models.ForeignKey(
        KpiMetric, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    metric = models.CharField(_("metric"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    weight = models.DecimalField(_("weight %"), max_digits=5, decimal_places=2)
    rule = models.CharField(_("scoring rule"), max_length=10, choices=KpiMetric.Rule.choices)
    target = models.DecimalField(
        pgettext_lazy("performance", "target"), max_digits=16, decimal_places=2, null=True
    )
    actual = models.DecimalField(_("actual"), max_digits=16, decimal_places=2, null=True)
    attainment = models.DecimalField(_("attainment %"), max_digits=9, decimal_places=2, null=True)
    score = models.DecimalField(_("points"), max_digits=7, decimal_places=2, default=0)
    weighted = models.DecimalField(_("weighted points"), max_digits=7, decimal_places=2, default=0)
    manual_score = models.DecimalField(
        _("manual score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    manual_note = models.CharField(_("comment"), max_length=500, blank=True)
    manual_by = user_fk(on_delete=models.SET_NULL, optional=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("scorecard line")
        verbose_name_plural = _("scorecard lines")
        ordering = ["scorecard", "order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def needs_manual_score(self) -> bool:
        return self.rule == KpiMetric.Rule.MANUAL and self.manual_score is None
