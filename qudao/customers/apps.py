from django.utils.translation import gettext_lazy as _

from qudao.core.apps import QudaoAppConfig


class CustomersConfig(QudaoAppConfig):
    name = "qudao.customers"
    label = "customers"
    verbose_name = _("Customers")
