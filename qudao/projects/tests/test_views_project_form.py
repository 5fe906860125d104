"""The project form: creating on a process template (vendor staff and partner users), editing
with the version check (a stale page gets a clear message and changes nothing), and the refusals:
bad input, a closed project, someone without the right, someone outside the scope."""

import pytest

from qudao.core.models import AuditEntry
from qudao.core.tests.factories import UserFactory
from qudao.projects.models import ProcessTemplate, Project
from qudao.projects.tests.factories import project, template

pytestmark = pytest.mark.django_db


def in_english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def gates(world):
    return template()


def create_data(world, gates, **overrides) -> dict:
    values = {
        "template": gates.pk,
        "project_class": "",
        "name": "智慧园区一期",
        "customer_name": "深圳园区管理有限公司",
        "customer_credit_code": "",
        "region": world.shenzhen.pk,
        "partner": world.p1.pk,
        "owner": "",
        "amount": "2500000",
        "expected_close_date": "2026-10-31",
        "start_date": "",
        "end_date": "",
        "tags": "重点, 园区",
        "notes": "",
    }
    return values | overrides


def edit_data(project_obj, **overrides) -> dict:
    values = {
        "name": project_obj.name,
        "customer_name": project_obj.customer_name,
        "customer_credit_code": "",
        "amount": str(project_obj.amount),
        "expected_close_date": "",
        "start_date": "",
        "end_date": "",
        "tags": project_obj.tags,
        "notes": "",
        "version": project_obj.version,
    }
    return values | overrides


def test_a_project_manager_creates_a_project(world, as_user, gates):
    response = as_user(world.pm).post("/projects/new/", create_data(world, gates))

    created = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{created.pk}/"
    assert (created.name, created.partner, created.owner) == ("智慧园区一期", world.p1, world.pm)
    assert created.tags == "重点,园区"
    assert created.stage_code == "solution"
    assert created.template_version.template == gates


def test_the_form_offers_only_what_the_user_may_choose(world, as_user, gates):
    vendor_page = as_user(world.pm).get("/projects/new/").content.decode()
    partner_page = as_user(world.p1_user).get("/projects/new/").content.decode()

    assert 'name="partner"' in vendor_page and 'name="owner"' in vendor_page
    assert 'name="partner"' not in partner_page and 'name="owner"' not in partner_page
    assert world.p3.name in vendor_page  # a project manager may pick any partner
    assert 'value="bid"' not in partner_page  # partners open channel and presales projects


def test_a_partner_user_creates_a_project_for_its_own_partner(world, as_user, gates):
    data = create_data(world, gates, partner=world.p2.pk, owner=world.hq.pk)

    response = as_user(world.p1_user).post("/projects/new/", data)

    created = Project.objects.get()
    assert response.status_code == 302
    assert created.partner == world.p1  # the posted partner is ignored
    assert created.owner == world.channel_mgr  # the partner's channel manager owns it
    assert created.members.filter(user=world.p1_user).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "20000000000"}, "amount"),
        ({"customer_credit_code": "123"}, "customer_credit_code"),
        ({"start_date": "2026-05-01", "end_date": "2026-04-01"}, "end_date"),
        ({"template": "999999"}, "template"),
    ],
)
def test_bad_input_shows_errors_and_writes_nothing(world, as_user, gates, changes, field):
    response = in_english(as_user(world.pm)).post(
        "/projects/new/", create_data(world, gates, **changes)
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Project.objects.exists()


def test_a_template_without_a_published_version_is_refused(world, as_user, gates):
    draft_only = ProcessTemplate.objects.create(code="drafty", name="草稿", project_class="bid")

    response = as_user(world.pm).post(
        "/projects/new/", create_data(world, gates, template=draft_only.pk)
    )

    assert "template" in response.context["form"].errors
    assert not Project.objects.exists()


def test_someone_without_a_creating_role_cannot_open_the_form(world, as_user, gates):
    analyst = UserFactory(username="analyst_t", roles=["analyst"])

    assert as_user(analyst).get("/projects/new/").status_code == 403
    assert as_user(analyst).post("/projects/new/", create_data(world, gates)).status_code == 403
    assert not Project.objects.exists()


def test_a_regional_manager_cannot_create_in_another_region(world, as_user, gates):
    response = in_english(as_user(world.east_manager)).post(
        "/projects/new/", create_data(world, gates, partner="")
    )

    assert response.status_code == 200
    assert "You can create projects in your own region only." in response.content.decode()
    assert not Project.objects.exists()


def test_a_partner_outside_the_choices_is_refused(world, as_user, gates):
    response = as_user(world.other_cm).post(
        "/projects/new/", create_data(world, gates, region=world.shanghai.pk)
    )

    assert "partner" in response.context["form"].errors
    assert not Project.objects.exists()


def test_the_owner_edits_the_project(world, as_user, gates):
    running = project(actor=world.pm, region=world.shenzhen, partner=world.p1)

    response = as_user(world.pm).post(
        f"/projects/{running.pk}/edit/",
        edit_data(running, name="数据中心扩容（二期）", amount="1800000"),
    )

    assert response.status_code == 302
    running.refresh_from_db()
    assert (running.name, str(running.amount), running.version) == (
        "数据中心扩容（二期）",
        "1800000.00",
        2,
    )
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).exists()


