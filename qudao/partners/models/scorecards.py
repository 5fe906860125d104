"""Scorecards (评分表): weighted criteria for qualification and for periodic evaluation."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PartnerScorecard(models.Model):
    """The weighted criteria partners are scored on, when they apply (qualification) and in their
    periodic evaluation; performance's KPI Scorecard measures results instead."""

    class Kind(models.TextChoices):
        QUALIFICATION = "qualification", _("Qualification")
        EVALUATION = "evaluation", _("Evaluation")

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("used for"), max_length=14, choices=Kind.choices)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["kind", "code"]
        constraints = [
            # One scorecard in use per purpose; admins switch by activating another.
            models.UniqueConstraint(
                fields=["kind"], condition=Q(is_active=True), name="scorecard_one_active_per_kind"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ScorecardCriterion(models.Model):
    """One criterion (e.g. 资金实力) with its weight; scores are 0..max_score."""

    scorecard = models.ForeignKey(
        PartnerScorecard, on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight %"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_score = models.PositiveSmallIntegerField(
        _("maximum score"), default=10, validators=[MinValueValidator(1)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["scorecard", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "code"], name="criterion_code_unique"),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100) & Q(max_score__gte=1),
                name="criterion_weight_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name
