"""Evaluation (考评) and exit (退出): periodic scorecards, warnings with rectification plans."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qudao.core.models.fields import CreatedBy, DetailUrl, partner_fk, status_field, user_fk

from .scorecards import PartnerScorecard, ScorecardCriterion


class PartnerEvaluation(DetailUrl, models.Model):
    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")  # 90 and above
        QUALIFIED = "qualified", _("Qualified")  # 70–89
        WARNING = "warning", _("Warning")  # 60–69: needs a rectification plan
        FAILED = (
            "failed",
            pgettext_lazy("evaluation grade", "Failed"),
        )  # below 60: rectification, then exit if not closed

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")  # scores may still change
        FINAL = "final", _("Final")  # in the archive; no more changes

    partner = partner_fk(related_name="evaluations")
    scorecard = models.ForeignKey(PartnerScorecard, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=20, help_text=_("e.g. 2026Q3 or 2026"))
    total_score = models.DecimalField(
        _("total score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    status = status_field(Status, Status.DRAFT, max_length=6)
    comment = models.TextField(_("comment"), blank=True)
    evaluator = user_fk(_("evaluator"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "scorecard", "period"], name="evaluation_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.period}"

    detail_url_name = "partners:evaluation-detail"


class EvaluationScore(models.Model):
    evaluation = models.ForeignKey(
        PartnerEvaluation, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(ScorecardCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("evaluation score")
        verbose_name_plural = _("evaluation scores")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="evaluation_score_once"
            ),
            models.CheckConstraint(condition=Q(score__gte=0), name="evaluation_score_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class Rectification(CreatedBy):
    """A warning with a rectification plan and deadline (整改); it is closed when done, or the
    partner goes through the exit flow."""

    class Status(models.TextChoices):
        OPEN = (
            "open",
            pgettext_lazy("rectification status", "Open"),
        )  # the partner works on the plan
        CLOSED = "closed", _("Closed")  # verified as done
        EXIT = "exit", _("Led to exit")  # not done in time; exit started

    partner = partner_fk(related_name="rectifications")
    evaluation = models.ForeignKey(
        PartnerEvaluation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rectifications",
    )
    warning = models.TextField(_("warning"))
    plan = models.TextField(_("rectification plan"), blank=True)
    deadline = models.DateField(_("deadline"))
    status = status_field(Status, Status.OPEN, max_length=6)
    closing_note = models.TextField(_("closing note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.partner}: {self.deadline}"

    def get_absolute_url(self) -> str:
        return reverse("partners:partner-detail", args=[self.partner_id])
