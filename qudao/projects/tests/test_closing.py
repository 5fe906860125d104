"""Closing: win / loss (a loss needs its reason) with the outcome fields, allowed status moves, a
closed project refusing edits, the handover to operations as an approval, follow-up visits, and
the summary and evaluation reports (the evaluation by a project monitor only)."""

import datetime

import pytest
from django.utils import timezone

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest
from qudao.core.services.approvals import approval_decide
from qudao.core.tests.factories import UserFactory
from qudao.projects import services as project_services
from qudao.projects.models import FollowUpVisit, Handover, Project, ProjectReport
from qudao.projects.services import closing
from qudao.projects.services.closing import HANDOVER
from qudao.projects.tests.helpers import add_member, fresh, running_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # uploaded test documents stay out of the repo


TODAY = timezone.localdate()


@pytest.fixture
def running(world):
    return running_project(world)


@pytest.fixture
def won(world, running):
    return closing.project_win(actor=world.pm, project=running, reason="方案领先")


def test_winning_sets_status_and_won_at(world, running):
    before = running.version
    won = closing.project_win(
        actor=world.p1_user, project=running, reason="技术方案领先", competitor="某友商"
    )
    row = fresh(won)
    assert (row.status, row.outcome_reason, row.competitor) == ("won", "技术方案领先", "某友商")
    assert row.won_at is not None and row.closed_at is None
    assert row.version == before + 1
    # A won project is still worked on: its plan changes.
    project_services.project_update(actor=world.pm, project=row, data={"notes": "交付中"})


def test_losing_needs_a_reason_and_changes_nothing_without_it(world, running):
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as error:
            closing.project_lose(actor=world.pm, project=running, reason=reason, competitor="X")
        assert "reason" in error.value.message_dict
    row = fresh(running)
    assert (row.status, row.closed_at, row.competitor) == ("active", None, "")


def test_a_lost_project_records_why_and_to_whom_and_is_read_only(world, running):
    closing.project_lose(
        actor=world.pm, project=running, reason="价格高于对手15%", competitor="某友商"
    )
    row = fresh(running)
    assert (row.status, row.outcome_reason, row.competitor) == ("lost", "价格高于对手15%", "某友商")
    assert row.closed_at is not None and row.won_at is None
    with pytest.raises(ConflictError):
        project_services.project_update(actor=world.pm, project=row, data={"amount": "1"})
    with pytest.raises(ConflictError):  # cannot become won afterwards
        closing.project_win(actor=world.pm, project=row)


def test_outsiders_cannot_decide_the_outcome(world, running):
    for outsider in (world.p2_user, world.east_manager):
        with pytest.raises(PermissionDenied):
            closing.project_win(actor=outsider, project=running)
    assert fresh(running).status == "active"


def test_a_stale_version_is_refused(world, running):
    with pytest.raises(ConflictError):
        closing.project_win(actor=world.pm, project=running, version=running.version - 1)
    assert fresh(running).status == "active"


def test_suspend_needs_a_reason_and_resume_goes_back(world, running):
    with pytest.raises(ValidationError):
        closing.project_suspend(actor=world.pm, project=running, reason="")
    closing.project_suspend(actor=world.pm, project=running, reason="客户预算冻结")
    assert fresh(running).status == "suspended"
    closing.project_resume(actor=world.pm, project=running)
    assert fresh(running).status == "active"
    with pytest.raises(ConflictError):
        closing.project_resume(actor=world.pm, project=running)


def test_closing_a_won_project_archives_it(world, won):
    with pytest.raises(PermissionDenied):
        closing.project_close(actor=world.p1_user, project=won)
    with pytest.raises(ConflictError):  # active projects are not closed directly
        closing.project_close(actor=world.pm, project=running_project(world, name="另一个"))
    closed = closing.project_close(actor=world.pm, project=won, note="归档")
    row = fresh(closed)
    assert row.status == "closed" and row.closed_at is not None
    with pytest.raises(ConflictError):
        project_services.project_update(actor=world.pm, project=row, data={"notes": "x"})
    with pytest.raises(ConflictError):
        closing.visit_record(
            actor=world.pm,
            project=row,
            data={"method": "phone", "visited_on": TODAY, "satisfaction": 5},
        )


def test_losing_is_refused_while_a_gate_is_in_approval(world, running):
    stage = running.stages.get(definition__code="solution")
    closing_stage_ready(world, running, stage)
    project_services.stage_advance(actor=world.pm, project=running)  # → review (approval)
    project_services.stage_advance(actor=world.pm, project=fresh(running))
    with pytest.raises(ConflictError):
        closing.project_lose(actor=world.pm, project=fresh(running), reason="丢单")
    assert fresh(running).status == "active"


def closing_stage_ready(world, project_obj, stage):
    from qudao.projects.tests.factories import pdf

    project_services.project_document_upload(
        actor=world.pm, project=project_obj, stage=stage, document_type="proposal", upload=pdf()
    )
    project_services.stage_save_draft(
        actor=world.pm, project=project_obj, stage=stage, checklist_done=[0]
    )


# --- handover -----------------------------------------------------------------------------------


HANDOVER_DATA = {
    "scope": "园区无线网络 120 个 AP、2 台控制器",
    "operations_contact": "运维中心 刘工",
    "handover_date": TODAY.isoformat(),
}


