"""Fields, abstract models and mixins that the models of every app declare alike.

One factory per kind of key the apps repeat (the user, the region/office, the partner, its tier,
the product line), the status column, the creation and change times, who created a record, and
the detail-page link. The targets are named by app label, so that core, at the bottom of the
apps, refers to the apps above it without importing them.

`optional=True` means the key may be empty: null in the database and blank in forms.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Money columns of the business records (amounts in CNY, two decimals).
MONEY = {"max_digits": 14, "decimal_places": 2}


def _key_to(to: str, default_verbose_name, doc: str):
    """A factory of foreign keys to `to`: by default PROTECT, without a reverse accessor, and
    named `default_verbose_name`."""

    def key(
        verbose_name=default_verbose_name,
        *,
        related_name: str = "+",
        on_delete=models.PROTECT,
        optional: bool = False,
        **options,
    ) -> models.ForeignKey:
        if optional:
            options = {"null": True, "blank": True, **options}
        return models.ForeignKey(
            to, on_delete=on_delete, related_name=related_name, verbose_name=verbose_name, **options
        )

    key.__doc__ = doc
    return key


user_fk = _key_to(
    settings.AUTH_USER_MODEL,
    None,
    "A key to the user who acts on or answers for the record (created_by, decided_by, owner …).",
)
region_fk = _key_to(
    "core.Region",
    _("region/office"),
    "A key to a node of the sales organisation (a region or an office), often the data scope.",
)
partner_fk = _key_to("partners.Partner", _("partner"), "A key to the partner of the record.")
tier_fk = _key_to("partners.Tier", _("partner tier"), "A key to a partner tier.")
product_line_fk = _key_to(
    "catalog.ProductLine", _("product line"), "A key to a product line of the catalog."
)


def status_field(states: type[models.TextChoices], default, *, max_length: int = 10):
    """The status column of a record that moves through `states`."""
    return models.CharField(
        _("status"), max_length=max_length, choices=states.choices, default=default
    )


class Timestamped(models.Model):
    """When the record was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class CreatedBy(models.Model):
    """Who created the record."""

    created_by = user_fk()

    class Meta:
        abstract = True


class Requested(models.Model):
    """A request that someone makes and an approval decides: who asked, when, and when it was
    decided; listed newest first (a child's Meta extends `Requested.Meta` to keep the order)."""

    requested_by = user_fk(_("requested by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class DetailUrl:
    """Mixin of a model with a detail page of its own: `get_absolute_url()` is the URL named
    `detail_url_name`, which takes the record's pk."""

    detail_url_name: str

    def get_absolute_url(self) -> str:
        return reverse(self.detail_url_name, args=[self.pk])
