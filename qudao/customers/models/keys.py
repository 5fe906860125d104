"""The kinds of candidate-index keys of a customer (`qudao.customers.keys.customer_keys` derives
them) and the fields every index of them shares.

The index tables themselves live with the records they index (`registrations.CustomerKey`,
`projects.ProjectCustomerKey`): each row points at its registration or project and is written
and deleted with it, so the table belongs to the app that owns that record."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyKind(models.TextChoices):
    CREDIT = "credit", _("Credit code")  # the unified social credit code
    NAME = "name", _("Normalised name")  # core name and brand after normalisation
    PINYIN = "pinyin", _("Pinyin")  # toneless pinyin of the core name and brand
    GRAM = "gram", _("Name bigram")  # a non-generic character bigram of the core name


class CustomerKeyBase(models.Model):
    """One (kind, key) pair of a customer; the concrete index adds what the key points at."""

    Kind = KeyKind

    kind = models.CharField(_("kind"), max_length=8, choices=KeyKind.choices)
    key = models.CharField(_("key"), max_length=100)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"