def test_a_stale_version_gets_a_clear_message_and_changes_nothing(world, as_user, gates):
    running = project(actor=world.pm, region=world.shenzhen, partner=world.p1)
    page_version = running.version
    as_user(world.hq).post(f"/projects/{running.pk}/edit/", edit_data(running, name="HQ 改名"))

    response = in_english(as_user(world.pm)).post(
        f"/projects/{running.pk}/edit/",
        edit_data(running, name="PM 改名", version=page_version),
    )

    assert response.status_code == 200
    assert "Someone else changed this project meanwhile" in response.content.decode()
    running.refresh_from_db()
    assert running.name == "HQ 改名"


def test_bad_input_on_edit_changes_nothing(world, as_user, gates):
    running = project(actor=world.pm, region=world.shenzhen, partner=world.p1)

    response = as_user(world.pm).post(
        f"/projects/{running.pk}/edit/", edit_data(running, amount="-1")
    )

    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    running.refresh_from_db()
    assert (running.amount, running.version) == (1200000, 1)


def test_a_closed_project_cannot_be_edited(world, as_user, gates):
    running = project(actor=world.pm, region=world.shenzhen, partner=world.p1)
    Project.objects.filter(pk=running.pk).update(status=Project.Status.CLOSED)

    page = in_english(as_user(world.pm)).get(f"/projects/{running.pk}/edit/", follow=True)
    posted = as_user(world.pm).post(f"/projects/{running.pk}/edit/", edit_data(running, name="x"))

    assert "it can no longer be changed" in page.content.decode()
    assert posted.status_code == 302
    running.refresh_from_db()
    assert running.name == "数据中心扩容"
    overview = as_user(world.pm).get(f"/projects/{running.pk}/").content.decode()
    assert 'data-testid="edit-project"' not in overview


def test_edit_outside_the_scope_is_a_404_and_a_watcher_gets_403(world, as_user, gates):
    running = project(actor=world.pm, region=world.shenzhen, partner=world.p1)
    monitor = UserFactory(username="monitor_t", roles=["monitor"])

    for outsider in (world.p2_user, world.east_manager, world.other_cm):
        client = as_user(outsider)
        assert client.get(f"/projects/{running.pk}/edit/").status_code == 404
        assert client.post(f"/projects/{running.pk}/edit/", edit_data(running)).status_code == 404
    assert as_user(monitor).get(f"/projects/{running.pk}/edit/").status_code == 403
    running.refresh_from_db()
    assert running.version == 1
