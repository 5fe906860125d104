"""Closing a project: its outcome (won / lost with a reason and the competitor), suspending and
resuming, the handover to operations (转运维, an approval with the delivered scope), follow-up
visits (回访) and the closing reports (the team's summary, the monitor's evaluation report), and
finally closing (archiving) it, after which it is read-only.

The project's status moves only along OUTCOME_MOVES, through `_move` and core.state, which checks
the move and writes the state-change audit entry.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import state
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, AuditEntry, Role, User
from qudao.core.scopes import can_see
from qudao.core.services.approvals import (
    ApprovalKind,
    StepSpec,
    approval_cancel,
    approval_open,
    approval_resubmit,
    approval_start,
)
from qudao.core.services.audit import audit_created, audit_record, audit_updated, snapshot
from qudao.core.services.notifications import notify

from ..models import FollowUpVisit, Handover, Project, ProjectMember, ProjectReport
from .cleaning import MAX_TEXT, ProjectCleaner
from .common import GATE, is_hq, locked, project_can_edit, require_edit
from .conflicts import project_keys_refresh

HANDOVER = "project_handover"  # the approval kind of a handover to operations
# Who approves a handover: the regional manager of the project's region (转运维审批).
HANDOVER_STEPS = [(gettext_lazy("Handover approval"), Role.Code.REGIONAL_MANAGER)]

Status = Project.Status
# The one map of allowed moves of a project's status (checked by core.state; the stages move
# separately, see services.stages).
OUTCOME_MOVES = {
    Status.ACTIVE: (Status.WON, Status.LOST, Status.SUSPENDED),
    Status.SUSPENDED: (Status.ACTIVE, Status.WON, Status.LOST),
    Status.WON: (Status.CLOSED,),
    Status.LOST: (Status.CLOSED,),
    Status.CLOSED: (),
}
# States in which the closing reports can be written: the project has its outcome.
REPORTABLE = (Status.WON, Status.LOST, Status.CLOSED)


def _move(
    actor: User,
    project: Project,
    new: str,
    *,
    version: int | None,
    note: str = "",
    fields: dict[str, Any] | None = None,
) -> Project:
    """Move the locked project to status `new` through core.state (OUTCOME_MOVES checked, the
    state change recorded), with `fields` set and its version bumped, and tell the owner."""
    row = locked(project, version)
    for field, value in (fields or {}).items():
        setattr(row, field, value)
    row.version += 1
    state.transition(
        row,
        new,
        OUTCOME_MOVES,
        actor=actor,
        note=note[:200],
        also=(*(fields or {}), "version", "updated_at"),
    )
    project_keys_refresh(row)  # only open projects are conflict candidates
    owner = row.owner
    if owner.pk != actor.pk:
        transaction.on_commit(
            lambda: notify(
                recipients=[owner],
                title=gettext_lazy("Project %(code)s is now %(status)s"),
                body=gettext_lazy("%(note)s"),
                params={"code": row.code, "status": Status(new).label, "note": note},
            )
        )
    return row


def _outcome_text(reason: str, competitor: str, *, reason_required: bool) -> tuple[str, str]:
    reason, competitor = (reason or "").strip(), (competitor or "").strip()
    errors = {}
    if reason_required and not reason:
        errors["reason"] = _("Give the reason the project was lost.")
    elif len(reason) > MAX_TEXT:
        errors["reason"] = _("Keep it under %(max)s characters.") % {"max": MAX_TEXT}
    if len(competitor) > 100:
        errors["competitor"] = _("Keep it under %(max)s characters.") % {"max": 100}
    if errors:
        raise ValidationError(errors)
    return reason, competitor


def project_win(
    *,
    actor: User,
    project: Project,
    reason: str = "",
    competitor: str = "",
    version: int | None = None,
) -> Project:
    """The contract is won: the project is WON from now (attainment counts this date); its
    stages go on (delivery, handover)."""
    require_edit(actor, project)
    reason, competitor = _outcome_text(reason, competitor, reason_required=False)
    with transaction.atomic():
        return _move(
            actor,
            project,
            Status.WON,
            version=version,
            note=reason,
            fields={"won_at": timezone.now(), "outcome_reason": reason, "competitor": competitor},
        )


def project_lose(
    *, actor: User, project: Project, reason: str, competitor: str = "", version: int | None = None
) -> Project:
    """The customer chose someone else: the reason is required, the competitor recorded. A lost
    project is final (read-only). Refused while a stage gate is in approval."""
    require_edit(actor, project)
    reason, competitor = _outcome_text(reason, competitor, reason_required=True)
    with transaction.atomic():
        if approval_open(project, GATE) is not None:
            raise ConflictError(
                _("A stage gate of this project is in approval; withdraw it first.")
            )
        return _move(
            actor,
            project,
            Status.LOST,
            version=version,
            note=reason,
            fields={
                "closed_at": timezone.now(),
                "outcome_reason": reason,
                "competitor": competitor,
            },
        )


def project_suspend(
    *, actor: User, project: Project, reason: str, version: int | None = None
) -> Project:
    require_edit(actor, project)
    reason = (reason or "").strip()
    if not reason or len(reason) > 2000:
        raise ValidationError({"reason": _("Give the reason for putting the project on hold.")})
    with transaction.atomic():
        return _move(actor, project, Status.SUSPENDED, version=version, note=reason)


def project_resume(*, actor: User, project: Project, version: int | None = None) -> Project:
    require_edit(actor, project)
    with transaction.atomic():
        return _move(actor, project, Status.ACTIVE, version=version)


def project_close(
    *, actor: User, project: Project, note: str = "", version: int | None = None
) -> Project:
    """Archive a won or lost project: from now on nothing of it changes (its closing reports
    may still be completed). Vendor staff only; not while a handover or gate is in approval."""
    require_edit(actor, project)
    if actor.is_partner_user:
        raise PermissionDenied(_("Only vendor staff can close a project."))
    note = (note or "").strip()[:2000]
    with transaction.atomic():
        if (
            approval_open(project, GATE) is not None
            or project.handovers.filter(status__in=Handover.OPEN).exists()
        ):
            raise ConflictError(_("An approval of this project is still open; finish it first."))
        fields = {} if project.closed_at else {"closed_at": timezone.now()}
        return _move(actor, project, Status.CLOSED, version=version, note=note, fields=fields)


# --- handover to operations ---------------------------------------------------------------------


def _clean_handover(data: dict[str, Any]) -> dict[str, Any]:
    c = ProjectCleaner(data)
    c.text("scope", required=True, max_length=MAX_TEXT)
    c.text("operations_contact", max_length=100)
    c.date("handover_date", required=True)
    c.text("note", max_length=MAX_TEXT)
    return c.check()


def handover_request(*, actor: User, project: Project, data: dict[str, Any]) -> Handover:
    """Hand a won project to operations with the delivered scope; the handover approval starts
    (the regional manager decides)."""
    require_edit(actor, project)
    values = _clean_handover(data)
    with transaction.atomic():
        project = locked(project)
        if project.status != Status.WON:
            raise ConflictError(_("Only a won project can be handed over to operations."))
        if project.handovers.filter(status__in=[*Handover.OPEN, Handover.Status.APPROVED]).exists():
            raise ConflictError(_("This project already has a handover in approval or done."))
        handover = Handover.objects.create(project=project, requested_by=actor, **values)
        handover.approval = approval_start(
            actor=actor,
            target=project,
            kind=HANDOVER,
            title=gettext_lazy("Handover to operations: %(code)s %(name)s"),
            title_params={"code": project.code, "name": project.name},
            steps=[StepSpec(name=name, role=role) for name, role in HANDOVER_STEPS],
            payload={"handover_id": handover.pk, "scope": values["scope"][:500]},
        )
        handover.save(update_fields=["approval"])
        audit_created(actor=actor, obj=handover, note=project.code)
    return handover


def handover_resubmit(
    *, actor: User, handover: Handover, data: dict[str, Any] | None = None
) -> Handover:
    """Send a returned handover again, with its scope corrected."""
    require_edit(actor, handover.project)
    values = _clean_handover(data) if data else {}
    with transaction.atomic():
        handover = Handover.objects.select_for_update().get(pk=handover.pk)
        if handover.status != Handover.Status.RETURNED or handover.approval is None:
            raise ConflictError(_("Only a returned handover can be submitted again."))
        before = snapshot(handover)
        for field, value in values.items():
            setattr(handover, field, value)
        handover.status = Handover.Status.IN_APPROVAL
        handover.save()
        approval_resubmit(actor=actor, approval=handover.approval)
        audit_updated(actor=actor, obj=handover, before=before, note=handover.project.code)
    return handover


def handover_cancel(*, actor: User, handover: Handover) -> Handover:
    """Withdraw a handover in approval (its requester)."""
    if handover.approval is None or not handover.approval.is_open:
        raise ConflictError(_("This handover is not in approval."))
    approval_cancel(actor=actor, approval=handover.approval)
    handover.refresh_from_db()
    return handover


def _handover_of(approval: ApprovalRequest) -> Handover:
    return (
        Handover.objects.select_for_update(of=("self",))
        .select_related("project__owner")
        .get(pk=approval.payload["handover_id"])
    )


def _handover_decided(status: str):
    def hook(approval: ApprovalRequest, actor: User) -> None:
        handover = _handover_of(approval)
        handover.status = status
        if status in (Handover.Status.APPROVED, Handover.Status.REJECTED):
            handover.decided_at = timezone.now()
        handover.save(update_fields=["status", "decided_at"])
        audit_record(
            actor=actor,
            obj=handover,
            action=AuditEntry.Action.STATE,
            changes={"status": [None, status]},
            note=handover.project.code,
        )
        owner, project = handover.project.owner, handover.project
        if status != Handover.Status.CANCELLED:
            transaction.on_commit(
                lambda: notify(
                    recipients=[owner],
                    title=gettext_lazy("Handover to operations %(status)s: %(code)s"),
                    params={"status": Handover.Status(status).label, "code": project.code},
                )
            )

    return hook


def _handover_panel(approval, viewer):
    from ..selectors.approvals import handover_panel

    return handover_panel(approval, viewer)


# Registered in the app's ready() (core.hooks.approval_kind).
HANDOVER_KIND = ApprovalKind(
    code=HANDOVER,
    label=gettext_lazy("Handover to operations"),
    on_approved=_handover_decided(Handover.Status.APPROVED),
    on_rejected=_handover_decided(Handover.Status.REJECTED),
    on_returned=_handover_decided(Handover.Status.RETURNED),
    on_cancelled=_handover_decided(Handover.Status.CANCELLED),
    panel=_handover_panel,
    amount=lambda project: project.amount,
)


# --- follow-up visits ---------------------------------------------------------------------------


def visit_record(*, actor: User, project: Project, data: dict[str, Any]) -> FollowUpVisit:
    """A follow-up visit to the customer of a won project (phone, on site, WeChat or paper),
    with the satisfaction score (1–5)."""
    require_edit(actor, project)
    c = ProjectCleaner(data)
    c.choice("method", FollowUpVisit.Method)
    visited_on = c.date("visited_on", required=True)
    c.text("contact", max_length=100)
    c.score("satisfaction")
    c.text("notes", max_length=MAX_TEXT)
    if visited_on and visited_on > timezone.localdate():
        c.errors["visited_on"] = _("The visit date is in the future.")
    values = c.check()
    with transaction.atomic():
        project = locked(project)
        if project.status != Status.WON:
            raise ConflictError(_("Follow-up visits are for won projects that are not closed."))
        visit = FollowUpVisit.objects.create(project=project, visited_by=actor, **values)
        audit_created(actor=actor, obj=visit, note=project.code)
    return visit


# --- closing reports ----------------------------------------------------------------------------


def project_can_evaluate(user: User, project: Project) -> bool:
    """The evaluation report is written by a project monitor (监控人): a monitor of this
    project's team, or a holder of the monitor role who can see it; HQ may too."""
    if not (user.is_authenticated and user.is_active) or user.is_partner_user:
        return False
    if is_hq(user):
        return True
    if user.has_role(Role.Code.MONITOR) and can_see(user, project):
        return True
    return ProjectMember.objects.filter(
        project=project, user=user, role=ProjectMember.Role.MONITOR
    ).exists()


