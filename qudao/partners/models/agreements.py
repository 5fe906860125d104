"""Agreements (合作协议): period, territory, product lines, target, rebate policy, signed file."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qudao.catalog.models import ProductLine
from qudao.core.models import Region
from qudao.core.models.fields import (
    MONEY,
    CreatedBy,
    DetailUrl,
    Timestamped,
    partner_fk,
    status_field,
)


class Agreement(DetailUrl, CreatedBy, Timestamped):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")  # being prepared; may change freely
        IN_APPROVAL = "in_approval", _("In approval")  # its approval decides
        ACTIVE = "active", pgettext_lazy("agreement status", "Active")  # signed and in force
        EXPIRED = "expired", _("Expired")  # its end date has passed (set by the worker)
        TERMINATED = "terminated", _("Terminated")  # ended early, with a reason

    number = models.CharField(_("number"), max_length=20, unique=True)
    partner = partner_fk(related_name="agreements")
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    territory = models.ManyToManyField(
        Region, related_name="agreements", verbose_name=_("territory")
    )
    product_lines = models.ManyToManyField(
        ProductLine, related_name="agreements", verbose_name=_("product lines")
    )
    annual_target = models.DecimalField(
        _("annual sales target"), **MONEY, default=0, validators=[MinValueValidator(0)]
    )
    rebate_policy = models.CharField(_("rebate policy"), max_length=100, blank=True)
    rights_obligations = models.TextField(_("rights and obligations"), blank=True)
    signed_file = models.FileField(
        _("signed agreement"), upload_to="agreements/%Y/", null=True, blank=True
    )
    status = status_field(Status, Status.DRAFT, max_length=12)
    renewed_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("renewal of"),
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    termination_reason = models.TextField(_("termination reason"), blank=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["status", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="agreement_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(annual_target__gte=0), name="agreement_target_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    detail_url_name = "partners:agreement-detail"
