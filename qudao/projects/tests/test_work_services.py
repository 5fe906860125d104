"""Work services: the plan (milestones, tasks, dependencies), risks (level from probability ×
impact), issues, meetings with action items tracked to closure, weekly reports (one per project,
ISO week and author) and resource requests routed to a department. Bad input writes nothing;
a lost or closed project refuses every change."""

import datetime

import pytest
from django.utils import timezone

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import Department, Notification
from qudao.core.tests.factories import UserFactory
from qudao.projects.models import (
    ActionItem,
    Meeting,
    ProjectIssue,
    ResourceRequest,
    Risk,
    WeeklyReport,
    WorkItem,
)
from qudao.projects.services import closing
from qudao.projects.services import meetings as meeting_services
from qudao.projects.services import work as work_services
from qudao.projects.tests.work_helpers import add_member, fresh, running_project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def running(world):
    return running_project(world)


# --- the plan -----------------------------------------------------------------------------------


def test_a_task_and_a_milestone_go_on_the_plan(world, running, django_capture_on_commit_callbacks):
    add_member(world, running, world.p1_user, "partner_engineer")
    with django_capture_on_commit_callbacks(execute=True):
        task = work_services.work_item_create(
            actor=world.pm,
            project=running,
            data={
                "name": "设备安装",
                "owner": world.p1_user.pk,
                "start_date": TODAY,
                "due_date": TODAY + 10 * DAY,
            },
        )
    milestone = work_services.work_item_create(
        actor=world.p1_user,
        project=running,
        data={
            "kind": "milestone",
            "name": "初验",
            "start_date": TODAY,  # a milestone is a point: its start is dropped
            "due_date": TODAY + 12 * DAY,
            "depends_on": task.pk,
        },
    )
    assert (task.kind, task.status, task.owner) == ("task", "todo", world.p1_user)
    assert milestone.start_date is None and milestone.depends_on == task
    # The new owner heard of it.
    assert Notification.objects.filter(recipient=world.p1_user, title__contains="设备安装").exists()

    done = work_services.work_item_update(actor=world.pm, item=task, data={"status": "done"})
    assert done.completed_at is not None
    reopened = work_services.work_item_update(actor=world.pm, item=task, data={"status": "doing"})
    assert reopened.completed_at is None


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": "", "due_date": TODAY}, "name"),
        ({"name": "x", "due_date": ""}, "due_date"),
        ({"name": "x", "due_date": "2026-13-01"}, "due_date"),
        ({"name": "x", "due_date": TODAY, "start_date": TODAY + DAY}, "due_date"),
        ({"name": "x", "due_date": TODAY, "kind": "epic"}, "kind"),
        ({"name": "x", "due_date": TODAY, "status": "late"}, "status"),
        ({"name": "x" * 201, "due_date": TODAY}, "name"),
        ({"name": "x", "due_date": TODAY, "depends_on": 999999}, "depends_on"),
    ],
)
def test_bad_plan_input_writes_nothing(world, running, data, field):
    with pytest.raises(ValidationError) as error:
        work_services.work_item_create(actor=world.pm, project=running, data=data)
    assert field in error.value.message_dict
    assert not WorkItem.objects.exists()


def test_an_owner_must_be_on_the_team(world, running):
    outsider = UserFactory(roles=["project_manager"])
    with pytest.raises(ValidationError) as error:
        work_services.work_item_create(
            actor=world.pm,
            project=running,
            data={"name": "x", "due_date": TODAY, "owner": outsider.pk},
        )
    assert "owner" in error.value.message_dict
    assert not WorkItem.objects.exists()


def test_a_dependency_cannot_go_round_in_a_circle(world, running):
    first = work_services.work_item_create(
        actor=world.pm, project=running, data={"name": "a", "due_date": TODAY}
    )
    second = work_services.work_item_create(
        actor=world.pm, project=running, data={"name": "b", "due_date": TODAY, "depends_on": first}
    )
    with pytest.raises(ValidationError):
        work_services.work_item_update(actor=world.pm, item=first, data={"depends_on": second.pk})
    assert fresh(first).depends_on_id is None


def test_a_dependency_on_another_projects_item_is_refused(world, running):
    other = running_project(world, name="另一个项目")
    foreign = work_services.work_item_create(
        actor=world.pm, project=other, data={"name": "a", "due_date": TODAY}
    )
    with pytest.raises(ValidationError):
        work_services.work_item_create(
            actor=world.pm,
            project=running,
            data={"name": "b", "due_date": TODAY, "depends_on": foreign.pk},
        )


def test_people_outside_the_project_cannot_plan_it(world, running):
    for outsider in (world.p2_user, world.east_manager, world.other_cm):
        with pytest.raises(PermissionDenied):
            work_services.work_item_create(
                actor=outsider, project=running, data={"name": "x", "due_date": TODAY}
            )
    assert not WorkItem.objects.exists()


def test_a_monitor_watches_but_does_not_plan(world, running):
    monitor = UserFactory(roles=["project_manager"])
    add_member(world, running, monitor, "monitor")
    with pytest.raises(PermissionDenied):
        work_services.work_item_create(
            actor=monitor, project=running, data={"name": "x", "due_date": TODAY}
        )


