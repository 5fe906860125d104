"""Alerts (预警) found by the worker; each can become a corrective action with one click."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qudao.core.models.fields import partner_fk, region_fk, status_field

from .common import PeriodFields


class Alert(PeriodFields):
    class Kind(models.TextChoices):
        SALES_DROP = "sales_drop", _("Sales drop")  # won amount fell vs the previous period
        TARGET_AT_RISK = "target_risk", _("Target at risk")  # linear forecast below target
        BELOW_WARNING = "below_line", _("Scorecard below the warning line")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("alert status", "Open")  # nobody acted yet
        ACTED = "acted", _("Action raised")  # a corrective action was raised from it
        DISMISSED = "dismissed", _("Dismissed")  # looked at; no action needed

    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    # One alert per condition: e.g. "sales_drop:partner:12:2026-05"; the worker never repeats it.
    key = models.CharField(max_length=80, unique=True)
    partner = partner_fk(on_delete=models.CASCADE, optional=True)
    region = region_fk(on_delete=models.CASCADE, optional=True)
    target = models.ForeignKey(
        "performance.Target", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    scorecard = models.ForeignKey(
        "performance.Scorecard", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    message = models.CharField(_("message"), max_length=300)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2, null=True)
    threshold = models.DecimalField(_("threshold"), max_digits=16, decimal_places=2, null=True)
    status = status_field(Status, "open")
    action = models.ForeignKey(
        "performance.CorrectiveAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrective action"),
    )
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"], name="perf_alert_open")]

    def __str__(self) -> str:
        return self.message

    @property
    def unit_label(self) -> str:
        return str(self.partner or self.region or _("Company (HQ)"))
