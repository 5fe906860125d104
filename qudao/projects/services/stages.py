"""Stage gates: advancing checks the current stage's required documents and checklist, then
either moves on at once or starts the stage's approval (an ApprovalKind whose hooks move the
project on, or return the stage with the reason, inside the deciding transaction). Skipping is
allowed only for skippable stages, with a reason. Every move writes a StageTransition and an
audit entry. Drafts of stage data and repeated submissions (repeatable stages, even when done)."""

import json
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from qudao.core import hooks
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, AuditEntry, User
from qudao.core.services.approvals import (
    ApprovalKind,
    StepSpec,
    approval_open,
    approval_resubmit,
    approval_start,
)
from qudao.core.services.audit import audit_record
from qudao.core.services.notifications import notify

from ..models import Project, ProjectStage, StageDefinition, StageSubmission, StageTransition
from .common import (
    GATE,
    locked_editable,
    locked_moving,
    require_edit,
    save,
    transition_record,
)

Status = ProjectStage.Status
Action = StageTransition.Action
MAX_DRAFT_CHARS = 20_000
# The name a submission is recorded under in the project's history (no field of Project: the
# history shows it translated, as "Submissions").
SUBMISSIONS = gettext_noop("submissions")


def _current(project: Project) -> ProjectStage:
    stage = (
        ProjectStage.objects.select_related("definition")
        .filter(pk=project.current_stage_id)
        .first()
    )
    if stage is None or stage.status in (Status.DONE, Status.SKIPPED):
        raise ConflictError(_("Every stage of this project is finished."))
    return stage


def gate_problems(stage: ProjectStage) -> dict[str, str]:
    """What keeps `stage` from passing its gate: missing documents, unticked checklist items,
    and what the other apps' gate conditions (core.hooks.gate_condition) report."""
    problems = {}
    required = list(stage.definition.document_types.all())
    present = set(stage.documents.values_list("document_type_id", flat=True))
    missing = [doc.name for doc in required if doc.pk not in present]
    if missing:
        problems["documents"] = _("Upload the required documents first: %(names)s.") % {
            "names": "、".join(missing)
        }
    ticked = set(stage.checklist_done)
    open_items = [item for i, item in enumerate(stage.definition.checklist) if i not in ticked]
    if open_items:
        problems["checklist"] = _("Complete the checklist first: %(items)s.") % {
            "items": "、".join(open_items)
        }
    for condition in hooks.gate_conditions():
        problems.update(condition(stage))
    return problems


def gate_steps(definition: StageDefinition) -> list[StepSpec]:
    if definition.approval == StageDefinition.Approval.ROLE:
        return [StepSpec(name=definition.name, role=definition.approval_role)]
    users = {
        user.pk: user
        for user in User.objects.filter(
            pk__in=[s["user"] for s in definition.approval_chain if s.get("user")]
        )
    }
    return [
        StepSpec(name=step["name"], role=step.get("role", ""), approver=users.get(step.get("user")))
        for step in definition.approval_chain
    ]


def _move_on(
    project: Project,
    stage: ProjectStage,
    *,
    actor: User | None,
    action: str,
    comment: str = "",
    status: str = Status.DONE,
) -> None:
    """Close `stage` (done or skipped) and make the next pending stage current."""
    now = timezone.now()
    stage.status = status
    stage.completed_at = now
    stage.return_reason = ""
    stage.save(update_fields=["status", "completed_at", "return_reason"])
    following = (
        project.stages.select_related("definition")
        .filter(order__gt=stage.order, status=Status.PENDING)
        .order_by("order")
        .first()
    )
    fields = []
    if following is not None:
        following.status = Status.ACTIVE
        following.entered_at = now
        following.save(update_fields=["status", "entered_at"])
        project.current_stage = following
        project.stage_code = following.definition.code
        project.stage_entered_at = now
        fields = ["current_stage", "stage_code", "stage_entered_at"]
    save(project, fields)
    transition_record(
        project, action, actor=actor, from_stage=stage, to_stage=following, comment=comment
    )
    if following is None and action != Action.SKIP:
        transition_record(project, Action.FINISH, actor=actor, from_stage=stage)