def test_a_lost_project_refuses_every_work_change(world, running):
    item = work_services.work_item_create(
        actor=world.pm, project=running, data={"name": "a", "due_date": TODAY}
    )
    meeting = meeting_services.meeting_create(
        actor=world.pm,
        project=running,
        data={"title": "分析会", "held_at": timezone.now()},
        actions=[{"description": "跟进", "owner": world.pm.pk, "due_date": TODAY}],
    )
    closing.project_lose(actor=world.pm, project=running, reason="价格过高")
    running = fresh(running)
    attempts = [
        lambda: work_services.work_item_create(
            actor=world.pm, project=running, data={"name": "b", "due_date": TODAY}
        ),
        lambda: work_services.work_item_update(actor=world.pm, item=item, data={"name": "c"}),
        lambda: work_services.work_item_delete(actor=world.pm, item=item),
        lambda: work_services.risk_create(
            actor=world.pm, project=running, data={"title": "r", "probability": 1, "impact": 1}
        ),
        lambda: work_services.issue_create(actor=world.pm, project=running, data={"title": "i"}),
        lambda: meeting_services.meeting_create(
            actor=world.pm, project=running, data={"title": "m", "held_at": timezone.now()}
        ),
        lambda: meeting_services.action_item_close(actor=world.pm, action=meeting.actions.get()),
        lambda: meeting_services.weekly_report_save(
            actor=world.pm, project=running, data={"this_week": "w"}
        ),
        lambda: meeting_services.resource_request_create(
            actor=world.pm,
            project=running,
            data={
                "title": "t",
                "description": "d",
                "department": Department.objects.create(name="售前技术部").pk,
            },
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ConflictError):
            attempt()
    assert fresh(item).name == "a"
    assert WorkItem.objects.count() == 1
    assert not Risk.objects.exists() and not ProjectIssue.objects.exists()
    assert Meeting.objects.count() == 1 and not WeeklyReport.objects.exists()
    assert meeting.actions.get().status == "open"


# --- risks and issues ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "probability, impact, level", [(1, 1, "low"), (2, 3, "low"), (2, 4, "medium"), (3, 5, "high")]
)
def test_a_risks_level_follows_its_score(world, running, probability, impact, level):
    risk = work_services.risk_create(
        actor=world.pm,
        project=running,
        data={"title": "客户预算推迟", "probability": probability, "impact": impact},
    )
    assert (risk.score, risk.level) == (probability * impact, level)


def test_changing_a_risk_rederives_its_level_and_closing_it_records_when(world, running):
    risk = work_services.risk_create(
        actor=world.pm,
        project=running,
        data={"title": "竞争对手降价", "probability": 2, "impact": 2},
    )
    risk = work_services.risk_update(
        actor=world.pm,
        risk=risk,
        data={"probability": 5, "impact": 4, "response": "提前锁定价格", "status": "mitigating"},
    )
    assert risk.level == "high" and risk.closed_at is None
    risk = work_services.risk_update(actor=world.pm, risk=risk, data={"status": "closed"})
    assert risk.closed_at is not None


@pytest.mark.parametrize("value", [0, 6, "high", "", None, 2.5])
def test_probability_and_impact_are_one_to_five(world, running, value):
    with pytest.raises(ValidationError) as error:
        work_services.risk_create(
            actor=world.pm, project=running, data={"title": "x", "probability": value, "impact": 3}
        )
    assert "probability" in error.value.message_dict
    assert not Risk.objects.exists()


def test_resolving_an_issue_needs_its_resolution(world, running):
    issue = work_services.issue_create(
        actor=world.pm, project=running, data={"title": "到货延迟", "priority": "high"}
    )
    with pytest.raises(ValidationError) as error:
        work_services.issue_update(actor=world.pm, issue=issue, data={"status": "resolved"})
    assert "resolution" in error.value.message_dict
    assert fresh(issue).status == "open"
    resolved = work_services.issue_update(
        actor=world.pm, issue=issue, data={"status": "resolved", "resolution": "更换物流"}
    )
    assert resolved.resolved_at is not None


# --- meetings and action items ------------------------------------------------------------------


def test_a_meeting_with_minutes_and_action_items(world, running):
    add_member(world, running, world.p1_user, "partner_sales")
    meeting = meeting_services.meeting_create(
        actor=world.pm,
        project=running,
        data={
            "kind": "kickoff",
            "title": "项目启动会",
            "held_at": timezone.now(),
            "minutes": "确定范围与计划",
        },
        actions=[
            {"description": "提交实施计划", "owner": world.p1_user.pk, "due_date": TODAY + DAY},
            {"description": "", "owner": "", "due_date": ""},  # an empty form row is ignored
        ],
    )
    action = meeting.actions.get()
    assert (action.owner, action.project, action.status) == (world.p1_user, running, "open")

    closed = meeting_services.action_item_close(actor=world.p1_user, action=action)
    assert closed.status == "done" and closed.closed_by == world.p1_user and closed.closed_at
    with pytest.raises(ConflictError):
        meeting_services.action_item_close(actor=world.pm, action=closed)


