"""The vendor's open projects in the deal-registration conflict check: the projects'
customer-key index kept current by the project services, the `conflict_sources` entry that finds
candidates through it only, what it leaves out (closed outcomes, the registration's own project,
the registering partner's projects), and that partner users learn only the level."""

import datetime
import importlib
import json
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qudao.core import hooks
from qudao.customers.matching import Deal, Level
from qudao.demo.partners import credit_code_for
from qudao.partners.tests.factories import PartnerFactory
from qudao.projects import services
from qudao.projects.models import Project, ProjectCustomerKey
from qudao.projects.services import closing
from qudao.projects.services.conflicts import project_conflicts
from qudao.projects.tests.factories import project, template
from qudao.registrations.models import Registration
from qudao.registrations.services import (
    registration_close,
    registration_conflict_preview,
    registration_vendor_conflicts,
)
from qudao.registrations.tests.factories import RegistrationFactory, product_line

pytestmark = pytest.mark.django_db

DIRECT_CUSTOMER = "深圳市腾云智能科技有限公司"
REGISTERED_CUSTOMER = "腾云智能科技（深圳）有限公司"
PROJECT_NAME = "腾云总部数据中心扩容"
API = "/api/v1/registrations"


@pytest.fixture
def gates(world):
    return template()


@pytest.fixture
def direct(world, gates) -> Project:
    """The vendor's own (direct, no partner) open project for 腾云 in 深圳."""
    return project(
        actor=world.pm, region=world.shenzhen, name=PROJECT_NAME, customer_name=DIRECT_CUSTOMER
    )


def registration(world, partner=None, **values) -> Registration:
    return RegistrationFactory(
        partner=partner or world.p2,
        customer_name=values.pop("customer_name", REGISTERED_CUSTOMER),
        customer_region=world.shenzhen,
        project_name="园区 Wi-Fi 6 升级",
        **values,
    )


def hits(reg: Registration) -> list[str]:
    """The codes of the projects the check finds for `reg`."""
    return [hit.reference for hit in registration_vendor_conflicts(registration=reg)]


# --- the source --------------------------------------------------------------------------------


def test_the_projects_source_is_registered_once():
    assert hooks.conflict_sources().count(project_conflicts) == 1


def test_a_registration_finds_the_open_direct_project_of_its_customer_with_reasons(world, direct):
    # Given the vendor's direct project for 深圳市腾云智能科技有限公司
    # When partner 2 registers 腾云智能科技（深圳）有限公司 in 深圳
    reg = registration(world)
    found = registration_vendor_conflicts(registration=reg)

    # Then the project is found, as certain, with the reasons and a link for staff
    assert len(found) == 1
    hit = found[0]
    assert (hit.source, hit.reference, hit.url) == (
        "project",
        direct.code,
        f"/projects/{direct.pk}/",
    )
    assert PROJECT_NAME in hit.title and DIRECT_CUSTOMER in hit.title
    assert hit.level == Level.CERTAIN
    codes = {reason.code for reason in hit.match.reasons}
    assert {"name_normalised", "region"} <= codes
    assert any("深圳" in str(reason) for reason in hit.match.reasons)


def test_an_unrelated_customer_finds_nothing(world, direct):
    assert hits(registration(world, customer_name="杭州海康威视数字技术股份有限公司")) == []
    assert hits(registration(world, customer_name="深圳市和讯华谷信息技术有限公司")) == []


def test_the_credit_code_alone_finds_the_project(world, direct):
    code = credit_code_for("tengyun", "440300")
    services.project_update(actor=world.pm, project=direct, data={"customer_credit_code": code})

    reg = registration(world, customer_name="某某智能（深圳）有限公司", customer_credit_code=code)

    found = registration_vendor_conflicts(registration=reg)
    assert [hit.reference for hit in found] == [direct.code]
    assert found[0].level == Level.CERTAIN
    assert [reason.code for reason in found[0].match.reasons] == ["credit_code"]


