"""Product lines (产品线): what agreements cover, registrations list and performance is cut by."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductLine(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
