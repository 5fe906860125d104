import factory
from factory.django import DjangoModelFactory

from qudao.core.models import Department, Region, Role, User

PASSWORD = "Test-pass-2026"


def role(code: str) -> Role:
    # get_or_create: transactional tests flush the roles that the data migration created.
    return Role.objects.get_or_create(code=code)[0]


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"R{n:03d}")
    name = factory.Sequence(lambda n: f"大区{n}")
    kind = Region.Kind.REGION


class OfficeFactory(RegionFactory):
    code = factory.Sequence(lambda n: f"O{n:03d}")
    name = factory.Sequence(lambda n: f"办事处{n}")
    kind = Region.Kind.OFFICE
    parent = factory.SubFactory(RegionFactory)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"部门{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "测"
    first_name = factory.Sequence(lambda n: f"试{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    mobile = factory.Sequence(lambda n: f"137{n:08d}")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set([role(code) for code in extracted])