def test_lost_won_and_closed_projects_are_not_found(world, direct):
    reg = registration(world)
    lost = project(actor=world.pm, region=world.shenzhen, customer_name=DIRECT_CUSTOMER)
    won = project(actor=world.pm, region=world.shenzhen, customer_name=DIRECT_CUSTOMER)
    assert set(hits(reg)) == {direct.code, lost.code, won.code}

    closing.project_lose(actor=world.pm, project=lost, reason="客户选择了友商")
    closing.project_win(actor=world.pm, project=won)
    assert hits(reg) == [direct.code]
    closing.project_close(actor=world.pm, project=won)

    assert hits(reg) == [direct.code]
    assert not ProjectCustomerKey.objects.filter(project__in=[lost, won]).exists()


def test_keys_follow_the_status_a_suspended_project_is_still_open(world, direct):
    reg = registration(world)

    suspended = closing.project_suspend(actor=world.pm, project=direct, reason="客户预算冻结")
    assert hits(reg) == [direct.code]  # on hold, still the vendor's claim

    closing.project_resume(actor=world.pm, project=suspended)
    assert hits(reg) == [direct.code]

    closing.project_lose(actor=world.pm, project=direct, reason="项目取消")
    assert hits(reg) == []


def test_keys_follow_a_change_of_the_customer_name(world, direct):
    reg = registration(world)
    other = registration(world, customer_name="广州白云国际机场股份有限公司")
    assert hits(reg) == [direct.code] and hits(other) == []

    services.project_update(
        actor=world.pm, project=direct, data={"customer_name": "白云国际机场（广州）"}
    )

    assert hits(reg) == []
    assert hits(other) == [direct.code]
    names = set(direct.customer_keys.filter(kind="name").values_list("key", flat=True))
    assert names == {"白云国际机场", "白云"}


def test_a_change_of_other_fields_keeps_the_keys(world, direct):
    before = list(direct.customer_keys.order_by("pk").values_list("pk", "kind", "key"))

    services.project_update(actor=world.pm, project=direct, data={"notes": "客户更换了对接人"})

    assert list(direct.customer_keys.order_by("pk").values_list("pk", "kind", "key")) == before


def test_bad_input_changes_neither_the_project_nor_its_keys(world, direct):
    before = set(direct.customer_keys.values_list("kind", "key"))

    with pytest.raises(Exception):  # noqa: B017 - the service's ValidationError
        services.project_update(
            actor=world.pm, project=direct, data={"customer_name": "", "amount": "-1"}
        )

    assert set(direct.customer_keys.values_list("kind", "key")) == before
    assert Project.objects.get(pk=direct.pk).customer_name == DIRECT_CUSTOMER


# --- what is not a channel conflict -------------------------------------------------------------


def test_the_registrations_own_project_and_its_partners_projects_are_not_found(world, gates):
    # Given partner 1's approved registration, won: it becomes partner 1's project
    product_line("CLOUD", "云平台")
    own = registration(world, partner=world.p1, status="approved", products=[("CLOUD", 4)])
    registration_close(actor=world.p1_user, registration=own, outcome="won")
    from_registration = Project.objects.get(source_registration=own)
    assert from_registration.customer_keys.exists()  # an open project, indexed
    # and a project partner 1 opened itself for the same customer
    opened = project(actor=world.p1_user, region=world.shenzhen, customer_name=DIRECT_CUSTOMER)
    assert opened.partner == world.p1

    # When partner 1 checks that registration or a new one for the same customer
    again = registration(world, partner=world.p1)

    # Then neither project is a conflict: they are partner 1's own
    assert hits(own) == []
    assert hits(again) == []
    # while partner 2 registering the customer finds both (another partner's projects)
    assert set(hits(registration(world))) == {from_registration.code, opened.code}


