"""Deal registration (项目报备): a partner's claim on a customer's project, and the candidate
index used to find conflicting claims (撞单).

Why a key table (`CustomerKey`) rather than a LIKE or a fuzzy scan: the conflict check must stay
fast at 1,000,000 registrations on SQLite and PostgreSQL alike, so it may only do a bounded number
of indexed equality lookups. Each live registration writes a handful of keys (credit code,
normalised core name and brand, their pinyin, and at most `keys.MAX_GRAMS` character bigrams
without generic industry words, see `keys.py`) into one narrow table indexed on (kind, key). A
check computes the same keys for its own customer and fetches the registrations sharing any of
them in one grouped query, best-matching first and capped; only those few candidates are scored
in Python by `matching.py`.

- Only live registrations (submitted, approved, info requested) hold keys: drafts and closed ones
  are never candidates, and this keeps the index as small as the live set.
  `services.registration_keys_refresh` rewrites a registration's keys on every save.
- The partner is copied onto each key so that "other partners only" is a filter on the key row
  itself, without a join.
- Generic words (科技, 银行, 大学 …) are not grams: they would have huge posting lists.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qudao.core.models import Region
from qudao.core.models.choices import ChoiceLabels
from qudao.partners.validators import validate_credit_code

from .matching import NameParts

MONEY = {"max_digits": 14, "decimal_places": 2}


class Registration(ChoiceLabels, models.Model):
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
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("partner"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="registrations_created",
        verbose_name=_("created by"),
    )
    customer_name = models.CharField(_("customer name"), max_length=200)
    customer_credit_code = models.CharField(
        _("customer unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    customer_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="customer_registrations",
        verbose_name=_("customer region"),
    )
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
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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
            # from this index alone, partner by partner (at 1,000,000 rows, 21,569 approved
            # registrations end in the week: 15,857 table pages read, 43 ms on PostgreSQL,
            # without it; 4 ms with it). Led by the partner: led by the status, PostgreSQL
            # counted a channel manager's approved registrations by scanning all of them.
            models.Index(
                fields=["partner", "status", "protection_until"], name="reg_partner_status_until"
            ),
            models.Index(fields=["status", "protection_until"], name="registration_protection"),
            models.Index(fields=["status", "progress_due_at"], name="registration_progress_due"),
            # The lists at 1,000,000 rows: newest first (the default order) and a status filter
            # sorted by amount walk these in order and stop after a page (bench/README.md).
            models.Index(fields=["created_at"], name="registration_created"),
            models.Index(fields=["status", "estimated_amount"], name="registration_status_amount"),
            # The performance rollups' refresh reads what changed since its last run.
            models.Index(fields=["updated_at"], name="registration_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.customer_name}"

    def get_absolute_url(self) -> str:
        return reverse("registrations:registration-detail", args=[self.pk])

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
    product_line = models.ForeignKey(
        "partners.ProductLine",
        on_delete=models.PROTECT,
        related_name="registration_products",
        verbose_name=_("product line"),
    )
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


class CustomerKey(models.Model):
    """One candidate-index key of a live registration's customer (see the module docstring)."""

    class Kind(models.TextChoices):
        CREDIT = "credit", _("Credit code")  # the unified social credit code
        NAME = "name", _("Normalised name")  # core name and brand after normalisation
        PINYIN = "pinyin", _("Pinyin")  # toneless pinyin of the core name and brand
        GRAM = "gram", _("Name bigram")  # a non-generic character bigram of the core name

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="customer_keys",
        verbose_name=_("deal registration"),
    )
    # Copied from the registration so that "other partners only" needs no join.
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("partner"),
    )
    # The customer's region, copied too: candidates sharing an exact key are ranked by it (a
    # name such as 人民医院 is shared by a thousand customers; the one in the same region first).
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        db_index=False,
        verbose_name=_("customer region"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=100)

    class Meta:
        verbose_name = _("customer key")
        verbose_name_plural = _("customer keys")
        # Covering: the candidate query reads the registration, partner and region from the
        # index alone (no table row per key: 13 → 5 ms for a name whose bigrams are in 11,700
        # keys).
        indexes = [
            models.Index(
                fields=["kind", "key", "partner", "registration", "region"],
                name="customerkey_cover_region",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class CustomerName(models.Model):
    """A live registration's customer name taken apart (`matching.NameParts`), kept beside its
    keys: a conflict check scores up to `MAX_CANDIDATES` candidates, and taking each of their
    names apart again (normalisation and pinyin, about 0.4 ms a name) cost more than the rest of
    the check. Written and deleted with the keys; rebuilt with them when the rules change."""

    registration = models.OneToOneField(
        Registration,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="customer_parts",
        verbose_name=_("deal registration"),
    )
    cleaned = models.TextField(_("cleaned name"))
    core = models.TextField(_("core name"))
    brand = models.TextField(_("brand"), blank=True)
    removed = models.JSONField(_("removed words"), default=list)
    mapped = models.JSONField(_("abbreviations"), default=list)
    pinyin = models.TextField(_("pinyin"), blank=True)
    brand_pinyin = models.TextField(_("brand pinyin"), blank=True)

    class Meta:
        verbose_name = _("customer name parts")
        verbose_name_plural = _("customer name parts")

    def __str__(self) -> str:
        return self.core

    @classmethod
    def of(cls, registration_id: int, parts: NameParts) -> "CustomerName":
        return cls(
            registration_id=registration_id,
            cleaned=parts.cleaned,
            core=parts.core,
            brand=parts.brand,
            removed=list(parts.removed),
            mapped=[list(pair) for pair in parts.mapped],
            pinyin=parts.pinyin,
            brand_pinyin=parts.brand_pinyin,
        )

    # The stored columns, in the order `stored()` takes them (for values_list()).
    COLUMNS = ("cleaned", "core", "brand", "removed", "mapped", "pinyin", "brand_pinyin")

    def parts(self, original: str) -> NameParts:
        return self.stored(original, *(getattr(self, column) for column in self.COLUMNS))

    @staticmethod
    def stored(
        original: str,
        cleaned: str,
        core: str,
        brand: str,
        removed: list,
        mapped: list,
        pinyin: str,
        brand_pinyin: str,
    ) -> NameParts:
        """The name parts from the stored columns (see COLUMNS)."""
        return NameParts(
            original=original,
            cleaned=cleaned,
            core=core,
            brand=brand,
            removed=tuple(removed),
            mapped=tuple(tuple(pair) for pair in mapped),
            pinyin=pinyin,
            brand_pinyin=brand_pinyin,
        )


class ProtectionRule(models.Model):
    """How long an approved registration is protected (保护期) and how often its partner must
    report progress, per partner tier and/or product line.

    The most specific active rule wins: tier and product line, then product line, then tier, then
    the rule with neither (the default). A registration with several product lines gets the
    longest protection among its lines' rules. Without any rule, the settings' defaults apply.
    """

    tier = models.ForeignKey(
        "partners.Tier",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner tier"),
    )
    product_line = models.ForeignKey(
        "partners.ProductLine",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product line"),
    )
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
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approver"),
        help_text=_("Empty: the region's manager."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cross-region rule")
        verbose_name_plural = _("cross-region rules")
        ordering = ["customer_region__name"]

    def __str__(self) -> str:
        return str(self.customer_region)
