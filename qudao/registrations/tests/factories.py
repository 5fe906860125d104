import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from qudao.catalog.models import ProductLine
from qudao.core.numbering import next_number
from qudao.core.tests.factories import OfficeFactory, UserFactory
from qudao.partners.tests.factories import PartnerFactory
from qudao.registrations.models import Registration, RegistrationProduct
from qudao.registrations.services import registration_keys_refresh


def product_line(code: str, name: str | None = None) -> ProductLine:
    # get_or_create: transactional tests flush the product lines the data migration created.
    return ProductLine.objects.get_or_create(code=code, defaults={"name": name or code})[0]


class RegistrationFactory(DjangoModelFactory):
    """A submitted registration, indexed for conflict checks (pass status="draft" for a draft)."""

    class Meta:
        model = Registration
        skip_postgeneration_save = True

    number = factory.LazyFunction(lambda: next_number("BB"))
    partner = factory.SubFactory(PartnerFactory)
    created_by = factory.SubFactory(
        UserFactory,
        roles=["partner_sales"],
        partner=factory.SelfAttribute("..partner"),
    )
    customer_name = factory.Sequence(lambda n: f"测试客户{n}有限公司")
    customer_region = factory.SubFactory(OfficeFactory)
    customer_city = "深圳"
    project_name = factory.Sequence(lambda n: f"数据中心扩容项目{n}期")
    industry = "制造业"
    estimated_amount = Decimal("1200000.00")
    expected_close_date = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=90)
    )
    stage = Registration.Stage.QUALIFIED
    status = Registration.Status.SUBMITTED
    submitted_at = factory.LazyAttribute(
        lambda r: timezone.now() if r.status != Registration.Status.DRAFT else None
    )

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        """products=[("SW", 10), …]: product-line codes and quantities."""
        if create and extracted:
            for code, quantity in extracted:
                RegistrationProductFactory(
                    registration=self, product_line=product_line(code), quantity=quantity
                )

    @factory.post_generation
    def index(self, create, extracted, **kwargs):
        if create and extracted is not False:
            registration_keys_refresh(self)


class RegistrationProductFactory(DjangoModelFactory):
    class Meta:
        model = RegistrationProduct

    registration = factory.SubFactory(RegistrationFactory)
    product_line = factory.LazyFunction(lambda: product_line("SW", "软件"))
    description = ""
    quantity = 1
