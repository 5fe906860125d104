"""The role home pages through HTTP: which panels (charts) each role gets, every figure equal to
what the list it links to shows, a partner user never seeing another partner's numbers, and a
query count that does not grow with the rows."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qudao.core.tests.factories import UserFactory
from qudao.partners.services.credit import credit_application_submit
from qudao.performance.periods import Period
from qudao.performance.services import facts_rebuild, target_children_set, target_create
from qudao.projects.models import Project
from qudao.projects.tests.factories import project as make_project
from qudao.registrations.models import Registration

from .factories import registration, won_project

pytestmark = pytest.mark.django_db

APPROVED = Registration.Status.APPROVED


def approved(partner, days_left: int) -> Registration:
    made = registration(partner, status=APPROVED)
    until = timezone.localdate() + datetime.timedelta(days=days_left)
    Registration.objects.filter(pk=made.pk).update(protection_until=until)
    return made


def add_rows(world, n: int = 1) -> None:
    """Registrations and projects of every partner (more rows, same shapes)."""
    for _ in range(n):
        for partner in (world.p1, world.p2, world.p3):
            registration(partner)
            approved(partner, 12)
            won_project(partner, amount="200000")
            won_project(partner, amount="300000", status=Project.Status.ACTIVE)
    facts_rebuild()


@pytest.fixture
def channel(world):
    """Targets of the quarter (company → regions → partners), registrations with protection
    ending at various days, active and won projects of three partners, the rollups rebuilt."""
    quarter = Period.current("quarter")
    company = target_create(
        actor=world.hq,
        data={
            "unit_kind": "company",
            "metric": "won_amount",
            "period": quarter.label,
            "value": "5000000",
        },
    )
    south, east = target_children_set(
        actor=world.hq,
        parent=company,
        values={f"region:{world.south.pk}": "3000000", f"region:{world.east.pk}": "2000000"},
    )
    target_children_set(
        actor=world.hq,
        parent=south,
        values={f"partner:{world.p1.pk}": "1000000", f"partner:{world.p2.pk}": "800000"},
    )
    target_children_set(actor=world.hq, parent=east, values={f"partner:{world.p3.pk}": "900000"})
    world.p1_soon = approved(world.p1, 3)
    world.p1_later = approved(world.p1, 25)
    world.p1_far = approved(world.p1, 45)  # beyond 30 days
    world.p1_past = approved(world.p1, -2)  # protection already over
    world.p2_soon = approved(world.p2, 10)
    world.p3_soon = approved(world.p3, 5)  # the other channel manager's partner
    registration(world.p1)
    registration(world.p1, status=Registration.Status.DRAFT)
    registration(world.p2)
    won_project(world.p1, amount="400000")
    won_project(world.p3, amount="700000")
    won_project(world.p1, amount="1500000", status=Project.Status.ACTIVE)
    won_project(world.p2, amount="600000", status=Project.Status.ACTIVE)
    won_project(world.p3, amount="900000", status=Project.Status.ACTIVE)
    facts_rebuild()
    return world


def charts(response) -> dict[str, dict]:
    """The home page's chart payloads by panel key."""
    html = response.content.decode()
    return {
        match[1]: json.loads(match[2])
        for match in re.finditer(
            r'<script id="home-chart-([\w-]+)" type="application/json">(.*?)</script>', html, re.S
        )
        if match[1] != "labels"
    }


def home(client) -> tuple[object, dict[str, dict]]:
    response = client.get("/")
    assert response.status_code == 200
    return response, charts(response)


