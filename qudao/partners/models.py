"""A minimal partner organisation; its lifecycle (recruitment … exit) comes in its own module."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qudao.core.models import Region


class Partner(models.Model):
    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")  # recorded, not yet approved to sell
        ACTIVE = "active", _("Active")  # approved; may register deals
        SUSPENDED = "suspended", _("Suspended")  # temporarily barred (e.g. during rectification)
        EXITED = "exited", _("Exited")  # left the channel; records kept, users inactive

    class Tier(models.TextChoices):
        GOLD = "gold", _("Gold")
        SILVER = "silver", _("Silver")
        CERTIFIED = "certified", _("Certified")
        REGISTERED = "registered", _("Registered")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="partners", verbose_name=_("region/office")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROSPECT
    )
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices, default=Tier.REGISTERED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="managed_partners",
        verbose_name=_("channel manager"),
    )
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["owner"]),
            models.Index(fields=["status", "tier"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:partner-detail", args=[self.pk])
