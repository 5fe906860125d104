"""The candidate index used to find conflicting claims (撞单) on a customer.

Why a key table (`CustomerKey`) rather than a LIKE or a fuzzy scan: the conflict check must stay
fast at 1,000,000 registrations on SQLite and PostgreSQL alike, so it may only do a bounded number
of indexed equality lookups. Each live registration writes a handful of keys (credit code,
normalised core name and brand, their pinyin, and at most `MAX_GRAMS` character bigrams
without generic industry words, see `qudao.customers.keys`) into one narrow table indexed on
(kind, key). A check computes the same keys for its own customer and fetches the registrations
sharing any of them in one grouped query, best-matching first and capped; only those few
candidates are scored in Python by `qudao.customers.matching`.

The customers app owns what a key is (its kinds, how it is derived); the tables stay here
because every row points at a registration and is written and deleted with it, in the same
transaction as the registration's state change.

- Only live registrations (submitted, approved, info requested) hold keys: drafts and closed ones
  are never candidates, and this keeps the index as small as the live set.
  `services.registration_keys_refresh` rewrites a registration's keys on every save.
- The partner is copied onto each key so that "other partners only" is a filter on the key row
  itself, without a join.
- Generic words (科技, 银行, 大学 …) are not grams: they would have huge posting lists.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from qudao.core.models.fields import partner_fk, region_fk
from qudao.customers.matching import NameParts
from qudao.customers.models import CustomerKeyBase

from .registrations import Registration


class CustomerKey(CustomerKeyBase):
    """One candidate-index key of a live registration's customer (see the module docstring):
    `kind` and `key` come from `customers.models.CustomerKeyBase`."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="customer_keys",
        verbose_name=_("deal registration"),
    )
    # Copied from the registration so that "other partners only" needs no join.
    partner = partner_fk(on_delete=models.CASCADE, db_index=False)
    # The customer's region, copied too: candidates sharing an exact key are ranked by it (a
    # name such as 人民医院 is shared by a thousand customers; the one in the same region first).
    region = region_fk(_("customer region"), on_delete=models.CASCADE, null=True, db_index=False)

    class Meta:
        verbose_name = _("customer key")
        verbose_name_plural = _("customer keys")
        # Covering: the candidate query reads the registration, partner and region from the
        # index alone (no table row per key; bench/README.md).
        indexes = [
            models.Index(
                fields=["kind", "key", "partner", "registration", "region"],
                name="customerkey_cover_region",
            )
        ]


class CustomerName(models.Model):
    """A live registration's customer name taken apart (`customers.matching.NameParts`), kept
    beside its keys: a conflict check scores up to `MAX_CANDIDATES` candidates, and taking each
    of their names apart again (normalisation and pinyin) costs more than the rest of the check.
    Written and deleted with the keys; rebuilt with them when the rules change."""

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
