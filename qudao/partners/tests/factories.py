import factory
from factory.django import DjangoModelFactory

from qudao.core.tests.factories import OfficeFactory, UserFactory
from qudao.partners.models import Partner, Tier

TIERS = {
    "gold": ("金牌", 30),
    "silver": ("银牌", 20),
    "certified": ("认证", 10),
    "registered": ("注册", 0),
}


def tier(code: str) -> Tier:
    # get_or_create: transactional tests flush the tiers that the data migration created.
    name, rank = TIERS.get(code, (code, 0))
    return Tier.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})[0]


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    code = factory.Sequence(lambda n: f"P-T-{n:04d}")
    name = factory.Sequence(lambda n: f"测试伙伴{n}有限公司")
    region = factory.SubFactory(OfficeFactory)
    status = Partner.Status.ACTIVE
    tier = factory.LazyFunction(lambda: tier("silver"))
    owner = factory.SubFactory(UserFactory, roles=["channel_manager"])
