"""Credit limit applications (信用额度申请): normal (raises the standing limit) and special
(专项: tied to a project or a period)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CreditApplication(models.Model):
    class Kind(models.TextChoices):
        NORMAL = "normal", _("Normal credit")
        SPECIAL = "special", _("Special credit")

    class Status(models.TextChoices):
        IN_APPROVAL = "in_approval", _("In approval")
        APPROVED = "approved", _("Approved")  # the limit applies
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=20, unique=True)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="credit_applications",
        verbose_name=_("partner"),
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    project_name = models.CharField(_("project"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_APPROVAL
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit application")
        verbose_name_plural = _("credit applications")
        ordering = ["-created_at", "-id"]
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

    def get_absolute_url(self) -> str:
        return reverse("partners:credit-detail", args=[self.pk])