def report_can_write(user: User, project: Project, kind: str) -> bool:
    if kind == ProjectReport.Kind.EVALUATION:
        return project_can_evaluate(user, project)
    return project_can_edit(user, project) and not (
        user.is_partner_user and project.partner_id is None
    )


def report_save(
    *,
    actor: User,
    project: Project,
    kind: str,
    data: dict[str, Any],
    finalise: bool = False,
) -> ProjectReport:
    """Write or revise the project's summary (the team) or evaluation report (the monitor) once
    the project has its outcome; `finalise` freezes it. The evaluation needs a rating."""
    if kind not in ProjectReport.Kind.values:
        raise ValidationError({"kind": _("Choose the summary or the evaluation report.")})
    if not report_can_write(actor, project, kind):
        raise PermissionDenied(
            _("Only a project monitor can write the evaluation report.")
            if kind == ProjectReport.Kind.EVALUATION
            else _("You cannot change this project.")
        )
    c = ProjectCleaner(data)
    c.text("body", required=True, max_length=20_000)
    c.text("problems", max_length=MAX_TEXT)
    c.text("team_performance", max_length=MAX_TEXT)
    c.score("rating", required=kind == ProjectReport.Kind.EVALUATION)
    values = c.check()
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.status not in REPORTABLE:
            raise ConflictError(
                _("The closing reports are written once the project is won or lost.")
            )
        report = (
            ProjectReport.objects.select_for_update().filter(project=project, kind=kind).first()
        )
        if report is not None and report.is_final:
            raise ConflictError(_("This report is final; it can no longer change."))
        created = report is None
        report = report or ProjectReport(project=project, kind=kind, author=actor)
        before = None if created else snapshot(report)
        for field, value in values.items():
            setattr(report, field, value)
        report.author = actor
        if finalise:
            report.status = ProjectReport.Status.FINAL
            report.finalised_at = timezone.now()
        report.save()
        if created:
            audit_created(actor=actor, obj=report, note=project.code)
        else:
            audit_updated(actor=actor, obj=report, before=before, note=project.code)
    return report
