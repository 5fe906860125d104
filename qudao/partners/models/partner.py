"""The partner organisation (渠道伙伴) and its archive: contacts and documents."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qudao.core.models.choices import ChoiceLabels
from qudao.core.models.fields import (
    MONEY,
    DetailUrl,
    Timestamped,
    region_fk,
    status_field,
    tier_fk,
    user_fk,
)

from ..validators import validate_credit_code


class Partner(DetailUrl, ChoiceLabels, Timestamped):
    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")  # recorded, not yet approved to sell
        ACTIVE = "active", pgettext_lazy("partner status", "Active")  # approved; may register deals
        SUSPENDED = "suspended", _("Suspended")  # temporarily barred (e.g. during rectification)
        EXITED = "exited", _("Exited")  # left the channel; records kept, users inactive

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    region = region_fk(related_name="partners")
    status = status_field(Status, Status.PROSPECT)
    # Stored as the tier's code, so the column reads the same as before tiers became data.
    tier = tier_fk(
        _("tier"),
        related_name="partners",
        to_field="code",
        db_column="tier",
        default="registered",
    )
    owner = user_fk(_("channel manager"), related_name="managed_partners")
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # Profile (经销商信息资料表).
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    business_scope = models.TextField(_("business scope"), blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (10k CNY)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    annual_revenue = models.DecimalField(
        _("annual revenue (10k CNY)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    staff_count = models.PositiveIntegerField(_("staff"), null=True, blank=True)
    sales_staff_count = models.PositiveIntegerField(_("sales staff"), null=True, blank=True)
    tech_staff_count = models.PositiveIntegerField(_("technical staff"), null=True, blank=True)
    main_customers = models.TextField(_("main customers"), blank=True)
    main_industries = models.CharField(_("main industries"), max_length=200, blank=True)
    # Credit (信用额度): the normal limit; special limits are approved credit applications.
    credit_limit = models.DecimalField(
        _("credit limit"), **MONEY, default=0, validators=[MinValueValidator(0)]
    )
    credit_used = models.DecimalField(
        _("credit used"), **MONEY, default=0, validators=[MinValueValidator(0)]
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    exited_at = models.DateTimeField(_("exited at"), null=True, blank=True)
    exit_reason = models.TextField(_("exit reason"), blank=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["owner"]),
            models.Index(fields=["status", "tier"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="partner_credit_code_unique",
            ),
            models.CheckConstraint(
                condition=Q(credit_limit__gte=0) & Q(credit_used__gte=0),
                name="partner_credit_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    detail_url_name = "partners:partner-detail"


class PartnerContact(models.Model):
    """A person at the partner the vendor talks to (联系人)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("title"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return self.name


class PartnerDocument(models.Model):
    """A file in the partner archive: licence, certificates, signed agreements …"""

    class Kind(models.TextChoices):
        LICENCE = "licence", _("Business licence")
        CERTIFICATE = "certificate", _("Certificate")
        AGREEMENT = "agreement", _("Agreement")
        EVALUATION = "evaluation", _("Evaluation")
        OTHER = "other", _("Other")

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="partners/%Y/%m/")
    size = models.PositiveIntegerField(_("size"), default=0)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    uploaded_by = user_fk()
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner document")
        verbose_name_plural = _("partner documents")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title
