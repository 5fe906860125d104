"""The stages tab: every stage of the project with its status, target against actual days,
required documents (missing ones marked), checklist ticks and draft, repeated submissions; and
the gate actions — advance, skip with a reason, and for the gate's approver approve / reject /
return through the core approval services with the approval's version."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.selectors import approval_detail
from qudao.core.services.approvals import approval_decide, can_decide

from .. import services
from ..forms import AdvanceForm, GateDecisionForm, SkipForm, StageDraftForm, SubmissionForm
from ..models import ProjectStage
from ..selectors import (
    gate_approval_get,
    gate_approval_open,
    project_stage_get,
    project_stages,
    stage_submissions,
)
from ..services.common import MOVING
from .base import project_or_404, refusal, render_tab
from .overview import STAGE_COLOURS
from .tabs import register_tab


def _days(stage: ProjectStage, now) -> int | None:
    if stage.entered_at is None:
        return None
    return ((stage.completed_at or now) - stage.entered_at).days


def _gate(request, project) -> dict:
    """The open gate approval with its steps and whether this user decides the current one."""
    approval = gate_approval_open(request.user, project)
    if approval is None:
        return {}
    detail = approval_detail(approval)
    step = detail["current_step"]
    decides = can_decide(request.user, step)
    return {
        "approval": approval,
        "steps": detail["steps"],
        "current_step": step,
        "can_decide": decides,
        "form": GateDecisionForm(initial={"version": approval.version}) if decides else None,
    }


@login_required
def stage_list(request, pk):
    user = request.user
    project = project_or_404(user, pk)
    editable = services.can_edit(user, project) and project.is_editable
    moving = editable and project.status in MOVING
    submissions = stage_submissions(project)
    now = timezone.now()
    rows = []
    for row in project_stages(project):
        stage = row["stage"]
        definition = row["definition"]
        current = stage.pk == project.current_stage_id
        workable = editable and stage.status in ProjectStage.WORKABLE
        days = _days(stage, now)
        rows.append(
            row
            | {
                "current": current,
                "colour": STAGE_COLOURS.get(stage.status, "light"),
                "days": days,
                "late": days is not None and days > definition.target_days,
                "submissions": submissions.get(stage.pk, []),
                "draft_form": StageDraftForm(
                    definition=definition,
                    initial={
                        "checklist": stage.checklist_done,
                        "notes": (stage.draft or {}).get("notes", ""),
                        "version": project.version,
                    },
                    prefix=f"s{stage.pk}",
                )
                if workable
                else None,
                "submission_form": SubmissionForm(prefix=f"sub{stage.pk}")
                if editable and definition.repeatable and stage.status != stage.Status.PENDING
                else None,
                "can_advance": moving and current and stage.status in ProjectStage.WORKABLE,
                "can_skip": moving
                and current
                and definition.skippable
                and stage.status in ProjectStage.WORKABLE,
            }
        )
    context = {
        "rows": rows,
        "gate": _gate(request, project),
        "advance_form": AdvanceForm(initial={"version": project.version}),
        "skip_form": SkipForm(initial={"version": project.version}),
    }
    return render_tab(request, project, "stages", "projects/stages.html", context)


def _back(project):
    return redirect("projects:project-stages", pk=project.pk)


@login_required
@require_POST
def stage_advance(request, pk):
    project = project_or_404(request.user, pk)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return _back(project)
    try:
        services.stage_advance(
            actor=request.user,
            project=project,
            version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
        )
    except (ValidationError, ConflictError, PermissionDenied) as refused:
        messages.error(request, refusal(refused))
    else:
        messages.success(request, _("The stage gate has been passed or submitted for approval."))
    return _back(project)


@login_required
@require_POST
def stage_skip(request, pk):
    project = project_or_404(request.user, pk)
    form = SkipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for skipping."))
        return _back(project)
    try:
        services.stage_skip(
            actor=request.user,
            project=project,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        )
    except (ValidationError, ConflictError, PermissionDenied) as refused:
        messages.error(request, refusal(refused))
    else:
        messages.success(request, _("The stage has been skipped."))
    return _back(project)


def _stage_or_404(project, stage_pk) -> ProjectStage:
    try:
        return project_stage_get(project, stage_pk)
    except ObjectDoesNotExist:
        raise Http404 from None


@login_required
@require_POST
def stage_draft(request, pk, stage_pk):
    project = project_or_404(request.user, pk)
    stage = _stage_or_404(project, stage_pk)
    form = StageDraftForm(request.POST, definition=stage.definition, prefix=f"s{stage.pk}")
    if not form.is_valid():
        messages.error(request, _("Tick items of this stage's checklist only."))
        return _back(project)
    draft = dict(stage.draft or {})
    draft["notes"] = form.cleaned_data["notes"]
    try:
        services.stage_save_draft(
            actor=request.user,
            project=project,
            stage=stage,
            checklist_done=form.cleaned_data["checklist"],
            data=draft,
            version=form.cleaned_data["version"],
        )
    except (ValidationError, ConflictError, PermissionDenied) as refused:
        messages.error(request, refusal(refused))
    else:
        messages.success(request, _("Draft saved."))
    return _back(project)


@login_required
@require_POST
def stage_submission(request, pk, stage_pk):
    project = project_or_404(request.user, pk)
    stage = _stage_or_404(project, stage_pk)
    form = SubmissionForm(request.POST, prefix=f"sub{stage.pk}")
    if not form.is_valid():
        messages.error(request, _("Give a title of up to 200 characters."))
        return _back(project)
    text = form.cleaned_data["text"]
    try:
        services.stage_submission_add(
            actor=request.user,
            project=project,
            stage=stage,
            title=form.cleaned_data["title"],
            data={"text": text} if text else {},
        )
    except (ValidationError, ConflictError, PermissionDenied) as refused:
        messages.error(request, refusal(refused))
    else:
        messages.success(request, _("Submission added."))
    return _back(project)


@login_required
@require_POST
def gate_decide(request, pk, approval_pk):
    project = project_or_404(request.user, pk)
    try:
        approval = gate_approval_get(request.user, project, approval_pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    form = GateDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return _back(project)
    try:
        approval_decide(
            actor=request.user,
            approval=approval,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
            version=form.cleaned_data["version"],
        )
    except (ValidationError, ConflictError, PermissionDenied) as refused:
        messages.error(request, refusal(refused))
    else:
        messages.success(request, _("Your decision has been recorded."))
    return _back(project)


urlpatterns = [
    path("<int:pk>/stages/", stage_list, name="project-stages"),
    path("<int:pk>/stages/advance/", stage_advance, name="stage-advance"),
    path("<int:pk>/stages/skip/", stage_skip, name="stage-skip"),
    path("<int:pk>/stages/<int:stage_pk>/draft/", stage_draft, name="stage-draft"),
    path(
        "<int:pk>/stages/<int:stage_pk>/submissions/",
        stage_submission,
        name="stage-submission-add",
    ),
    path("<int:pk>/gates/<int:approval_pk>/decide/", gate_decide, name="gate-decide"),
]

register_tab("stages", gettext_lazy("Stages"), "projects:project-stages", order=20)
