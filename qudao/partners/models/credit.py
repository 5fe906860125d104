"""Credit limit applications (信用额度申请): normal (raises the standing limit) and special
(专项: tied to a project or a period)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qudao.core.models.fields import MONEY, DetailUrl, Requested, partner_fk, status_field


class CreditApplication(DetailUrl, Requested):
    class Kind(models.TextChoices):
        NORMAL = "normal", _("Normal credit")
        SPECIAL = "special", _("Special credit")

    class Status(models.TextChoices):
        IN_APPROVAL = "in_approval", _("In approval")
        APPROVED = "approved", _("Approved")  # the limit applies
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=20, unique=True)
    partner = partner_fk(related_name="credit_applications")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    project_name = models.CharField(_("project"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    status = status_field(Status, Status.IN_APPROVAL, max_length=12)

    class Meta(Requested.Meta):
        verbose_name = _("credit application")
        verbose_name_plural = _("credit applications")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind="normal")
                | (
                    Q(valid_from__isnull=False, valid_to__isnull=False)
                    & Q(valid_to__gte=F("valid_from"))
                ),
                name="credit_special_has_period",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    detail_url_name = "partners:credit-detail"
