"""Meetings with minutes and action items tracked to closure; a bad action item keeps the whole
meeting out."""

import datetime

import pytest
from django.utils import timezone

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.projects.models import ActionItem, Meeting
from qudao.projects.services import meetings as meeting_services
from qudao.projects.tests.helpers import add_member, fresh, running_project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def running(world):
    return running_project(world)


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