def test_handover_goes_through_its_approval(world, won, django_capture_on_commit_callbacks):
    handover = closing.handover_request(actor=world.pm, project=won, data=HANDOVER_DATA)
    approval = handover.approval
    assert (handover.status, approval.kind) == ("in_approval", HANDOVER)
    assert approval.target == won and approval.payload["handover_id"] == handover.pk
    with pytest.raises(ConflictError):  # one open handover at a time
        closing.handover_request(actor=world.pm, project=won, data=HANDOVER_DATA)

    approval_decide(
        actor=world.south_manager, approval=approval, decision="return", comment="补充资产清单"
    )
    assert fresh(handover).status == "returned"
    closing.handover_resubmit(
        actor=world.pm, handover=fresh(handover), data={**HANDOVER_DATA, "scope": "含资产清单"}
    )
    assert fresh(handover).status == "in_approval" and fresh(handover).scope == "含资产清单"
    approval_decide(actor=world.south_manager, approval=fresh(approval), decision="approve")
    done = fresh(handover)
    assert done.status == "approved" and done.decided_at is not None
    with pytest.raises(ConflictError):  # handed over once
        closing.handover_request(actor=world.pm, project=won, data=HANDOVER_DATA)


def test_only_a_won_project_is_handed_over_and_the_scope_is_required(world, running):
    with pytest.raises(ValidationError) as error:
        closing.handover_request(actor=world.pm, project=running, data={"scope": ""})
    assert {"scope", "handover_date"} <= set(error.value.message_dict)
    with pytest.raises(ConflictError):
        closing.handover_request(actor=world.pm, project=running, data=HANDOVER_DATA)
    assert not Handover.objects.exists() and not ApprovalRequest.objects.exists()


def test_a_rejected_handover_can_start_again_and_an_east_manager_cannot_decide(world, won):
    handover = closing.handover_request(actor=world.pm, project=won, data=HANDOVER_DATA)
    with pytest.raises(PermissionDenied):
        approval_decide(actor=world.east_manager, approval=handover.approval, decision="approve")
    approval_decide(
        actor=world.south_manager, approval=handover.approval, decision="reject", comment="未验收"
    )
    assert fresh(handover).status == "rejected"
    again = closing.handover_request(actor=world.pm, project=won, data=HANDOVER_DATA)
    closing.handover_cancel(actor=world.pm, handover=again)
    assert fresh(again).status == "cancelled"


# --- follow-up visits ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["phone", "onsite", "wechat", "paper"])
def test_follow_up_visits_by_every_method(world, won, method):
    visit = closing.visit_record(
        actor=world.pm,
        project=won,
        data={"method": method, "visited_on": TODAY, "satisfaction": 4, "notes": "运行稳定"},
    )
    assert (visit.method, visit.satisfaction, visit.visited_by) == (method, 4, world.pm)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"method": "email", "visited_on": TODAY, "satisfaction": 4}, "method"),
        ({"method": "phone", "visited_on": TODAY, "satisfaction": 6}, "satisfaction"),
        ({"method": "phone", "visited_on": TODAY, "satisfaction": 0}, "satisfaction"),
        (
            {
                "method": "phone",
                "visited_on": TODAY + datetime.timedelta(days=2),
                "satisfaction": 3,
            },
            "visited_on",
        ),
    ],
)
def test_bad_visits_write_nothing(world, won, data, field):
    with pytest.raises(ValidationError) as error:
        closing.visit_record(actor=world.pm, project=won, data=data)
    assert field in error.value.message_dict
    assert not FollowUpVisit.objects.exists()


def test_visits_are_for_won_projects(world, running):
    with pytest.raises(ConflictError):
        closing.visit_record(
            actor=world.pm,
            project=running,
            data={"method": "phone", "visited_on": TODAY, "satisfaction": 3},
        )


# --- reports ------------------------------------------------------------------------------------


EVALUATION = {
    "body": "项目运作规范，节点按期",
    "problems": "报价阶段反复",
    "team_performance": "项目经理：优秀",
    "rating": 4,
}


def test_the_evaluation_is_written_by_a_monitor_only(world, won):
    member_monitor = UserFactory(roles=["project_manager"])
    add_member(world, won, member_monitor, "monitor")
    role_monitor = UserFactory(roles=["monitor"])
    for outsider in (world.pm, world.p1_user, world.south_manager):
        with pytest.raises(PermissionDenied):
            closing.report_save(actor=outsider, project=won, kind="evaluation", data=EVALUATION)
    assert not ProjectReport.objects.exists()

    draft = closing.report_save(
        actor=member_monitor, project=won, kind="evaluation", data=EVALUATION
    )
    assert draft.status == "draft"
    final = closing.report_save(
        actor=role_monitor,
        project=won,
        kind="evaluation",
        data={**EVALUATION, "rating": 5},
        finalise=True,
    )
    assert final.pk == draft.pk and final.is_final and final.rating == 5
    with pytest.raises(ConflictError):
        closing.report_save(actor=role_monitor, project=won, kind="evaluation", data=EVALUATION)


def test_the_evaluation_needs_a_rating_and_reports_wait_for_the_outcome(world, running):
    monitor = UserFactory(roles=["monitor"])
    with pytest.raises(ConflictError):
        closing.report_save(actor=monitor, project=running, kind="evaluation", data=EVALUATION)
    closing.project_lose(actor=world.pm, project=running, reason="预算取消")
    with pytest.raises(ValidationError) as error:
        closing.report_save(
            actor=monitor, project=running, kind="evaluation", data={"body": "x", "rating": ""}
        )
    assert "rating" in error.value.message_dict
    # A lost project gets its evaluation and the team's summary too.
    closing.report_save(actor=monitor, project=running, kind="evaluation", data=EVALUATION)
    summary = closing.report_save(
        actor=world.pm, project=running, kind="summary", data={"body": "总结：预算取消"}
    )
    assert summary.rating is None
    assert set(Project.objects.get(pk=running.pk).reports.values_list("kind", flat=True)) == {
        "summary",
        "evaluation",
    }
