"""Counters behind human-readable document numbers (SQ-2026-000123, HT-2026-000045 …)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    key = models.CharField(max_length=50, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