def test_a_bad_action_item_keeps_the_whole_meeting_out(world, running):
    with pytest.raises(ValidationError) as error:
        meeting_services.meeting_create(
            actor=world.pm,
            project=running,
            data={"title": "分析会", "held_at": timezone.now()},
            actions=[
                {"description": "好的", "owner": world.pm.pk, "due_date": TODAY},
                {"description": "没有负责人", "owner": "", "due_date": TODAY},
            ],
        )
    assert "actions.1.owner" in error.value.message_dict
    assert not Meeting.objects.exists() and not ActionItem.objects.exists()


def test_cancelling_an_action_needs_a_note_and_outsiders_cannot_close(world, running):
    meeting = meeting_services.meeting_create(
        actor=world.pm,
        project=running,
        data={"title": "分析会", "held_at": timezone.now()},
        actions=[{"description": "跟进", "owner": world.pm.pk, "due_date": TODAY}],
    )
    action = meeting.actions.get()
    with pytest.raises(ValidationError):
        meeting_services.action_item_close(actor=world.pm, action=action, status="cancelled")
    with pytest.raises(PermissionDenied):
        meeting_services.action_item_close(actor=world.p2_user, action=action)
    assert fresh(action).status == "open"
    meeting_services.action_item_close(
        actor=world.pm, action=action, status="cancelled", note="客户取消"
    )
    assert fresh(action).status == "cancelled"


# --- weekly reports -----------------------------------------------------------------------------


def test_one_weekly_report_per_project_week_and_author(world, running):
    add_member(world, running, world.p1_user, "partner_sales")
    report, created = meeting_services.weekly_report_save(
        actor=world.pm, project=running, data={"this_week": "完成方案初稿"}
    )
    again, created_again = meeting_services.weekly_report_save(
        actor=world.pm,
        project=running,
        data={"this_week": "完成方案初稿并评审", "problems": "需要售前支持"},
    )
    partner, _ = meeting_services.weekly_report_save(
        actor=world.p1_user, project=running, data={"this_week": "客户交流"}
    )
    last_week, _ = meeting_services.weekly_report_save(
        actor=world.pm, project=running, data={"this_week": "上周"}, week=TODAY - 7 * DAY
    )
    assert created and not created_again and again.pk == report.pk
    assert fresh(report).problems == "需要售前支持"
    assert report.week_start.weekday() == 0 and report.iso_week == TODAY.isocalendar()[1]
    assert WeeklyReport.objects.count() == 3
    assert last_week.week_start == report.week_start - 7 * DAY
    assert partner.author == world.p1_user


@pytest.mark.parametrize(
    "data, week, field",
    [
        ({"this_week": ""}, None, "this_week"),
        ({"this_week": "x"}, TODAY + 8 * DAY, "week"),
        ({"this_week": "x"}, "not a date", "week"),
    ],
)
def test_bad_weekly_reports_write_nothing(world, running, data, week, field):
    with pytest.raises(ValidationError) as error:
        meeting_services.weekly_report_save(actor=world.pm, project=running, data=data, week=week)
    assert field in error.value.message_dict
    assert not WeeklyReport.objects.exists()


# --- resource requests --------------------------------------------------------------------------


@pytest.fixture
def presales_dept(world):
    department = Department.objects.create(name="售前技术部")
    world.presales = UserFactory(roles=["presales"], department=department)
    return department


def test_a_resource_request_goes_to_its_department_and_is_answered(
    world, running, presales_dept, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = meeting_services.resource_request_create(
            actor=world.pm,
            project=running,
            data={
                "title": "需要无线专家",
                "description": "现场勘测",
                "department": presales_dept.pk,
                "needed_by": TODAY + 3 * DAY,
            },
        )
    assert Notification.objects.filter(recipient=world.presales, title__contains="需要无线专家")

    with pytest.raises(PermissionDenied):
        meeting_services.resource_request_respond(
            actor=world.pm, request=request, status="accepted"
        )
    with django_capture_on_commit_callbacks(execute=True):
        accepted = meeting_services.resource_request_respond(
            actor=world.presales, request=request, status="accepted", response="安排王工"
        )
    assert accepted.responded_by == world.presales
    with pytest.raises(ValidationError):  # resolving needs the answer
        meeting_services.resource_request_respond(
            actor=world.presales, request=request, status="resolved"
        )
    with django_capture_on_commit_callbacks(execute=True):
        resolved = meeting_services.resource_request_respond(
            actor=world.presales, request=request, status="resolved", response="已完成勘测"
        )
    assert resolved.status == "resolved"
    assert (
        Notification.objects.filter(recipient=world.pm, title__contains="需要无线专家").count() == 2
    )
    with pytest.raises(ConflictError):
        meeting_services.resource_request_respond(
            actor=world.pm, request=request, status="withdrawn"
        )


def test_a_resource_request_needs_a_department(world, running):
    with pytest.raises(ValidationError) as error:
        meeting_services.resource_request_create(
            actor=world.pm, project=running, data={"title": "t", "description": "d"}
        )
    assert "department" in error.value.message_dict
    assert not ResourceRequest.objects.exists()
