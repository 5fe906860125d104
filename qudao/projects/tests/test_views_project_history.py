"""The history tab of a project reads like the product, not its tables: stage moves once, as
transitions with the stages' names; changes with field labels and readable values (names, not
ids or codes; no version counter); times as 2026-12-06 14:05 in the reader's time zone. And the
audit trail records each stage move once (not again when the gate's approval starts, nor when
the project starts or finishes)."""

import re

import pytest

from qudao.core.models import AuditEntry
from qudao.core.services.approvals import approval_decide
from qudao.projects import services
from qudao.projects.models import Project
from qudao.projects.tests.factories import pdf, project, template

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def running(world):
    template()
    return project(actor=world.pm, region=world.shenzhen, partner=world.p1)


def fresh(project_obj) -> Project:
    return Project.objects.get(pk=project_obj.pk)


def stage(project_obj, code):
    return project_obj.stages.get(definition__code=code)


def through_every_stage(world, project_obj) -> None:
    """方案设计 advanced; 方案评审 submitted and approved; 启动会 skipped; 验收 (the last)
    advanced."""
    first = stage(project_obj, "solution")
    services.project_document_upload(
        actor=world.pm, project=project_obj, stage=first, document_type="proposal", upload=pdf()
    )
    services.stage_save_draft(actor=world.pm, project=project_obj, stage=first, checklist_done=[0])
    services.stage_advance(actor=world.pm, project=fresh(project_obj))
    services.stage_advance(actor=world.pm, project=fresh(project_obj), comment="请审批")
    approval = project_obj_approval(project_obj)
    approval_decide(actor=world.south_manager, approval=approval, decision="approve")
    services.stage_skip(actor=world.pm, project=fresh(project_obj), reason="客户取消启动会")
    services.stage_advance(actor=world.pm, project=fresh(project_obj))


def project_obj_approval(project_obj):
    from qudao.core.models import ApprovalRequest

    return ApprovalRequest.objects.get(kind=services.GATE, object_id=str(project_obj.pk))


def audit_of(project_obj):
    return AuditEntry.objects.filter(object_id=str(project_obj.pk), content_type__model="project")


def test_each_stage_move_is_audited_once(world, running):
    through_every_stage(world, running)

    ids = {
        code: stage(running, code).pk for code in ("solution", "review", "kickoff", "acceptance")
    }
    states = list(audit_of(running).filter(action=AuditEntry.Action.STATE).order_by("id"))
    moves = [entry.changes["current_stage"] for entry in states if entry.changes]
    assert moves == [
        [ids["solution"], ids["review"]],
        [ids["review"], ids["kickoff"]],  # once: submitting the gate moved nothing
        [ids["kickoff"], ids["acceptance"]],
        [ids["acceptance"], None],  # once: not again as "finished"
    ]
    # The gate submitted is a state entry that changes no stage; nothing else is recorded.
    assert [entry.changes for entry in states if not entry.changes] == [{}]
    assert not audit_of(running).filter(changes__has_key="stage").exists()
    # The creation entry holds the first stage (by id) and no bookkeeping columns.
    created = audit_of(running).get(action=AuditEntry.Action.CREATE).changes
    assert created["current_stage"] == [None, ids["solution"]]
    assert not {"version", "stage_code", "health", "health_reasons"} & set(created)


def history_table(page: str) -> str:
    """The text of the changes table, as a reader sees it (no markup)."""
    table = re.search(r'<table[^>]*data-testid="history".*?</table>', page, re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table))


def test_the_history_tab_shows_labels_names_and_local_times(world, as_user, running):
    through_every_stage(world, running)
    services.project_member_add(actor=world.pm, project=running, user=world.hq, role="member")
    services.project_owner_change(
        actor=world.hq, project=fresh(running), owner=world.channel_mgr.pk, reason="调整分工"
    )
    project_obj = fresh(running)
    client = as_user(world.hq)
    client.cookies["django_language"] = "en"

    page = client.get(f"/projects/{project_obj.pk}/history/").content.decode()

    # The moves, once each, as transitions with the stages' names.
    assert page.count('data-testid="transition"') == 7
    assert "方案设计" in page and "方案评审" in page and "启动会" in page
    changes = history_table(page)
    for raw in ("solution", "kickoff", "acceptance", "current_stage", "stage_code", "members"):
        assert raw not in changes
    assert "Version" not in changes and "Stage:" not in changes
    assert changes.count("Current stage") == 1  # the creation entry only
    # Field labels and readable values: the team member and the owners by name.
    assert "Project member" in changes and str(world.hq) in changes
    assert "Owner" in changes and str(world.pm) in changes and str(world.channel_mgr) in changes
    assert "1,200,000.00" in changes and "深圳办事处" in changes
    # Times in the reader's time zone, to the minute.
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", page)
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", changes)

    chinese = as_user(world.hq).get(f"/projects/{project_obj.pk}/history/").content.decode()
    assert "项目成员" in history_table(chinese) and "负责人" in history_table(chinese)


def test_a_submission_is_recorded_with_the_stage_name(world, as_user, running):
    through_every_stage(world, running)
    kickoff = stage(running, "kickoff")
    services.stage_submission_add(
        actor=world.pm, project=fresh(running), stage=kickoff, title="第二次启动会纪要"
    )
    client = as_user(world.pm)
    client.cookies["django_language"] = "en"

    changes = history_table(client.get(f"/projects/{running.pk}/history/").content.decode())

    assert "Submissions" in changes and "启动会 #1: 第二次启动会纪要" in changes
    assert "kickoff" not in changes
