"""The plan's services: milestones and tasks with owners from the team and dependencies that
never go round in a circle; bad input writes nothing, outsiders and monitors cannot plan, and a
lost project refuses every change to its plan, risks, meetings, reports and requests."""

import datetime

import pytest
from django.utils import timezone

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import Department, Notification
from qudao.core.tests.factories import UserFactory
from qudao.projects.models import (
    Meeting,
    ProjectIssue,
    Risk,
    WeeklyReport,
    WorkItem,
)
from qudao.projects.services import closing
from qudao.projects.services import meetings as meeting_services
from qudao.projects.services import plan as plan_services
from qudao.projects.services import resources as resource_services
from qudao.projects.services import risks as risk_services
from qudao.projects.services import weekly as weekly_services
from qudao.projects.tests.helpers import add_member, fresh, running_project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def running(world):
    return running_project(world)


def test_a_task_and_a_milestone_go_on_the_plan(world, running, django_capture_on_commit_callbacks):
    add_member(world, running, world.p1_user, "partner_engineer")
    with django_capture_on_commit_callbacks(execute=True):
        task = plan_services.work_item_create(
            actor=world.pm,
            project=running,
            data={
                "name": "设备安装",
                "owner": world.p1_user.pk,
                "start_date": TODAY,
                "due_date": TODAY + 10 * DAY,
            },
        )
    milestone = plan_services.work_item_create(
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

    done = plan_services.work_item_update(actor=world.pm, item=task, data={"status": "done"})
    assert done.completed_at is not None
    reopened = plan_services.work_item_update(actor=world.pm, item=task, data={"status": "doing"})
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
        plan_services.work_item_create(actor=world.pm, project=running, data=data)
    assert field in error.value.message_dict
    assert not WorkItem.objects.exists()


def test_an_owner_must_be_on_the_team(world, running):
    outsider = UserFactory(roles=["project_manager"])
    with pytest.raises(ValidationError) as error:
        plan_services.work_item_create(
            actor=world.pm,
            project=running,
            data={"name": "x", "due_date": TODAY, "owner": outsider.pk},
        )
    assert "owner" in error.value.message_dict
    assert not WorkItem.objects.exists()


def test_a_dependency_cannot_go_round_in_a_circle(world, running):
    first = plan_services.work_item_create(
        actor=world.pm, project=running, data={"name": "a", "due_date": TODAY}
    )
    second = plan_services.work_item_create(
        actor=world.pm, project=running, data={"name": "b", "due_date": TODAY, "depends_on": first}
    )
    with pytest.raises(ValidationError):
        plan_services.work_item_update(actor=world.pm, item=first, data={"depends_on": second.pk})
    assert fresh(first).depends_on_id is None


def test_a_dependency_on_another_projects_item_is_refused(world, running):
    other = running_project(world, name="另一个项目")
    foreign = plan_services.work_item_create(
        actor=world.pm, project=other, data={"name": "a", "due_date": TODAY}
    )
    with pytest.raises(ValidationError):
        plan_services.work_item_create(
            actor=world.pm,
            project=running,
            data={"name": "b", "due_date": TODAY, "depends_on": foreign.pk},
        )


def test_people_outside_the_project_cannot_plan_it(world, running):
    for outsider in (world.p2_user, world.east_manager, world.other_cm):
        with pytest.raises(PermissionDenied):
            plan_services.work_item_create(
                actor=outsider, project=running, data={"name": "x", "due_date": TODAY}
            )
    assert not WorkItem.objects.exists()


def test_a_monitor_watches_but_does_not_plan(world, running):
    monitor = UserFactory(roles=["project_manager"])
    add_member(world, running, monitor, "monitor")
    with pytest.raises(PermissionDenied):
        plan_services.work_item_create(
            actor=monitor, project=running, data={"name": "x", "due_date": TODAY}
        )


def test_a_lost_project_refuses_every_work_change(world, running):
    item = plan_services.work_item_create(
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
        lambda: plan_services.work_item_create(
            actor=world.pm, project=running, data={"name": "b", "due_date": TODAY}
        ),
        lambda: plan_services.work_item_update(actor=world.pm, item=item, data={"name": "c"}),
        lambda: plan_services.work_item_delete(actor=world.pm, item=item),
        lambda: risk_services.risk_create(
            actor=world.pm, project=running, data={"title": "r", "probability": 1, "impact": 1}
        ),
        lambda: risk_services.issue_create(actor=world.pm, project=running, data={"title": "i"}),
        lambda: meeting_services.meeting_create(
            actor=world.pm, project=running, data={"title": "m", "held_at": timezone.now()}
        ),
        lambda: meeting_services.action_item_close(actor=world.pm, action=meeting.actions.get()),
        lambda: weekly_services.weekly_report_save(
            actor=world.pm, project=running, data={"this_week": "w"}
        ),
        lambda: resource_services.resource_request_create(
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
