"""The API of the project tabs (plan, risks, meetings, weekly reports, resource requests),
closing and stock-take: a round trip through each resource, errors as the API's JSON (422 /
403 / 409 / 404), partner 2 never reaching partner 1's project (404), and list endpoints whose
query count does not grow with their rows."""

import datetime

import pytest
from django.utils import timezone

from qudao.core.models import Department
from qudao.core.tests.factories import UserFactory
from qudao.core.tests.openapi import assert_conforms
from qudao.projects.models import ActionItem, Meeting, Project, Risk, WorkItem
from qudao.projects.services import closing
from qudao.projects.services import meetings as meeting_services
from qudao.projects.services import plan as plan_services
from qudao.projects.services import resources as resource_services
from qudao.projects.services import risks as risk_services
from qudao.projects.services import weekly as weekly_services
from qudao.projects.services.health import projects_health_check
from qudao.projects.tests.helpers import add_member, fresh, patch, post, put, running_project

pytestmark = pytest.mark.django_db
URL = "/api/v1/projects"
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def running(world):
    return running_project(world)


def test_the_plan_and_its_gantt(world, running, as_api):
    api = as_api(world.pm)
    base = f"{URL}/{running.pk}"
    task = post(
        api,
        f"{base}/work-items",
        {
            "name": "设备到货",
            "owner_id": world.pm.pk,
            "start_date": TODAY.isoformat(),
            "due_date": (TODAY + 5 * DAY).isoformat(),
        },
    )
    assert task.status_code == 201, task.content
    milestone = post(
        api,
        f"{base}/work-items",
        {
            "kind": "milestone",
            "name": "初验",
            "due_date": (TODAY + 9 * DAY).isoformat(),
            "depends_on_id": task.json()["id"],
        },
    )
    assert milestone.json()["depends_on_id"] == task.json()["id"]

    bad = post(api, f"{base}/work-items", {"name": "", "due_date": "2026-02-30"})
    assert bad.status_code == 422
    updated = patch(api, f"{base}/work-items/{task.json()['id']}", {"status": "done"})
    assert updated.json()["status"] == "done" and updated.json()["completed_at"]

    gantt = api.get(f"{base}/gantt").json()
    assert [s["name"] for s in gantt["stages"]] == ["方案设计", "方案评审", "启动会", "验收"]
    assert [(i["name"], i["kind"]) for i in gantt["items"]] == [
        ("设备到货", "task"),
        ("初验", "milestone"),
    ]
    assert api.delete(f"{base}/work-items/{milestone.json()['id']}").status_code == 204
    assert WorkItem.objects.count() == 1


