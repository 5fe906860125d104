"""Deal registration (项目报备): a partner's claim on a customer's project, with the products it
expects to sell. The states and their comments are here; their one map of allowed moves is
`services/state.py`."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qudao.core.models.choices import ChoiceLabels
from qudao.core.models.fields import (
    MONEY,
    DetailUrl,
    Timestamped,
    partner_fk,
    product_line_fk,
    region_fk,
    status_field,
    user_fk,
)
from qudao.partners.validators import validate_credit_code


class Registration(DetailUrl, ChoiceLabels, Timestamped):
    class Stage(models.TextChoices):
        LEAD = "lead", _("Lead")  # a need is known; no budget or plan yet
        QUALIFIED = "qualified", _("Qualified")  # need, budget and decision makers confirmed
        PROPOSAL = "proposal", _("Proposal")  # solution or quotation handed over
        BIDDING = "bidding", _("Bidding")  # tender announced or bid submitted
        NEGOTIATION = "negotiation", _("Negotiation")  # commercial terms under discussion
        CONTRACT = "contract", _("Contract")  # contract being signed

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")  # being written by the partner; not checked by anyone
        SUBMITTED = "submitted", _("Submitted")  # waiting for the channel manager's decision
        APPROVED = "approved", _("Approved")  # the partner's claim is protected until a date
        REJECTED = "rejected", _("Rejected")  # refused, with a reason (e.g. a conflict lost)
        INFO_REQUESTED = "info_requested", _("Information requested")  # back to the partner
        EXPIRED = "expired", _("Expired")  # protection ran out or updates stopped (worker)
        WON = "won", _("Won")  # the deal was signed; becomes a project
        LOST = "lost", _("Lost")  # the customer chose someone else, with a reason
        CANCELLED = "cancelled", _("Cancelled")  # withdrawn by the partner

    # Registrations that hold a claim on their customer: the candidates of a conflict check.
    LIVE = (Status.SUBMITTED, Status.APPROVED, Status.INFO_REQUESTED)

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    partner = partner_fk(related_name="registrations")
    created_by = user_fk(_("created by"), related_name="registrations_created")
    customer_name = models.CharField(_("customer name"), max_length=200)
    customer_credit_code = models.CharField(
        _("customer unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    customer_region = region_fk(_("customer region"), related_name="customer_registrations")
    customer_city = models.CharField(_("customer city"), max_length=50, blank=True)
    project_name = models.CharField(_("project name"), max_length=200)
    industry = models.CharField(_("industry"), max_length=50, blank=True)
    estimated_amount = models.DecimalField(
        _("estimated amount (CNY)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    expected_close_date = models.DateField(_("expected close date"))
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.LEAD)
    competitors = models.TextField(_("competitors"), blank=True)
    decision_makers = models.TextField(_("decision makers"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = status_field(Status, Status.DRAFT, max_length=16)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    protection_until = models.DateField(_("protected until"), null=True, blank=True)
    # Set on approval from the ProtectionRule that applies: the partner must report progress
    # at least this often, or the registration is warned and then loses its protection.
    update_interval_days = models.PositiveSmallIntegerField(
        _("progress update every (days)"), null=True, blank=True
    )
    last_progress_at = models.DateTimeField(_("last progress update"), null=True, blank=True)
    # last_progress_at + update_interval_days, kept as a column so that the daily task finds
    # overdue registrations with one indexed range query.
    progress_due_at = models.DateTimeField(_("next progress update due"), null=True, blank=True)
    stale_warned_at = models.DateTimeField(_("warned of no progress at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deal registration")
        verbose_name_plural = _("deal registrations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_amount__gt=0), name="registration_amount_positive"
            ),
        ]
        indexes = [
            # With the protection end: "expiring in 7 days" of a region's partners is counted
            # from this index alone, partner by partner (bench/README.md). Led by the partner:
            # led by the status, PostgreSQL counts a channel manager's approved registrations
            # by scanning all of them.
            models.Index(
                fields=["partner", "status", "protection_until"], name="reg_partner_status_until"
            ),
            models.Index(fields=["status", "protection_until"], name="registration_protection"),
            models.Index(fields=["status", "progress_due_at"], name="registration_progress_due"),
            # The lists at scale: newest first (the default order) and a status filter
            # sorted by amount walk these in order and stop after a page (bench/README.md).
            models.Index(fields=["created_at"], name="registration_created"),
            models.Index(fields=["status", "estimated_amount"], name="registration_status_amount"),
            # The performance rollups' refresh reads what changed since its last run.
            models.Index(fields=["updated_at"], name="registration_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.customer_name}"

    detail_url_name = "registrations:registration-detail"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE


class RegistrationProduct(models.Model):
    """A product line and quantity the partner expects to sell in the registered project."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="products",
        verbose_name=_("deal registration"),
    )
    product_line = product_line_fk(related_name="registration_products")
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("registered product")
        verbose_name_plural = _("registered products")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="registration_product_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_line} × {self.quantity}"