def stage_advance(
    *,
    actor: User,
    project: Project,
    version: int | None = None,
    comment: str = "",
    stage: Any = None,
    checklist_done: list[int] | None = None,
    data: dict[str, Any] | None = None,
) -> Project:
    """Pass the current stage's gate: documents and checklist complete, then its approval (if
    any) starts, else the next stage becomes current. Nothing moves when a check fails.

    The stage page completes a stage from the form that holds its checklist: `checklist_done`
    and `data` (the ticks and draft as the page shows them) are saved first, and kept even when
    the gate then refuses, so what is ticked on the page is what the gate checks and nothing
    typed is lost. `stage`, when given, must be the current stage (else the page is stale)."""
    require_edit(actor, project)
    comment = (comment or "").strip()[:2000]
    with transaction.atomic():
        project = locked_moving(project, version)
        current = _current(project)
        if stage is not None and getattr(stage, "pk", stage) != current.pk:
            raise ConflictError(
                _("Someone else changed this project meanwhile; reload it and try again.")
            )
        if current.status == Status.IN_APPROVAL:
            raise ConflictError(_("This stage is already in approval."))
        if checklist_done is not None or data is not None:
            _draft_check(current, checklist_done, data)
            _draft_apply(current, checklist_done, data)
            save(project, [])
        problems = gate_problems(current)
        if not problems:
            _gate_pass(project, current, actor=actor, comment=comment)
    if problems:
        raise ValidationError(problems)
    return project


def _gate_pass(project: Project, stage: ProjectStage, *, actor: User, comment: str) -> None:
    """The checks passed: move on, or start (or resubmit) the stage's approval."""
    definition = stage.definition
    if definition.approval == StageDefinition.Approval.NONE:
        _move_on(project, stage, actor=actor, action=Action.ADVANCE, comment=comment)
        return
    returned = approval_open(project, GATE)
    if returned is not None and returned.status == ApprovalRequest.Status.RETURNED:
        if returned.requested_by_id != actor.pk:
            raise PermissionDenied(
                _("Only %(name)s, who submitted this gate, can submit it again.")
                % {"name": returned.requested_by}
            )
        approval_resubmit(actor=actor, approval=returned, comment=comment)
    elif returned is not None:
        raise ConflictError(_("This project already has a gate in approval."))
    else:
        approval_start(
            actor=actor,
            target=project,
            kind=GATE,
            title=gettext_lazy("%(code)s %(name)s: %(stage)s"),
            title_params={"code": project.code, "name": project.name, "stage": definition.name},
            steps=gate_steps(definition),
            payload={"stage_id": stage.pk, "stage": definition.code, "comment": comment},
        )
    stage.status = Status.IN_APPROVAL
    stage.save(update_fields=["status"])
    save(project, [])
    transition_record(
        project, Action.SUBMIT, actor=actor, from_stage=stage, to_stage=stage, comment=comment
    )


def stage_skip(
    *, actor: User, project: Project, reason: str, version: int | None = None
) -> Project:
    """Skip the current stage (only a skippable one), with a reason."""
    require_edit(actor, project)
    reason = (reason or "").strip()[:2000]
    with transaction.atomic():
        project = locked_moving(project, version)
        stage = _current(project)
        if not stage.definition.skippable:
            raise ValidationError(
                _("The stage %(name)s cannot be skipped.") % {"name": stage.definition.name}
            )
        if stage.status == Status.IN_APPROVAL:
            raise ConflictError(_("This stage is in approval; it cannot be skipped now."))
        if not reason:
            raise ValidationError({"reason": _("Give the reason for skipping.")})
        _move_on(
            project, stage, actor=actor, action=Action.SKIP, comment=reason, status=Status.SKIPPED
        )
    return project


def _stage_of(project: Project, stage: Any) -> ProjectStage:
    found = (
        ProjectStage.objects.select_related("definition")
        .filter(pk=getattr(stage, "pk", stage), project=project)
        .first()
    )
    if found is None:
        raise ValidationError({"stage": _("Choose a stage of this project.")})
    return found


def _too_large(data) -> bool:
    """Draft or submission data that is not a dict, or too long to keep (as JSON)."""
    return not isinstance(data, dict) or len(json.dumps(data, ensure_ascii=False)) > MAX_DRAFT_CHARS


def _draft_check(
    stage: ProjectStage, checklist_done: list[int] | None, data: dict[str, Any] | None
) -> None:
    """Refuse ticks outside the stage's checklist and a draft too large to keep."""
    errors = {}
    if checklist_done is not None:
        size = len(stage.definition.checklist)
        if any(not isinstance(i, int) or not 0 <= i < size for i in checklist_done):
            errors["checklist_done"] = _("Tick items of this stage's checklist only.")
    if data is not None and _too_large(data):
        errors["data"] = _("The draft is too large.")
    if errors:
        raise ValidationError(errors)


def _draft_apply(
    stage: ProjectStage, checklist_done: list[int] | None, data: dict[str, Any] | None
) -> None:
    """Keep the ticks and the draft on the (locked) stage row."""
    fields = []
    if checklist_done is not None:
        stage.checklist_done = sorted(set(checklist_done))
        fields.append("checklist_done")
    if data is not None:
        stage.draft = data
        fields.append("draft")
    stage.save(update_fields=fields)


