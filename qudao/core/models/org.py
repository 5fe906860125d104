"""The organisation: regions and offices as a tree, departments, roles and users."""

import hashlib

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import partner_fk, region_fk

mobile_validator = RegexValidator(r"^1[3-9]\d{9}$", _("Enter a valid mainland mobile number."))


class Region(models.Model):
    """A node of the sales organisation: a region (大区) or an office (办事处) under one."""

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        OFFICE = "office", _("Office")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REGION)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="region", parent__isnull=True)
                | Q(kind="office", parent__isnull=False),
                name="region_office_has_parent",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A vendor department (部门); may have an IM robot that receives its notifications."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    im_kind = models.CharField(_("IM robot type"), max_length=10, blank=True)
    im_webhook_url = models.URLField(_("IM robot URL"), blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """A role (角色). The codes are fixed because code checks them; names are data."""

    class Code(models.TextChoices):
        ADMIN = "admin", _("System admin")
        DIRECTOR = "director", _("Channel director")
        REGIONAL_MANAGER = "regional_manager", _("Regional manager")
        CHANNEL_MANAGER = "channel_manager", _("Channel manager")
        PROJECT_MANAGER = "project_manager", _("Project manager")
        PRESALES = "presales", _("Presales engineer")
        ACCOUNT_MANAGER = "account_manager", _("Account manager")
        FINANCE = "finance", _("Finance")
        MONITOR = "monitor", _("Project monitor")
        ANALYST = "analyst", _("Market analyst")
        PARTNER_ADMIN = "partner_admin", _("Partner admin")
        PARTNER_SALES = "partner_sales", _("Partner sales")
        PARTNER_ENGINEER = "partner_engineer", _("Partner engineer")

    code = models.CharField(_("code"), max_length=30, unique=True, choices=Code.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.get_code_display())


PARTNER_ROLES = frozenset(
    {Role.Code.PARTNER_ADMIN, Role.Code.PARTNER_SALES, Role.Code.PARTNER_ENGINEER}
)


class User(AbstractUser):
    """A person who logs in: vendor staff, or a partner's user when `partner` is set."""

    mobile = models.CharField(
        _("mobile number"),
        max_length=11,
        blank=True,
        validators=[mobile_validator],
    )
    region = region_fk(related_name="users", optional=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("department"),
    )
    # The partner organisation a partner user belongs to. It lives on the user (not in the
    # partners app) because the data scope of every request starts from it.
    partner = partner_fk(related_name="users", optional=True)
    roles = models.ManyToManyField(Role, blank=True, related_name="users", verbose_name=_("roles"))
    language = models.CharField(_("language"), max_length=10, blank=True)
    im_kind = models.CharField(_("IM robot type"), max_length=10, blank=True)
    im_webhook_url = models.URLField(_("IM robot URL"), blank=True)
    email_notifications = models.BooleanField(_("e-mail notifications"), default=True)
    failed_login_count = models.PositiveIntegerField(_("failed log-ins"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(
                fields=["mobile"], condition=~Q(mobile=""), name="user_mobile_unique"
            ),
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email=""), name="user_email_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        # Chinese names are written family name first, with no space.
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def display_name(self) -> str:
        return str(self)

    @property
    def is_partner_user(self) -> bool:
        return self.partner_id is not None

    @property
    def role_codes(self) -> frozenset[str]:
        """The user's role codes, loaded once per user object."""
        if not hasattr(self, "_role_codes"):
            self._role_codes = frozenset(self.roles.values_list("code", flat=True))
        return self._role_codes

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()
