"""A project page links across: to its partner's archive, its source registration and its
customer (a search of the registration list, until the customer master comes) — each only for
those who may open it, so that no link leads to a 404; money and dates in the kit's formats."""

import re

import pytest

from qudao.projects.models import Project
from qudao.registrations.services import registration_close
from qudao.registrations.tests.factories import RegistrationFactory, product_line

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a href="([^"]+)" data-testid="link-(partner|customer|registration)"')


@pytest.fixture
def from_registration(world) -> Project:
    """A channel project of partner 1 in 深圳, made from its won registration."""
    registration = RegistrationFactory(
        partner=world.p1,
        customer_region=world.shenzhen,
        customer_name="深圳市跨页客户有限公司",
        status="approved",
        products=[("CLOUD", 12)],
    )
    product_line("CLOUD", "云平台")
    registration_close(actor=world.p1_user, registration=registration, outcome="won")
    return Project.objects.get(source_registration=registration)


def links_of(page: str) -> dict[str, str]:
    return {kind: url.replace("&amp;", "&") for url, kind in LINK.findall(page)}


def test_the_director_is_led_to_the_partner_registration_and_customer(
    world, as_user, from_registration
):
    client = as_user(world.hq)
    registration = from_registration.source_registration

    page = client.get(f"/projects/{from_registration.pk}/").content.decode()

    links = links_of(page)
    assert links == {
        "partner": f"/partners/{world.p1.pk}/",
        "registration": f"/registrations/{registration.pk}/",
        "customer": "/registrations/?q=%E6%B7%B1%E5%9C%B3%E5%B8%82%E8%B7%A8%E9%A1%B5%E5%AE%A2"
        "%E6%88%B7%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8",
    }
    assert registration.number in page
    # Each link opens, and the customer's search lists its registration.
    for url in links.values():
        assert client.get(url).status_code == 200
    assert registration.number in client.get(links["customer"]).content.decode()
    # The header's links are on every tab.
    stages = client.get(f"/projects/{from_registration.pk}/stages/").content.decode()
    assert links_of(stages) == links


@pytest.mark.parametrize(
    "who", ["south_manager", "channel_mgr", "p1_user", "p1_admin", "pm", "admin"]
)
def test_every_link_offered_opens_for_its_reader(world, as_user, from_registration, who):
    user = getattr(world, who)
    client = as_user(user)
    response = client.get(f"/projects/{from_registration.pk}/")
    if response.status_code == 404:  # the project is outside this user's scope
        return

    links = links_of(response.content.decode())

    for url in links.values():
        assert client.get(url).status_code == 200, (who, url)
    assert "partner" in links or user.is_partner_user is False


def test_money_and_dates_on_the_project_page_use_the_kits_formats(
    world, as_user, from_registration
):
    Project.objects.filter(pk=from_registration.pk).update(amount=23670000)

    page = as_user(world.hq).get(f"/projects/{from_registration.pk}/").content.decode()

    assert "¥23,670,000.00" in page and "23670000" not in page
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}", page)