def test_risks_issues_meetings_actions_and_weekly_reports(world, running, as_api):
    api = as_api(world.pm)
    base = f"{URL}/{running.pk}"
    risk = post(
        api,
        f"{base}/risks",
        {"title": "预算推迟", "probability": 4, "impact": 4, "owner_id": world.pm.pk},
    )
    assert risk.status_code == 201 and risk.json()["level"] == "high" and risk.json()["score"] == 16
    assert (
        post(api, f"{base}/risks", {"title": "x", "probability": 9, "impact": 1}).status_code == 422
    )
    assert (
        patch(api, f"{base}/risks/{risk.json()['id']}", {"probability": 1}).json()["level"] == "low"
    )

    issue = post(api, f"{base}/issues", {"title": "到货延迟"})
    resolve = patch(api, f"{base}/issues/{issue.json()['id']}", {"status": "resolved"})
    assert resolve.status_code == 422 and "resolution" in resolve.json()["errors"]

    meeting = post(
        api,
        f"{base}/meetings",
        {
            "kind": "kickoff",
            "title": "启动会",
            "held_at": timezone.now().isoformat(),
            "minutes": "明确分工",
            "actions": [
                {"description": "提交计划", "owner_id": world.pm.pk, "due_date": TODAY.isoformat()}
            ],
        },
    )
    assert meeting.status_code == 201, meeting.content
    action_id = meeting.json()["actions"][0]["id"]
    extra = post(
        api,
        f"{base}/meetings/{meeting.json()['id']}/actions",
        {"description": "客户确认", "owner_id": world.pm.pk, "due_date": TODAY.isoformat()},
    )
    assert extra.status_code == 201
    closed = post(api, f"{base}/action-items/{action_id}/close", {"status": "done"})
    assert closed.json()["status"] == "done"
    again = post(api, f"{base}/action-items/{action_id}/close", {"status": "done"})
    assert again.status_code == 409
    open_only = api.get(f"{base}/action-items?open_only=true").json()
    assert [a["description"] for a in open_only] == ["客户确认"]

    first = post(api, f"{base}/weekly-reports", {"this_week": "方案初稿"})
    second = post(api, f"{base}/weekly-reports", {"this_week": "方案定稿", "problems": "缺资源"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    future = post(
        api,
        f"{base}/weekly-reports",
        {"this_week": "x", "week": (TODAY + 10 * DAY).isoformat()},
    )
    assert future.status_code == 422
    assert len(api.get(f"{base}/weekly-reports").json()) == 1


def test_resource_requests_for_a_department(world, running, as_api):
    department = Department.objects.create(name="售前技术部")
    expert = UserFactory(roles=["presales"], department=department)
    api = as_api(world.pm)
    created = post(
        api,
        f"{URL}/{running.pk}/resource-requests",
        {"department_id": department.pk, "title": "无线专家支持", "description": "现场勘测"},
    )
    assert created.status_code == 201, created.content
    # The department sees it (not being in the project's scope) and answers it.
    expert_api = as_api(expert)
    listed = expert_api.get(f"{URL}/resource-requests?department={department.pk}").json()
    assert [r["title"] for r in listed["items"]] == ["无线专家支持"]
    assert expert_api.get(f"{URL}/{running.pk}").status_code == 404
    answered = post(
        expert_api,
        f"{URL}/resource-requests/{created.json()['id']}/respond",
        {"status": "accepted", "response": "王工支持"},
    )
    assert answered.json()["status"] == "accepted"
    refused = post(
        api,
        f"{URL}/resource-requests/{created.json()['id']}/respond",
        {"status": "resolved", "response": "x"},
    )
    assert refused.status_code == 403
    assert as_api(world.p2_user).get(f"{URL}/resource-requests").json()["count"] == 0


def test_closing_by_api(world, running, as_api):
    api = as_api(world.pm)
    base = f"{URL}/{running.pk}"
    assert post(api, f"{base}/lose", {"reason": ""}).status_code == 422
    won = post(api, f"{base}/win", {"reason": "方案领先", "competitor": "某友商"})
    assert won.json()["status"] == "won" and won.json()["won_at"]
    handover = post(
        api,
        f"{base}/handovers",
        {"scope": "无线网络全部设备", "handover_date": TODAY.isoformat()},
    )
    assert handover.status_code == 201 and handover.json()["status"] == "in_approval"
    manager = as_api(world.south_manager)
    inbox = manager.get("/api/v1/approvals?status=pending").json()["items"]
    approval = next(a for a in inbox if a["kind"] == "project_handover")
    post(manager, f"/api/v1/approvals/{approval['id']}/approve", {"comment": "同意"})
    assert api.get(f"{base}/handovers").json()[0]["status"] == "approved"

    visit = post(
        api,
        f"{base}/visits",
        {"method": "wechat", "visited_on": TODAY.isoformat(), "satisfaction": 5},
    )
    assert visit.status_code == 201
    assert (
        post(
            api,
            f"{base}/visits",
            {"method": "fax", "visited_on": TODAY.isoformat(), "satisfaction": 5},
        ).status_code
        == 422
    )

    summary = put(api, f"{base}/reports/summary", {"body": "顺利交付", "finalise": True})
    assert summary.json()["status"] == "final"
    assert put(api, f"{base}/reports/evaluation", {"body": "x", "rating": 3}).status_code == 403
    monitor = UserFactory(roles=["monitor"])
    evaluation = put(
        as_api(monitor), f"{base}/reports/evaluation", {"body": "运作规范", "rating": 4}
    )
    assert evaluation.status_code == 200 and evaluation.json()["rating"] == 4

    closed = post(api, f"{base}/close", {"reason": "归档"})
    assert closed.json()["status"] == "closed"
    refused = post(api, f"{base}/risks", {"title": "x", "probability": 1, "impact": 1})
    assert refused.status_code == 409


def test_health_by_api(world, running, as_api):
    plan_services.work_item_create(
        actor=world.pm,
        project=running,
        data={"kind": "milestone", "name": "初验", "due_date": TODAY - 2 * DAY},
    )
    api = as_api(world.p1_user)
    assert api.get(f"{URL}/{running.pk}/health").json()["health"] == "good"
    body = post(api, f"{URL}/{running.pk}/health/refresh").json()
    assert body["health"] == "warning"
    assert (
        body["reasons"][0]["code"] == "milestone_overdue" and "初验" in body["reasons"][0]["text"]
    )
    assert [a["code"] for a in body["alerts"]] == ["milestone_overdue"]


def test_stocktake_by_api(world, running, as_api):
    manager = as_api(world.south_manager)
    opened = post(
        manager,
        f"{URL}/stock-takes",
        {
            "title": "华南盘点",
            "region_id": world.south.pk,
            "due_date": (TODAY + 7 * DAY).isoformat(),
        },
    )
    assert opened.status_code == 201, opened.content
    sid = opened.json()["id"]
    assert opened.json()["progress"] == {"pending": 1, "confirmed": 0, "corrected": 0, "total": 1}
    pending = manager.get(f"{URL}/stock-takes/{sid}/entries?status=pending").json()["items"]
    assert [e["project_code"] for e in pending] == [running.code]

    owner = as_api(world.pm)
    entry = owner.get(f"{URL}/stock-takes/{sid}/entries?mine=true").json()["items"][0]
    confirmed = post(
        owner, f"{URL}/stock-takes/{sid}/entries/{entry['id']}/confirm", {"amount": "800000"}
    )
    assert (
        confirmed.json()["status"] == "corrected"
        and confirmed.json()["amount_after"] == "800000.00"
    )
    assert fresh(running).amount == 800000
    closed = post(manager, f"{URL}/stock-takes/{sid}/close")
    assert closed.json()["status"] == "closed"
    assert as_api(world.east_manager).get(f"{URL}/stock-takes/{sid}").status_code == 404
    assert (
        post(owner, f"{URL}/stock-takes", {"title": "x", "due_date": TODAY.isoformat()}).status_code
        == 403
    )


# --- scope --------------------------------------------------------------------------------------


def test_partner_2_cannot_reach_partner_1s_project_work(world, running, as_api):
    item = plan_services.work_item_create(
        actor=world.pm, project=running, data={"name": "a", "due_date": TODAY}
    )
    risk = risk_services.risk_create(
        actor=world.pm, project=running, data={"title": "r", "probability": 1, "impact": 1}
    )
    meeting = meeting_services.meeting_create(
        actor=world.pm,
        project=running,
        data={"title": "m", "held_at": timezone.now()},
        actions=[{"description": "a", "owner": world.pm.pk, "due_date": TODAY}],
    )
    action = meeting.actions.get()
    base = f"{URL}/{running.pk}"
    api = as_api(world.p2_user)
    reads = [
        "work-items",
        "gantt",
        "risks",
        "issues",
        "meetings",
        f"meetings/{meeting.pk}",
        "action-items",
        "weekly-reports",
        "resource-requests",
        "handovers",
        "visits",
        "reports",
        "health",
    ]
    for path in reads:
        assert api.get(f"{base}/{path}").status_code == 404, path
    writes = [
        (post, "work-items", {"name": "x", "due_date": TODAY.isoformat()}),
        (patch, f"work-items/{item.pk}", {"name": "hacked"}),
        (patch, f"risks/{risk.pk}", {"probability": 5}),
        (post, f"action-items/{action.pk}/close", {"status": "done"}),
        (post, "weekly-reports", {"this_week": "x"}),
        (post, "win", {}),
        (post, "lose", {"reason": "x"}),
        (post, "visits", {"method": "phone", "visited_on": TODAY.isoformat(), "satisfaction": 1}),
        (put, "reports/summary", {"body": "x"}),
    ]
    for method, path, data in writes:
        assert method(api, f"{base}/{path}", data).status_code == 404, path
    assert api.delete(f"{base}/work-items/{item.pk}").status_code == 404
    assert fresh(item).name == "a" and fresh(risk).probability == 1
    assert fresh(action).status == "open" and fresh(running).status == "active"


def test_an_item_of_another_project_is_a_404(world, running, as_api):
    other = running_project(world, name="另一个")
    item = plan_services.work_item_create(
        actor=world.pm, project=other, data={"name": "a", "due_date": TODAY}
    )
    response = patch(as_api(world.pm), f"{URL}/{running.pk}/work-items/{item.pk}", {"name": "x"})
    assert response.status_code == 404 and fresh(item).name == "a"


# --- query counts -------------------------------------------------------------------------------


def _fill(world, project_obj: Project, size: int) -> None:
    add_member(world, project_obj, world.p1_user, "partner_sales")
    department = Department.objects.get_or_create(name="售前技术部")[0]
    for index in range(size):
        owner = world.pm if index % 2 else world.p1_user
        plan_services.work_item_create(
            actor=world.pm,
            project=project_obj,
            data={"name": f"任务{index}", "due_date": TODAY + index * DAY, "owner": owner.pk},
        )
        risk_services.risk_create(
            actor=world.pm,
            project=project_obj,
            data={"title": f"风险{index}", "probability": 2, "impact": 3, "owner": owner.pk},
        )
        risk_services.issue_create(
            actor=world.pm, project=project_obj, data={"title": f"问题{index}", "owner": owner.pk}
        )
        meeting_services.meeting_create(
            actor=world.pm,
            project=project_obj,
            data={"title": f"会议{index}", "held_at": timezone.now()},
            actions=[
                {"description": f"行动{index}", "owner": owner.pk, "due_date": TODAY},
                {"description": f"行动{index}b", "owner": world.pm.pk, "due_date": TODAY},
            ],
        )
        resource_services.resource_request_create(
            actor=owner,
            project=project_obj,
            data={"title": f"求助{index}", "description": "d", "department": department.pk},
        )
    for index in range(min(size, 5)):
        weekly_services.weekly_report_save(
            actor=world.pm,
            project=project_obj,
            data={"this_week": "x"},
            week=TODAY - 7 * index * DAY,
        )


@pytest.mark.parametrize("size", [2, 20])
def test_list_endpoints_do_not_grow_with_rows(
    world, running, as_api, django_assert_max_num_queries, size
):
    _fill(world, running, size)
    assert Meeting.objects.count() == size and ActionItem.objects.count() == 2 * size
    assert Risk.objects.count() == size
    api = as_api(world.p1_user)
    base = f"{URL}/{running.pk}"
    for path in (
        "work-items",
        "gantt",
        "risks",
        "issues",
        "meetings",
        "action-items",
        "weekly-reports",
        "resource-requests",
        "handovers",
        "visits",
        "reports",
    ):
        with django_assert_max_num_queries(8, info=path):
            response = api.get(f"{base}/{path}")
        assert response.status_code == 200, path
    with django_assert_max_num_queries(8):
        assert api.get(f"{URL}/resource-requests").json()["count"] == size


def test_a_closed_project_keeps_its_reports_open_to_the_monitor(world, running, as_api):
    closing.project_win(actor=world.pm, project=running)
    closing.project_close(actor=world.pm, project=running)
    monitor = UserFactory(roles=["monitor"])
    response = put(
        as_api(monitor), f"{URL}/{running.pk}/reports/evaluation", {"body": "事后评价", "rating": 3}
    )
    assert response.status_code == 200


def test_meeting_action_and_health_responses_match_the_served_openapi_document(
    world, running, as_api
):
    api, base, one = as_api(world.pm), f"{URL}/{running.pk}", f"{URL}/{{project_id}}"
    meeting = post(
        api,
        f"{base}/meetings",
        {
            "kind": "kickoff",
            "title": "启动会",
            "held_at": timezone.now().isoformat(),
            "actions": [
                {"description": "提交计划", "owner_id": world.pm.pk, "due_date": TODAY.isoformat()}
            ],
        },
    )
    assert meeting.status_code == 201, meeting.content
    meeting_url = f"{base}/meetings/{meeting.json()['id']}"
    action = meeting.json()["actions"][0]["id"]
    projects_health_check(now=timezone.now() + 8 * DAY)  # the proposal is missing: an alert

    assert_conforms(meeting, "post", f"{one}/meetings")
    assert_conforms(api.get(f"{base}/meetings"), "get", f"{one}/meetings")
    assert_conforms(api.get(meeting_url), "get", f"{one}/meetings/{{meeting_id}}")
    assert_conforms(
        patch(api, meeting_url, {"minutes": "明确分工"}), "patch", f"{one}/meetings/{{meeting_id}}"
    )
    assert_conforms(api.get(f"{base}/action-items"), "get", f"{one}/action-items")
    closed = post(api, f"{base}/action-items/{action}/close", {"status": "done"})
    assert_conforms(closed, "post", f"{one}/action-items/{{action_id}}/close")
    health = api.get(f"{base}/health")
    assert health.json()["alerts"], "an alert to check against the schema"
    assert_conforms(health, "get", f"{one}/health")
    assert_conforms(post(api, f"{base}/health/refresh"), "post", f"{one}/health/refresh")


def test_unknown_members_in_nested_rows_are_422_and_write_nothing(world, running, as_api):
    response = post(
        as_api(world.pm),
        f"{URL}/{running.pk}/meetings",
        {
            "title": "启动会",
            "held_at": timezone.now().isoformat(),
            "actions": [
                {
                    "description": "提交计划",
                    "owner_id": world.pm.pk,
                    "due_date": TODAY.isoformat(),
                    "owner": world.pm.pk,
                }
            ],
        },
    )

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["actions.0.owner"]
    assert not Meeting.objects.exists() and not ActionItem.objects.exists()
