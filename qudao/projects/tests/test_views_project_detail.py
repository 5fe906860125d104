"""The project detail tabs: the frame (header and tab bar), overview with team and owner change,
history, and the scopes of every tab (partner 2 and another region's manager get a 404), with
query counts that do not grow with the team or the history."""

import pytest

from qudao.core import hooks
from qudao.core.models import Notification
from qudao.core.tests.factories import UserFactory
from qudao.projects import services
from qudao.projects.models import Project, ProjectMember
from qudao.projects.tests.factories import project, template
from qudao.projects.views.tabs import project_context, tabs_for

pytestmark = pytest.mark.django_db

TABS = ["", "stages/", "documents/", "history/"]


def in_english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def running(world):
    template()
    return project(actor=world.pm, region=world.shenzhen, partner=world.p1)


def test_every_tab_shows_the_project_header_and_the_tab_bar(world, as_user, running):
    client = as_user(world.pm)

    for tab in TABS:
        content = client.get(f"/projects/{running.pk}/{tab}").content.decode()
        assert 'data-testid="project-header"' in content
        assert running.code in content and "深圳一号科技有限公司" in content
        for key in ("overview", "stages", "documents", "history"):
            assert f'data-testid="tab-{key}"' in content
        tab_bar = content[content.index('data-testid="project-tabs"') :]
        assert tab_bar[: tab_bar.index("</ul>")].count('aria-current="page"') == 1


@pytest.mark.parametrize("tab", TABS)
def test_tabs_are_404_outside_the_scope(world, as_user, running, tab):
    for outsider in (world.p2_user, world.east_manager, world.other_cm):
        assert as_user(outsider).get(f"/projects/{running.pk}/{tab}").status_code == 404
    for insider in (world.p1_user, world.south_manager, world.channel_mgr, world.hq):
        assert as_user(insider).get(f"/projects/{running.pk}/{tab}").status_code == 200


def test_a_missing_project_is_a_404(world, as_user, running):
    assert as_user(world.hq).get("/projects/999999/").status_code == 404


def test_the_tab_registry_hides_vendor_tabs_from_partner_users(world, running, rf, monkeypatch):
    tab = hooks.Tab("zz-vendor-only", "Vendor only", "projects:project-history", 999, False)
    monkeypatch.setitem(hooks._tabs["project"], tab.key, tab)
    vendor = [tab["key"] for tab in tabs_for(world.pm, running, "stages")]
    partner = [tab["key"] for tab in tabs_for(world.p1_user, running, "stages")]
    request = rf.get("/")
    request.user = world.pm
    context = project_context(request, running, "stages")
    assert vendor[:3] == ["overview", "stages", "documents"] and "zz-vendor-only" in vendor
    assert "zz-vendor-only" not in partner
    assert context["project"] == running
    assert [tab["key"] for tab in context["tabs"] if tab["active"]] == ["stages"]
    assert context["tabs"][0]["url"] == f"/projects/{running.pk}/"


def test_the_overview_shows_fields_team_and_the_stage_bar(world, as_user, running):
    content = as_user(world.p1_user).get(f"/projects/{running.pk}/").content.decode()

    assert "深圳市测试客户有限公司" in content
    assert content.count('data-testid="stage-bar-item"') == 4
    assert 'data-status="active"' in content
    assert world.pm.display_name in content
    # A partner user changes the project but not its owner.
    assert 'data-testid="member-form"' in content
    assert 'data-testid="owner-form"' not in content


def test_the_team_is_changed_from_the_overview(world, as_user, running):
    engineer = UserFactory(username="eng_t", roles=["presales"], region=world.shenzhen)
    client = as_user(world.pm)

    response = client.post(
        f"/projects/{running.pk}/team/add/", {"user": engineer.pk, "role": "presales"}
    )

    assert response.status_code == 302
    member = running.members.get(user=engineer)
    assert member.role == "presales"
    client.post(f"/projects/{running.pk}/team/{member.pk}/remove/")
    assert not running.members.filter(user=engineer).exists()


def test_a_bad_team_change_shows_the_error_and_writes_nothing(world, as_user, running):
    client = in_english(as_user(world.pm))

    other_partner = client.post(
        f"/projects/{running.pk}/team/add/", {"user": world.p2_user.pk, "role": "partner_sales"}
    )
    wrong_role = client.post(
        f"/projects/{running.pk}/team/add/",
        {"user": world.channel_mgr.pk, "role": "partner_engineer"},
    )

    assert "user" in other_partner.context["member_form"].errors
    assert "This role is for partner users." in wrong_role.content.decode()
    assert running.members.count() == 1


