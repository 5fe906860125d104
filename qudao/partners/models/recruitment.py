"""Recruitment (渠道招募) and qualification (资格认证/准入): applications from companies that want
to become partners, their attachments, and reviewers' scores."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qudao.core.models.fields import MONEY, DetailUrl, region_fk, status_field, tier_fk, user_fk

from ..validators import validate_credit_code
from .scorecards import ScorecardCriterion

OPEN_STATUSES = ("submitted", "reviewing", "in_approval")


class PartnerApplication(DetailUrl, models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")  # waiting for a reviewer
        REVIEWING = "reviewing", _("Under review")  # reviewers are scoring it
        IN_APPROVAL = "in_approval", _("In approval")  # the approval chain decides
        APPROVED = "approved", _("Approved")  # the partner and its admin user exist
        REJECTED = "rejected", _("Rejected")  # refused, with a reason

    number = models.CharField(_("number"), max_length=20, unique=True)
    company_name = models.CharField(_("company name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, validators=[validate_credit_code]
    )
    region = region_fk(related_name="partner_applications")
    contact_name = models.CharField(_("contact"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    contact_email = models.EmailField(_("contact e-mail"))
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    business_scope = models.TextField(_("business scope"))
    staff_count = models.PositiveIntegerField(_("staff"))
    registered_capital = models.DecimalField(
        _("registered capital (10k CNY)"), **MONEY, validators=[MinValueValidator(0)]
    )
    annual_revenue = models.DecimalField(
        _("annual revenue (10k CNY)"), **MONEY, validators=[MinValueValidator(0)]
    )
    main_customers = models.TextField(_("main customers"), blank=True)
    main_industries = models.CharField(_("main industries"), max_length=200, blank=True)
    status = status_field(Status, Status.SUBMITTED, max_length=12)
    assignee = user_fk(
        _("channel manager"),
        related_name="assigned_applications",
        on_delete=models.SET_NULL,
        optional=True,
    )
    total_score = models.DecimalField(
        _("total score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    recommended_tier = tier_fk(_("recommended tier"), optional=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    partner = models.OneToOneField(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=_("partner"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("partner application")
        verbose_name_plural = _("partner applications")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "region"]),
            models.Index(fields=["-submitted_at", "-id"], name="application_newest_first"),
        ]
        constraints = [
            # A company applies once at a time; after a rejection it may apply again.
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=Q(status__in=[*OPEN_STATUSES, "approved"]),
                name="application_one_live_per_credit_code",
            ),
            models.CheckConstraint(
                condition=Q(registered_capital__gte=0) & Q(annual_revenue__gte=0),
                name="application_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.company_name}"

    detail_url_name = "partners:application-detail"


class ApplicationAttachment(models.Model):
    class Kind(models.TextChoices):
        LICENCE = "licence", _("Business licence")
        QUALIFICATION = "qualification", _("Qualification certificate")
        FINANCIAL = "financial", _("Financial statement")
        OTHER = "other", _("Other")

    application = models.ForeignKey(
        PartnerApplication, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("type"), max_length=14, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(_("file"), upload_to="applications/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ApplicationScore(models.Model):
    """One reviewer's score on one criterion of the qualification scorecard."""

    application = models.ForeignKey(
        PartnerApplication, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(ScorecardCriterion, on_delete=models.PROTECT, related_name="+")
    reviewer = user_fk(_("reviewer"))
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    scored_at = models.DateTimeField(_("scored at"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion", "reviewer"], name="application_score_once"
            ),
            models.CheckConstraint(condition=Q(score__gte=0), name="application_score_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"
