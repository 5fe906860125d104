"""Registration rules as data: protection periods per tier / product line, and what a
cross-region registration needs."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from qudao.core.models import Region
from qudao.core.models.fields import product_line_fk, tier_fk, user_fk


class ProtectionRule(models.Model):
    """How long an approved registration is protected (保护期) and how often its partner must
    report progress, per partner tier and/or product line.

    The most specific active rule wins: tier and product line, then product line, then tier, then
    the rule with neither (the default). A registration with several product lines gets the
    longest protection among its lines' rules. Without any rule, the settings' defaults apply.
    """

    tier = tier_fk(on_delete=models.CASCADE, optional=True)
    product_line = product_line_fk(on_delete=models.CASCADE, optional=True)
    protection_days = models.PositiveSmallIntegerField(
        _("protection (days)"), validators=[MinValueValidator(1), MaxValueValidator(730)]
    )
    update_interval_days = models.PositiveSmallIntegerField(
        _("progress update every (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("protection rule")
        verbose_name_plural = _("protection rules")
        ordering = ["tier__rank", "product_line__name", "pk"]
        constraints = [
            # One rule per (tier, product line), "none" included: NULLs are folded to 0.
            models.UniqueConstraint(
                Coalesce("tier", 0), Coalesce("product_line", 0), name="protectionrule_unique"
            ),
            models.CheckConstraint(
                condition=Q(protection_days__gte=1, protection_days__lte=730),
                name="protectionrule_days_range",
            ),
            models.CheckConstraint(
                condition=Q(update_interval_days__gte=1, update_interval_days__lte=365),
                name="protectionrule_interval_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tier or '*'} / {self.product_line or '*'}: {self.protection_days}"


class CrossRegionRule(models.Model):
    """What a registration needs when its customer is outside the partner's territory and inside
    this region (or one of its offices): by default the approval of the region's manager; a rule
    can name the approver, or let such registrations through without the extra step (e.g. for
    national accounts handled anywhere). The rule of the nearest region applies."""

    customer_region = models.OneToOneField(
        Region,
        on_delete=models.CASCADE,
        related_name="cross_region_rule",
        verbose_name=_("customer region"),
    )
    requires_approval = models.BooleanField(_("needs the extra approval"), default=True)
    approver = user_fk(_("approver"), optional=True, help_text=_("Empty: the region's manager."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cross-region rule")
        verbose_name_plural = _("cross-region rules")
        ordering = ["customer_region__name"]

    def __str__(self) -> str:
        return str(self.customer_region)