def test_the_project_of_the_registration_itself_is_left_out_even_under_another_partner(
    world, gates
):
    # A project can only come from a registration of its own partner; should the data ever
    # say otherwise (a partner merge), the registration still never conflicts with it.
    own = registration(world, partner=world.p1, status="approved")
    made = project(actor=world.pm, region=world.shenzhen, customer_name=DIRECT_CUSTOMER)
    Project.objects.filter(pk=made.pk).update(source_registration=own)

    assert hits(own) == []
    assert hits(registration(world, partner=world.p1)) == [made.code]


def test_the_live_hint_checks_projects_before_the_registration_is_saved(world, direct):
    data = {"customer_name": REGISTERED_CUSTOMER, "customer_region": world.shenzhen.pk}

    found = registration_conflict_preview(actor=world.p2_user, data=data)

    assert [hit.reference for hit in found if hit.source == "project"] == [direct.code]
    # a partner's own project is no hint for that partner
    mine = project(actor=world.p1_user, region=world.shenzhen, customer_name="广州塔旅游文化")
    data["customer_name"] = "广州塔旅游文化发展股份有限公司"
    assert registration_conflict_preview(actor=world.p1_user, data=data) == []
    assert [h.reference for h in registration_conflict_preview(actor=world.p2_user, data=data)] == [
        mine.code
    ]


# --- bounded -----------------------------------------------------------------------------------


def _check_queries(reg: Registration) -> int:
    deal = Deal(customer_name=reg.customer_name, region_id=reg.customer_region_id)
    with CaptureQueriesContext(connection) as queries:
        project_conflicts(reg, deal)
    return len(queries)


def test_the_query_count_of_a_check_does_not_grow_with_the_projects(world, direct):
    reg = registration(world)
    project(actor=world.pm, region=world.shenzhen, customer_name="深圳市腾云智能科技有限公司")
    few = _check_queries(reg)

    for number in range(12):
        project(
            actor=world.pm,
            region=world.shenzhen,
            customer_name=f"深圳市腾云智能科技第{number}分公司",
        )
        project(actor=world.pm, region=world.shenzhen, customer_name=f"无关客户{number}有限公司")

    assert few == 2  # the candidates (the grouped key lookup), then their rows
    assert _check_queries(reg) == few
    assert len(hits(reg)) >= 14


def test_a_name_without_keys_costs_no_query(world, direct):
    reg = registration(world, customer_name="（深圳）")  # nothing left to index
    assert _check_queries(reg) == 0


# --- what partners see ---------------------------------------------------------------------------


def test_a_partner_sees_only_the_level_staff_see_the_project(world, direct, as_api, as_user):
    p2, cm = as_api(world.p2_user), as_api(world.channel_mgr)
    reg = registration(world)
    leaks = (direct.code, PROJECT_NAME, DIRECT_CUSTOMER, f"/projects/{direct.pk}/")

    # The partner is told a certain conflict, and nothing of the project
    response = p2.get(f"{API}/{reg.pk}/conflicts")
    assert response.status_code == 200
    assert response.json()["level"] == "certain"
    assert response.json()["vendor"] == [] and response.json()["candidates"] == []
    check = p2.post(
        f"{API}/check",
        json.dumps({"customer_name": REGISTERED_CUSTOMER, "customer_region_id": world.shenzhen.pk}),
        content_type="application/json",
    )
    assert check.json() == {"level": "certain", "count": 1}
    page = as_user(world.p2_user).get(f"/registrations/{reg.pk}/")
    assert page.status_code == 200
    for leak in leaks:
        assert leak not in response.content.decode()
        assert leak not in check.content.decode()
        assert leak not in page.content.decode()

    # The channel manager deciding the registration sees the project and the reasons; the link
    # only goes to those who may open the project (a direct project: not its partners' manager)
    seen = cm.get(f"{API}/{reg.pk}/conflicts").json()
    assert [(v["source"], v["reference"], v["url"]) for v in seen["vendor"]] == [
        ("project", direct.code, "")
    ]
    assert seen["vendor"][0]["reasons"]
    regional = as_api(world.south_manager).get(f"{API}/{reg.pk}/conflicts").json()
    assert [v["url"] for v in regional["vendor"]] == [f"/projects/{direct.pk}/"]
    staff_page = as_user(world.channel_mgr).get(f"/registrations/{reg.pk}/").content.decode()
    assert direct.code in staff_page and PROJECT_NAME in staff_page


