"""Tiers (分级) as data, with their benefits, and the history of every tier change."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qudao.core.models.fields import MONEY, Requested, partner_fk, status_field, tier_fk

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class Tier(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    rank = models.PositiveSmallIntegerField(_("rank"), default=0, help_text=_("Higher is better."))
    discount_percent = models.DecimalField(
        _("discount %"), max_digits=5, decimal_places=2, default=0, validators=PERCENT
    )
    default_credit_limit = models.DecimalField(
        _("default credit limit"), **MONEY, default=0, validators=[MinValueValidator(0)]
    )
    mdf_share_percent = models.DecimalField(
        _("MDF share %"), max_digits=5, decimal_places=2, default=0, validators=PERCENT
    )
    training_seats = models.PositiveIntegerField(_("training seats"), default=0)
    required_certifications = models.TextField(
        _("required certifications"), blank=True, help_text=_("One per line.")
    )
    min_score = models.DecimalField(
        _("minimum score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=_("Qualification or evaluation score (0–100) needed to be recommended."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["-rank", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100)
                & Q(mdf_share_percent__gte=0, mdf_share_percent__lte=100)
                & Q(default_credit_limit__gte=0),
                name="tier_benefits_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class TierChange(Requested):
    """A proposal to move a partner to another tier; decided through an approval."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Manual proposal")
        EVALUATION = "evaluation", _("From an evaluation")
        QUALIFICATION = "qualification", _("Qualification")

    class Status(models.TextChoices):
        PENDING = "pending", _("In approval")  # waiting for its approval
        APPROVED = "approved", _("Approved")  # applied to the partner
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    partner = partner_fk(verbose_name=None, related_name="tier_changes", on_delete=models.CASCADE)
    from_tier = tier_fk(_("from tier"), optional=True)
    to_tier = tier_fk(_("to tier"))
    source = models.CharField(
        _("source"), max_length=14, choices=Source.choices, default=Source.MANUAL
    )
    evaluation = models.ForeignKey(
        "partners.PartnerEvaluation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tier_changes",
    )
    reason = models.TextField(_("reason"))
    status = status_field(Status, Status.PENDING)

    class Meta(Requested.Meta):
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(status="pending"),
                name="tier_change_one_pending_per_partner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.from_tier} → {self.to_tier}"

    def get_absolute_url(self) -> str:
        return reverse("partners:partner-detail", args=[self.partner_id])