def listed(client, url: str, row: str) -> list[str]:
    """The rows (data-testid=`row`) of the list at `url` (one page: the tests' lists are short)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return re.findall(rf'<tr data-testid="{row}"[^>]*>', response.content.decode())


def project_rows(client, url: str) -> tuple[int, Decimal]:
    """How many projects the list at `url` shows, and their total amount (one page)."""
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["page"]
    assert page.paginator.count == len(page.object_list)  # all on one page
    return len(page.object_list), sum((p.amount for p in page.object_list), Decimal(0))


PANELS = {
    "hq": {"attainment", "pipeline-stage", "registrations-quarter"},
    "south_manager": {"attainment", "pipeline-stage", "registrations-quarter"},
    "channel_mgr": {
        "attainment",
        "pipeline-stage",
        "partner-pipeline",
        "registrations-quarter",
        "protection-clocks",
    },
    "pm": {"my-projects"},
    "p1_user": {"registration-status", "attainment", "pipeline-stage", "protection-clocks"},
    "p1_admin": {"registration-status", "attainment", "pipeline-stage", "protection-clocks"},
}


@pytest.mark.parametrize("role", sorted(PANELS))
def test_each_role_gets_its_own_panels_and_keeps_its_to_do_list(channel, as_user, role):
    response, found = home(as_user(getattr(channel, role)))

    assert set(found) == PANELS[role]
    html = response.content.decode()
    assert 'data-testid="awaiting-count"' in html  # the to-do list is kept
    assert "vendor/echarts/echarts.min.js" in html and "js/home.js" in html


def test_finance_sees_credit_applications_waiting_as_the_credit_list_does(channel, as_user):
    finance = UserFactory(username="finance_t", roles=["finance"])
    for partner, kind in ((channel.p1, "normal"), (channel.p2, "normal"), (channel.p3, "normal")):
        credit_application_submit(
            actor=channel.channel_mgr if partner != channel.p3 else channel.other_cm,
            partner=partner,
            data={"kind": kind, "amount": Decimal("500000"), "reason": "年度业务增长"},
        )
    client = as_user(finance)

    _response, found = home(client)

    assert set(found) == {"credit-waiting", "rebates-waiting"}
    [normal] = found["credit-waiting"]["items"]
    listed_page = client.get(normal["url"]).content.decode()
    assert normal["value"] == 3 == len(set(re.findall(r"/partners/credit/(\d+)/", listed_page)))


def test_the_director_compares_each_regions_target_with_its_won_amount(channel, as_user):
    _response, found = home(as_user(channel.hq))

    chart = found["attainment"]
    assert chart["kind"] == "compare" and chart["unit"] == "wan"
    by_region = {item["label"]: (item["value2"], item["value"]) for item in chart["items"]}
    assert by_region == {"华南": (3000000, 400000), "华东": (2000000, 700000)}
    assert all(item["url"].startswith("/performance/targets/") for item in chart["items"])


def test_pipeline_bars_equal_the_project_lists_they_open(channel, as_user):
    for user, expected in ((channel.hq, 3), (channel.south_manager, 2), (channel.p1_user, 1)):
        client = as_user(user)
        _response, found = home(client)
        items = found["pipeline-stage"]["items"]
        assert sum(item["count"] for item in items) == expected, user
        for item in items:
            count, amount = project_rows(client, item["url"])
            assert (count, amount) == (item["count"], Decimal(str(item["value"]))), item


def test_the_regional_managers_pipeline_is_its_regions_partners_only(channel, as_user):
    _response, found = home(as_user(channel.south_manager))

    [stage] = found["pipeline-stage"]["items"]
    assert stage["value"] == 2100000  # p1's 1,500,000 and p2's 600,000, not p3's (east)
    assert f"partner_region={channel.south.pk}" in stage["url"] and "partnered=1" in stage["url"]
    [target] = found["attainment"]["items"]
    assert target["label"] == "华南"


def test_the_channel_managers_expiring_protections_equal_the_linked_list(channel, as_user):
    client = as_user(channel.channel_mgr)
    response, found = home(client)

    clocks = found["protection-clocks"]
    numbers = [item["number"] for item in clocks["items"]]
    assert numbers == [channel.p1_soon.number, channel.p2_soon.number, channel.p1_later.number]
    assert [item["value"] for item in clocks["items"]] == [3, 10, 25]  # soonest first, days left
    total = re.search(
        r'<a href="([^"]+)" data-testid="clocks-total" data-count="(\d+)">',
        response.content.decode(),
    )
    url = total[1].replace("&amp;", "&")
    rows = listed(client, url, "registration-row")
    assert len(rows) == int(total[2]) == 3
    # the list's filter form keeps the window when the user filters further
    assert 'name="expires_within" value="30"' in client.get(url).content.decode()
    # the other channel manager's partner's registration is not counted
    assert channel.p3_soon.number not in response.content.decode()


def test_the_channel_managers_partner_pipeline_bars_equal_the_project_lists(channel, as_user):
    client = as_user(channel.channel_mgr)
    _response, found = home(client)

    items = found["partner-pipeline"]["items"]
    assert [item["label"] for item in items] == [channel.p1.name, channel.p2.name]
    for item in items:
        assert project_rows(client, item["url"]) == (item["count"], Decimal(str(item["value"])))


def test_a_partner_users_figures_are_its_own_and_equal_its_lists(channel, as_user):
    client = as_user(channel.p1_user)
    response, found = home(client)

    statuses = found["registration-status"]["items"]
    assert {item["key"]: item["value"] for item in statuses} == {
        "draft": 1,
        "submitted": 1,
        "approved": 4,
    }
    for item in statuses:
        assert len(listed(client, item["url"], "registration-row")) == item["value"], item
    clocks = found["protection-clocks"]["items"]
    assert [item["number"] for item in clocks] == [
        channel.p1_soon.number,
        channel.p1_later.number,
    ]
    [target] = [i for i in found["attainment"]["items"] if i["label"] == channel.p1.name]
    assert (target["value2"], target["value"]) == (1000000, 400000)
    html = response.content.decode()
    for other in (channel.p2, channel.p3):
        assert other.name not in html
    for number in (channel.p2_soon.number, channel.p3_soon.number):
        assert number not in html
    assert {i["label"] for i in found["attainment"]["items"]} <= {channel.p1.name} | {
        str(u) for u in (channel.p1_user, channel.p1_admin)
    }


def test_a_project_managers_projects_by_stage_and_overdue_equal_the_project_list(channel, as_user):
    pm = channel.pm
    for amount, close_in in (("100000", -10), ("200000", 5), ("300000", 60)):
        made = make_project(actor=pm, region=channel.shenzhen, amount=amount)
        Project.objects.filter(pk=made.pk).update(
            expected_close_date=timezone.localdate() + datetime.timedelta(days=close_in)
        )
    client = as_user(pm)
    response, found = home(client)

    [stage] = found["my-projects"]["items"]
    assert stage["value"] == 3
    assert len(listed(client, stage["url"], "project-row")) == 3
    html = response.content.decode()
    for testid, expected in (("projects-overdue", 1), ("projects-closing-soon", 1)):
        url = re.search(rf'<a href="([^"]+)"[^>]*data-testid="{testid}"', html)[1]
        assert len(listed(client, url.replace("&amp;", "&"), "project-row")) == expected


# The most queries each role's home may take (session, user, roles, navigation, cards,
# inbox, notifications and the panels); the same whatever the number of rows.
MAX_QUERIES = {
    "hq": 18,
    "south_manager": 20,
    "channel_mgr": 20,
    "pm": 12,
    "p1_user": 17,
}


@pytest.mark.parametrize("role", sorted(MAX_QUERIES))
def test_a_roles_home_takes_as_many_queries_with_more_rows(
    channel, as_user, django_assert_max_num_queries, role
):
    client = as_user(getattr(channel, role))
    client.get("/")
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    add_rows(channel, 2)

    with django_assert_max_num_queries(MAX_QUERIES[role]) as after:
        home(client)

    assert len(after.captured_queries) == len(before.captured_queries), role


def test_with_many_protections_ending_the_ten_soonest_show_and_the_count_equals_the_list(
    channel, as_user
):
    for _ in range(11):
        approved(channel.p1, 2)
    client = as_user(channel.p1_user)
    response, found = home(client)

    days = [item["value"] for item in found["protection-clocks"]["items"]]
    assert days == [2] * 10  # p1_soon (3 days) is the 12th
    total = re.search(
        r'<a href="([^"]+)" data-testid="clocks-total" data-count="(\d+)">',
        response.content.decode(),
    )
    rows = listed(client, total[1].replace("&amp;", "&"), "registration-row")
    assert len(rows) == int(total[2]) == 13  # 11, p1_soon and p1_later
