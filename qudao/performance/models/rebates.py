"""Incentives and rebates (激励/返利): policies as data, and the statements computed from them."""

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
    status_field,
    tier_fk,
)

from ..periods import KIND_CHOICES
from .common import PeriodFields

MONEY = {"max_digits": 16, "decimal_places": 2}


class RebatePolicy(DetailUrl, CreatedBy, Timestamped):
    """A rebate % of the won amount by attainment band (of the won-amount target), plus bonuses
    per new customer and per certification obtained in the period."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    period_kind = models.CharField(_("period type"), max_length=8, choices=KIND_CHOICES)
    tier = tier_fk(
        to_field="code",
        optional=True,
        help_text=_("Empty: every tier without a policy of its own."),
    )
    bonus_per_new_customer = models.DecimalField(_("bonus per new customer"), **MONEY, default=0)
    bonus_per_certification = models.DecimalField(_("bonus per certification"), **MONEY, default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("rebate policy")
        verbose_name_plural = _("rebate policies")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(bonus_per_new_customer__gte=0, bonus_per_certification__gte=0),
                name="perf_policy_bonus_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.name

    detail_url_name = "performance:policy-detail"


class RebateBand(models.Model):
    """Attainment from `min_attainment` % (inclusive) up to `max_attainment` % (exclusive; empty:
    no upper bound) earns `rebate_percent` of the won amount. Bands of a policy never overlap."""

    policy = models.ForeignKey(RebatePolicy, on_delete=models.CASCADE, related_name="bands")
    min_attainment = models.DecimalField(_("attainment from %"), max_digits=7, decimal_places=2)
    max_attainment = models.DecimalField(
        _("attainment below %"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    rebate_percent = models.DecimalField(_("rebate %"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("rebate band")
        verbose_name_plural = _("rebate bands")
        ordering = ["policy", "min_attainment"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_attainment__gte=0)
                & Q(rebate_percent__gte=0, rebate_percent__lte=100)
                & (
                    Q(max_attainment__isnull=True)
                    | Q(max_attainment__gt=models.F("min_attainment"))
                ),
                name="perf_band_valid",
            )
        ]

    def __str__(self) -> str:
        upper = f"{self.max_attainment}%" if self.max_attainment is not None else "∞"
        return f"{self.min_attainment}%–{upper}: {self.rebate_percent}%"


class RebateStatement(DetailUrl, CreatedBy, PeriodFields):
    """A partner's rebate for a period (返利结算单).

    Draft statements are recomputed from the policy and the facts; once submitted they no longer
    change, and an approved statement keeps its lines and a snapshot of the policy it was
    computed with — a later policy change never changes it.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")  # computed; recomputed until submitted
        IN_APPROVAL = "in_approval", _("In approval")  # frozen while the approval runs
        APPROVED = "approved", _("Approved")  # frozen for good
        ISSUED = "issued", _("Issued")  # sent to the partner (statement + Excel)
        REJECTED = "rejected", _("Rejected")  # refused; may be recomputed and submitted again

    FROZEN = (Status.IN_APPROVAL, Status.APPROVED, Status.ISSUED)

    number = models.CharField(_("number"), max_length=30, unique=True)
    partner = partner_fk()
    scope_region = region_fk(verbose_name=None)
    policy = models.ForeignKey(
        RebatePolicy, on_delete=models.PROTECT, related_name="statements", verbose_name=_("policy")
    )
    policy_version = models.PositiveIntegerField(_("policy version"))
    policy_snapshot = models.JSONField(_("policy as computed"), default=dict)
    status = status_field(Status, Status.DRAFT, max_length=12)
    won_amount = models.DecimalField(_("won amount"), **MONEY, default=0)
    target_amount = models.DecimalField(
        pgettext_lazy("performance", "target"), **MONEY, null=True, blank=True
    )
    attainment = models.DecimalField(_("attainment %"), max_digits=9, decimal_places=2, null=True)
    rebate_percent = models.DecimalField(_("rebate %"), max_digits=5, decimal_places=2, default=0)
    total_amount = models.DecimalField(_("total"), **MONEY, default=0)
    computed_at = models.DateTimeField(_("computed at"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rebate statement")
        verbose_name_plural = _("rebate statements")
        ordering = ["-period_start", "partner", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "period_kind", "period_start"], name="perf_statement_once"
            ),
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="perf_statement_total"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.partner}"

    detail_url_name = "performance:statement-detail"

    @property
    def is_frozen(self) -> bool:
        return self.status in self.FROZEN


class RebateLine(models.Model):
    class Kind(models.TextChoices):
        REBATE = "rebate", _("Rebate on the won amount")
        NEW_CUSTOMER = "new_customer", _("New-customer bonus")
        CERTIFICATION = "certification", _("Certification bonus")

    statement = models.ForeignKey(RebateStatement, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("type"), max_length=14, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=200)
    base = models.DecimalField(_("base"), **MONEY)
    rate = models.DecimalField(_("rate"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("rebate line")
        verbose_name_plural = _("rebate lines")
        ordering = ["statement", "pk"]

    def __str__(self) -> str:
        return self.description

    # A rebate line is a percentage (rate) of an amount (base); a bonus line is a count (base)
    # times an amount each (rate): the statement shows them so.
    @property
    def is_bonus(self) -> bool:
        return self.kind != self.Kind.REBATE

    @property
    def bonus_count(self) -> int:
        """A bonus line's count (its base)."""
        return int(self.base)

    @property
    def is_new_customer_bonus(self) -> bool:
        return self.kind == self.Kind.NEW_CUSTOMER
