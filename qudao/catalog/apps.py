from django.utils.translation import gettext_lazy as _

from qudao.core.apps import QudaoAppConfig


class CatalogConfig(QudaoAppConfig):
    name = "qudao.catalog"
    label = "catalog"
    verbose_name = _("Catalog")