def test_the_owner_cannot_be_removed_from_the_team(world, as_user, running):
    owner_row = running.members.get(user=world.pm, role=ProjectMember.Role.MANAGER)

    response = in_english(as_user(world.pm)).post(
        f"/projects/{running.pk}/team/{owner_row.pk}/remove/", follow=True
    )

    assert "The owner stays on the team" in response.content.decode()
    assert running.members.filter(pk=owner_row.pk).exists()


def test_partner_2_cannot_touch_the_team(world, as_user, running):
    client = as_user(world.p2_user)

    assert (
        client.post(
            f"/projects/{running.pk}/team/add/", {"user": world.p2_user.pk, "role": "member"}
        ).status_code
        == 404
    )
    owner_row = running.members.get(user=world.pm)
    assert client.post(f"/projects/{running.pk}/team/{owner_row.pk}/remove/").status_code == 404
    assert running.members.count() == 1


def test_the_regional_manager_changes_the_owner(
    world, as_user, running, django_capture_on_commit_callbacks
):
    content = as_user(world.south_manager).get(f"/projects/{running.pk}/").content.decode()
    assert 'data-testid="owner-form"' in content

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.south_manager).post(
            f"/projects/{running.pk}/owner/",
            {"owner": world.channel_mgr.pk, "reason": "人员调整", "version": running.version},
        )

    assert response.status_code == 302
    running.refresh_from_db()
    assert running.owner == world.channel_mgr
    assert Notification.objects.filter(recipient=world.pm).exists()


def test_changing_the_owner_without_the_right_changes_nothing(world, as_user, running):
    page = as_user(world.pm).get(f"/projects/{running.pk}/").content.decode()
    response = in_english(as_user(world.pm)).post(
        f"/projects/{running.pk}/owner/",
        {"owner": world.channel_mgr.pk, "reason": "想换", "version": running.version},
    )

    assert 'data-testid="owner-form"' not in page
    assert "You are not allowed to change the owner" in response.content.decode()
    running.refresh_from_db()
    assert running.owner == world.pm


def test_an_owner_change_without_a_reason_or_on_a_stale_page_changes_nothing(
    world, as_user, running
):
    client = in_english(as_user(world.south_manager))

    no_reason = client.post(
        f"/projects/{running.pk}/owner/",
        {"owner": world.channel_mgr.pk, "reason": "", "version": running.version},
    )
    stale = client.post(
        f"/projects/{running.pk}/owner/",
        {"owner": world.channel_mgr.pk, "reason": "调整", "version": running.version + 5},
    )

    assert "reason" in no_reason.context["owner_form"].errors
    assert "Someone else changed this project meanwhile" in stale.content.decode()
    running.refresh_from_db()
    assert running.owner == world.pm


def test_history_lists_transitions_and_changes(world, as_user, running):
    services.project_update(actor=world.pm, project=running, data={"name": "新名字"})

    content = in_english(as_user(world.p1_user)).get(f"/projects/{running.pk}/history/")

    text = content.content.decode()
    assert text.count('data-testid="transition"') == 1
    assert 'data-action="start"' in text
    assert "新名字" in text


@pytest.mark.parametrize("count", [3, 30])
def test_overview_and_history_query_counts_do_not_grow(
    world, as_user, django_assert_max_num_queries, running, count
):
    for index in range(count):
        member = UserFactory(username=f"member{index}", roles=["presales"])
        services.project_member_add(actor=world.hq, project=running, user=member, role="member")
        services.project_update(actor=world.pm, project=running, data={"notes": f"第{index}次"})
    for user in (world.pm, world.p1_user):
        client = as_user(user)
        # history: + one query per model its changes name (region, partner, user, template
        # version, stage), for their names (core.selectors.audit), whatever the entries; 13 on
        # SQLite, 14 on PostgreSQL (both the same for 3 and 30 rounds of changes).
        for tab, bound in (("", 12), ("history/", 14)):
            with django_assert_max_num_queries(bound):
                response = client.get(f"/projects/{running.pk}/{tab}")
            assert response.status_code == 200


def test_a_closed_project_offers_no_changes(world, as_user, running):
    Project.objects.filter(pk=running.pk).update(status=Project.Status.CLOSED)

    content = as_user(world.pm).get(f"/projects/{running.pk}/").content.decode()

    assert 'data-testid="member-form"' not in content
    assert 'data-testid="remove-member"' not in content