def test_partner_2_cannot_read_partner_1s_registration_conflicts(world, direct, as_api):
    reg = registration(world, partner=world.p1)
    assert as_api(world.p2_user).get(f"{API}/{reg.pk}/conflicts").status_code == 404


def test_submitting_stores_the_project_conflict_for_the_review_queue(
    world, direct, as_api, as_user
):
    p2 = as_api(world.p2_user)
    created = p2.post(
        API,
        json.dumps(
            {
                "customer_name": REGISTERED_CUSTOMER,
                "customer_region_id": world.shenzhen.pk,
                "customer_city": "深圳",
                "project_name": "园区 Wi-Fi 6 升级",
                "products": [{"product_line_id": product_line("NET", "网络").pk, "quantity": 5}],
                "estimated_amount": "2500000",
                "expected_close_date": str(timezone.localdate() + datetime.timedelta(days=60)),
                "stage": "qualified",
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["registration"]["id"]
    submitted = p2.post(f"{API}/{pk}/submit")
    assert submitted.status_code == 200
    assert submitted.json()["conflict"]["level"] == "certain"
    assert direct.code not in submitted.content.decode()

    from qudao.core.models import ApprovalRequest

    approval = ApprovalRequest.objects.get(object_id=str(pk))
    assert approval.payload["vendor_conflicts"] == [
        {"source": "project", "reference": direct.code, "level": "certain"}
    ]
    number = Registration.objects.get(pk=pk).number
    queue = as_user(world.channel_mgr).get("/registrations/review/").content.decode()
    assert f'data-number="{number}" data-level="certain"' in queue


# --- the data migration ------------------------------------------------------------------------


def test_the_migration_indexes_the_open_projects_in_batches(world, direct, monkeypatch):
    migration = importlib.import_module("qudao.projects.migrations.0006_project_customer_keys")
    partner_project = project(
        actor=world.pm, region=world.shenzhen, partner=world.p1, customer_name="广州地铁集团"
    )
    lost = project(actor=world.pm, region=world.shenzhen, customer_name="深圳地铁集团")
    closing.project_lose(actor=world.pm, project=lost, reason="取消")
    for number in range(3):
        project(actor=world.pm, region=world.shenzhen, customer_name=f"测试客户{number}")
    expected = sorted(
        ProjectCustomerKey.objects.values_list("project_id", "partner_id", "kind", "key")
    )
    ProjectCustomerKey.objects.all().delete()

    monkeypatch.setattr(migration, "BATCH", 2)  # several batches for six projects
    # The function uses only the editor's connection (SQLite refuses a real schema editor
    # inside the test's transaction).
    migration.index_open_projects(global_apps, SimpleNamespace(connection=connection))

    rows = sorted(ProjectCustomerKey.objects.values_list("project_id", "partner_id", "kind", "key"))
    assert rows == expected
    assert {row[0] for row in rows} >= {direct.pk, partner_project.pk}
    assert lost.pk not in {row[0] for row in rows}
    assert (partner_project.pk, world.p1.pk, "name", "广州地铁") in rows


def test_a_new_partner_does_not_see_projects_of_an_unrelated_partner_as_its_own(world, direct):
    # A project of another partner (partner 3) is a conflict for partner 2 like a direct one.
    other = PartnerFactory(code="P-OTHER", region=world.shenzhen, owner=world.channel_mgr)
    theirs = project(
        actor=world.pm, region=world.shenzhen, partner=other, customer_name=DIRECT_CUSTOMER
    )
    assert set(hits(registration(world))) == {direct.code, theirs.code}