def stage_save_draft(
    *,
    actor: User,
    project: Project,
    stage: Any,
    checklist_done: list[int] | None = None,
    data: dict[str, Any] | None = None,
    version: int | None = None,
) -> ProjectStage:
    """Tick checklist items and keep draft data of a stage that is not closed or in approval,
    to complete later."""
    require_edit(actor, project)
    stage = _stage_of(project, stage)
    _draft_check(stage, checklist_done, data)
    with transaction.atomic():
        project = locked_editable(project, version)
        stage = (
            ProjectStage.objects.select_for_update(of=("self",))
            .select_related("definition")
            .get(pk=stage.pk)
        )
        if stage.status not in (Status.PENDING, *ProjectStage.WORKABLE):
            raise ConflictError(
                _("This stage is %(status)s; its checklist and draft cannot change.")
                % {"status": stage.get_status_display()}
            )
        _draft_apply(stage, checklist_done, data)
        save(project, [])
    return stage


def stage_submission_add(
    *, actor: User, project: Project, stage: Any, title: str, data: dict[str, Any] | None = None
) -> StageSubmission:
    """Another submission of a repeatable stage (e.g. the minutes of a further kickoff meeting),
    accepted while the stage runs and after it is done."""
    require_edit(actor, project)
    stage = _stage_of(project, stage)
    title = (title or "").strip()
    errors = {}
    if not stage.definition.repeatable:
        errors["stage"] = _("This stage does not take repeated submissions.")
    if not title or len(title) > 200:
        errors["title"] = _("Give a title of up to 200 characters.")
    if data is not None and _too_large(data):
        errors["data"] = _("The data is too large.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = locked_editable(project)
        if stage.status == Status.PENDING:
            raise ConflictError(_("This stage has not started yet."))
        number = (stage.submissions.aggregate(top=Max("number"))["top"] or 0) + 1
        submission = StageSubmission.objects.create(
            stage=stage, number=number, title=title, data=data or {}, submitted_by=actor
        )
        save(project, [])
        audit_record(
            actor=actor,
            obj=project,
            action=AuditEntry.Action.UPDATE,
            changes={SUBMISSIONS: [None, f"{stage.definition.name} #{number}: {title}"]},
        )
    return submission


# --- the gate approval's hooks (run inside the deciding transaction) ---------------------------


def _gate_stage(approval: ApprovalRequest) -> tuple[Project, ProjectStage]:
    project = Project.objects.select_for_update().get(pk=approval.object_id)
    stage = ProjectStage.objects.select_related("definition").get(
        pk=approval.payload["stage_id"], project=project
    )
    if stage.status != Status.IN_APPROVAL:
        raise ConflictError(_("This stage is no longer in approval."))
    return project, stage


def _last_comment(approval: ApprovalRequest) -> str:
    step = approval.steps.exclude(comment="").order_by("-decided_at", "-order").first()
    return step.comment if step else ""


def _on_gate_approved(approval: ApprovalRequest, actor: User) -> None:
    project, stage = _gate_stage(approval)
    _move_on(project, stage, actor=actor, action=Action.APPROVE, comment=_last_comment(approval))
    _notify_owner(project, gettext_lazy("Gate approved: %(code)s %(stage)s"), stage, "")


def _send_back(approval: ApprovalRequest, actor: User, action: str) -> None:
    project, stage = _gate_stage(approval)
    reason = _last_comment(approval)
    stage.status = Status.RETURNED
    stage.return_reason = reason
    stage.save(update_fields=["status", "return_reason"])
    save(project, [])
    transition_record(
        project, action, actor=actor, from_stage=stage, to_stage=stage, comment=reason
    )
    _notify_owner(project, gettext_lazy("Gate sent back: %(code)s %(stage)s"), stage, reason)


def _on_gate_rejected(approval: ApprovalRequest, actor: User) -> None:
    _send_back(approval, actor, Action.REJECT)


def _on_gate_returned(approval: ApprovalRequest, actor: User) -> None:
    _send_back(approval, actor, Action.RETURN)


def _on_gate_cancelled(approval: ApprovalRequest, actor: User) -> None:
    project, stage = _gate_stage(approval)
    stage.status = Status.ACTIVE
    stage.save(update_fields=["status"])
    save(project, [])


def _notify_owner(project: Project, title, stage: ProjectStage, reason: str) -> None:
    owner = project.owner
    transaction.on_commit(
        lambda: notify(
            recipients=[owner],
            title=title,
            body=gettext_lazy("%(reason)s"),
            params={"code": project.code, "stage": stage.definition.name, "reason": reason},
        )
    )


def _gate_panel(approval, viewer):
    from ..selectors.approvals import gate_panel

    return gate_panel(approval, viewer)


# Registered in the app's ready() (core.hooks.approval_kind).
GATE_KIND = ApprovalKind(
    code=GATE,
    label=gettext_lazy("Project stage gate"),
    on_approved=_on_gate_approved,
    on_rejected=_on_gate_rejected,
    on_returned=_on_gate_returned,
    on_cancelled=_on_gate_cancelled,
    panel=_gate_panel,
    amount=lambda project: project.amount,
)
