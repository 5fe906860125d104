"""Stage gates: documents and checklist first, approvals move on or send back, skipping, drafts,
repeated submissions, uploads with versions, and a closed project stays closed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest
from qudao.core.services.approvals import approval_decide
from qudao.projects import services
from qudao.projects.models import Project, ProjectDocument, ProjectStage, StageTransition
from qudao.projects.tests.factories import doc_type, pdf, project, template

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(world):
    template()
    return project(actor=world.pm, region=world.shenzhen, partner=world.p1)


def stage(project_obj: Project, code: str) -> ProjectStage:
    return project_obj.stages.get(definition__code=code)


def ready_first_gate(world, project_obj):
    first = stage(project_obj, "solution")
    services.project_document_upload(
        actor=world.pm, project=project_obj, stage=first, document_type="proposal", upload=pdf()
    )
    services.stage_save_draft(actor=world.pm, project=project_obj, stage=first, checklist_done=[0])


def fresh(project_obj) -> Project:
    return Project.objects.get(pk=project_obj.pk)


def test_a_new_project_starts_in_its_first_stage(world, running):
    assert running.code.startswith("XM-")
    assert running.stage_code == "solution"
    assert stage(running, "solution").status == "active"
    assert stage(running, "review").status == "pending"
    assert running.transitions.get().action == StageTransition.Action.START
    assert running.members.filter(user=world.pm, role="manager").exists()


def test_advancing_without_the_required_document_changes_nothing(world, running):
    services.stage_save_draft(
        actor=world.pm, project=running, stage=stage(running, "solution"), checklist_done=[0]
    )
    before = fresh(running)

    with pytest.raises(ValidationError) as error:
        services.stage_advance(actor=world.pm, project=running)

    assert "documents" in error.value.message_dict
    after = fresh(running)
    assert (after.stage_code, after.version) == ("solution", before.version)
    assert stage(running, "solution").status == "active"
    assert running.transitions.count() == 1


def test_advancing_with_an_open_checklist_item_is_refused(world, running):
    services.project_document_upload(
        actor=world.pm,
        project=running,
        stage=stage(running, "solution"),
        document_type="proposal",
        upload=pdf(),
    )

    with pytest.raises(ValidationError) as error:
        services.stage_advance(actor=world.pm, project=running)

    assert set(error.value.message_dict) == {"checklist"}
    assert fresh(running).stage_code == "solution"


def test_a_gate_without_approval_moves_on_and_records_the_transition(world, running):
    ready_first_gate(world, running)

    services.stage_advance(actor=world.pm, project=running, comment="方案已交流")

    after = fresh(running)
    assert after.stage_code == "review"
    assert stage(running, "solution").status == "done"
    move = running.transitions.filter(action="advance").get()
    assert (move.actor, move.comment) == (world.pm, "方案已交流")
    assert move.from_stage.definition.code == "solution"
    assert move.to_stage.definition.code == "review"


def advance_to_review_approval(world, running) -> ApprovalRequest:
    ready_first_gate(world, running)
    services.stage_advance(actor=world.pm, project=running)
    services.stage_advance(actor=world.pm, project=running)
    assert stage(running, "review").status == "in_approval"
    return ApprovalRequest.objects.get(kind=services.GATE, object_id=str(running.pk))


def test_an_approved_gate_moves_to_the_next_stage(world, running):
    approval = advance_to_review_approval(world, running)

    approval_decide(actor=world.south_manager, approval=approval, decision="approve")

    assert fresh(running).stage_code == "kickoff"
    assert stage(running, "review").status == "done"
    assert running.transitions.filter(action="approve", actor=world.south_manager).exists()


def test_a_rejected_gate_is_returned_with_the_reason_and_can_be_submitted_again(world, running):
    approval = advance_to_review_approval(world, running)

    approval_decide(
        actor=world.south_manager, approval=approval, decision="reject", comment="方案缺少报价依据"
    )

    review = stage(running, "review")
    assert (review.status, review.return_reason) == ("returned", "方案缺少报价依据")
    assert fresh(running).stage_code == "review"
    assert running.transitions.filter(action="reject", comment="方案缺少报价依据").exists()

    services.stage_advance(actor=world.pm, project=running)
    assert stage(running, "review").status == "in_approval"
    assert ApprovalRequest.objects.filter(object_id=str(running.pk), status="pending").count() == 1


def test_a_returned_gate_is_resubmitted_by_its_requester(world, running):
    approval = advance_to_review_approval(world, running)
    approval_decide(
        actor=world.south_manager, approval=approval, decision="return", comment="补充说明"
    )
    assert stage(running, "review").status == "returned"

    services.stage_advance(actor=world.pm, project=running)

    approval.refresh_from_db()
    assert approval.status == "pending"
    approval_decide(actor=world.south_manager, approval=approval, decision="approve")
    assert fresh(running).stage_code == "kickoff"


def test_an_approver_of_another_region_cannot_decide(world, running):
    approval = advance_to_review_approval(world, running)

    with pytest.raises(PermissionDenied):
        approval_decide(actor=world.east_manager, approval=approval, decision="approve")

    assert stage(running, "review").status == "in_approval"


def test_a_stage_that_cannot_be_skipped_is_not_skipped(world, running):
    with pytest.raises(ValidationError):
        services.stage_skip(actor=world.pm, project=running, reason="不需要")

    assert fresh(running).stage_code == "solution"
    assert not running.transitions.filter(action="skip").exists()


def test_a_skippable_stage_needs_a_reason_and_then_takes_repeated_submissions(world, running):
    approval = advance_to_review_approval(world, running)
    approval_decide(actor=world.south_manager, approval=approval, decision="approve")

    with pytest.raises(ValidationError):
        services.stage_skip(actor=world.pm, project=running, reason=" ")
    services.stage_skip(actor=world.pm, project=running, reason="客户已自行召开启动会")

    kickoff = stage(running, "kickoff")
    assert kickoff.status == "skipped"
    assert fresh(running).stage_code == "acceptance"
    first = services.stage_submission_add(
        actor=world.pm, project=running, stage=kickoff, title="第二次启动会纪要"
    )
    second = services.stage_submission_add(
        actor=world.pm, project=running, stage=kickoff, title="第三次启动会纪要"
    )
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(ValidationError):
        services.stage_submission_add(
            actor=world.pm, project=running, stage=stage(running, "solution"), title="x"
        )


def test_the_last_gate_finishes_the_flow(world, running):
    approval = advance_to_review_approval(world, running)
    approval_decide(actor=world.south_manager, approval=approval, decision="approve")
    services.stage_skip(actor=world.pm, project=running, reason="不需要")

    services.stage_advance(actor=world.pm, project=running)

    assert stage(running, "acceptance").status == "done"
    assert running.transitions.filter(action="finish").exists()
    with pytest.raises(ConflictError):
        services.stage_advance(actor=world.pm, project=running)


def test_uploads_are_versioned_and_checked(world, running):
    first = stage(running, "solution")
    one = services.project_document_upload(
        actor=world.pm, project=running, stage=first, document_type="proposal", upload=pdf()
    )
    two = services.project_document_upload(
        actor=world.pm, project=running, stage=first, document_type="proposal", upload=pdf()
    )
    assert (one.version, two.version) == (1, 2)

    bad = [
        SimpleUploadedFile("virus.exe", b"MZ\x90\x00"),
        SimpleUploadedFile("fake.pdf", b"MZ not a pdf"),
        pdf(content=b"%PDF" + b"x" * 2000),  # over the type's 1 KB limit
    ]
    for upload in bad:
        with pytest.raises(ValidationError) as error:
            services.project_document_upload(
                actor=world.pm,
                project=running,
                stage=first,
                document_type="proposal",
                upload=upload,
            )
        assert "file" in error.value.message_dict
    assert ProjectDocument.objects.filter(project=running).count() == 2


def test_a_closed_project_cannot_be_edited(world, running):
    Project.objects.filter(pk=running.pk).update(status=Project.Status.CLOSED)
    running.refresh_from_db()

    with pytest.raises(ConflictError):
        services.project_update(actor=world.pm, project=running, data={"name": "改名"})
    with pytest.raises(ConflictError):
        services.stage_advance(actor=world.pm, project=running)
    with pytest.raises(ConflictError):
        services.project_document_upload(
            actor=world.pm,
            project=running,
            stage=stage(running, "solution"),
            document_type="proposal",
            upload=pdf(),
        )
    assert fresh(running).name == "数据中心扩容"


def test_a_stale_version_is_refused(world, running):
    services.project_update(actor=world.pm, project=running, data={"amount": "5"}, version=1)

    with pytest.raises(ConflictError):
        services.project_update(actor=world.pm, project=running, data={"amount": "9"}, version=1)

    assert str(fresh(running).amount) == "5.00"


def test_people_outside_the_project_cannot_move_it(world, running):
    ready_first_gate(world, running)

    for outsider in (world.p2_user, world.east_manager, world.other_cm):
        with pytest.raises(PermissionDenied):
            services.stage_advance(actor=outsider, project=running)

    assert fresh(running).stage_code == "solution"
    doc_type()


def test_a_gate_condition_of_another_app_holds_the_stage_until_it_reports_none(
    world, running, monkeypatch
):
    """core.hooks.gate_condition: a condition registered by another app (here: a signed contract)
    keeps the stage from completing while it reports a problem, and lets it pass once it
    reports none."""
    signed = {"contract": False}
    seen = []

    def contract_signed(stage_obj: ProjectStage) -> dict[str, str]:
        seen.append(stage_obj.pk)
        return {} if signed["contract"] else {"contract": "Sign the contract first."}

    monkeypatch.setattr("qudao.core.hooks._gate_conditions", [contract_signed])
    ready_first_gate(world, running)
    solution = stage(running, "solution")
    before = fresh(running)

    with pytest.raises(ValidationError) as error:
        services.stage_advance(actor=world.pm, project=running)

    assert error.value.message_dict == {"contract": ["Sign the contract first."]}
    assert set(seen) == {solution.pk}
    after = fresh(running)
    assert (after.stage_code, after.version) == ("solution", before.version)
    assert stage(running, "solution").status == "active"
    assert running.transitions.count() == 1

    signed["contract"] = True
    services.stage_advance(actor=world.pm, project=fresh(running))

    assert fresh(running).stage_code == "review"
    assert stage(running, "solution").status == "done"
    assert running.transitions.count() == 2
