import factory
from factory.django import DjangoModelFactory

from qudao.core.tests.factories import OfficeFactory, UserFactory
from qudao.partners.models import Partner


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    code = factory.Sequence(lambda n: f"P-T-{n:04d}")
    name = factory.Sequence(lambda n: f"测试伙伴{n}有限公司")
    region = factory.SubFactory(OfficeFactory)
    status = Partner.Status.ACTIVE
    tier = Partner.Tier.SILVER
    owner = factory.SubFactory(UserFactory, roles=["channel_manager"])
