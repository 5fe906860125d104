"""The stages tab: every stage of the project with its status, target against actual days,
required documents (missing ones marked), checklist ticks and draft, repeated submissions; and
the gate actions — complete the current stage (from the one form that holds its ticks), skip
with a reason, and for the gate's approver approve / reject / return through the core approval
services with the approval's version."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qudao.core.selectors import approval_detail
from qudao.core.services.approvals import approval_decide, can_decide
from qudao.core.web import attempt_form_message, get_or_404

from .. import services
from ..forms.stages import (
    AdvanceForm,
    GateDecisionForm,
    SkipForm,
    StageDraftForm,
    StageWorkForm,
    SubmissionForm,
)
from ..models import ProjectStage
from ..selectors.stages import (
    gate_approval_get,
    gate_approval_open,
    project_stage_get,
    project_stages,
    stage_submissions,
)
from ..services.common import MOVING
from .base import item_action_view, project_action_view, project_or_404, render_tab
from .overview import STAGE_COLOURS


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
    editable = services.project_can_change(user, project)
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
        can_advance = moving and current and stage.status in ProjectStage.WORKABLE
        rows.append(
            row
            | {
                "current": current,
                "colour": STAGE_COLOURS.get(stage.status, "light"),
                "days": days,
                "late": days is not None and days > definition.target_days,
                "submissions": submissions.get(stage.pk, []),
                # The current stage's form also completes it (StageWorkForm), so its ticks go
                # with "Complete the stage" whether or not "Save draft" was clicked.
                "draft_form": (StageWorkForm if can_advance else StageDraftForm)(
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
                "can_advance": can_advance,
                "can_skip": moving
                and current
                and definition.skippable
                and stage.status in ProjectStage.WORKABLE,
            }
        )
    context = {
        "rows": rows,
        "gate": _gate(request, project),
        "skip_form": SkipForm(initial={"version": project.version}),
    }
    return render_tab(request, project, "stages", "projects/stages.html", context)


TAB = "projects:project-stages"


def _back(project):
    return redirect(TAB, pk=project.pk)


stage_advance = project_action_view(
    TAB,
    lambda request, project, data: services.stage_advance(
        actor=request.user, project=project, version=data["version"], comment=data["comment"]
    ),
    gettext_lazy("The stage gate has been passed or submitted for approval."),
    form=AdvanceForm,
    invalid=gettext_lazy("Reload the page and try again."),
)
stage_skip = project_action_view(
    TAB,
    lambda request, project, data: services.stage_skip(
        actor=request.user, project=project, reason=data["reason"], version=data["version"]
    ),
    gettext_lazy("The stage has been skipped."),
    form=SkipForm,
    invalid=gettext_lazy("Give the reason for skipping."),
)

stage_draft = item_action_view(
    TAB,
    project_stage_get,
    lambda request, project, stage, data: services.stage_save_draft(
        actor=request.user,
        project=project,
        stage=stage,
        checklist_done=data["checklist"],
        data={**(stage.draft or {}), "notes": data["notes"]},
        version=data["version"],
    ),
    gettext_lazy("Draft saved."),
    form=lambda data, project, stage: StageDraftForm(
        data, definition=stage.definition, prefix=f"s{stage.pk}"
    ),
    invalid=gettext_lazy("Tick items of this stage's checklist only."),
)
stage_complete = item_action_view(
    TAB,
    project_stage_get,
    lambda request, project, stage, data: services.stage_advance(
        actor=request.user,
        project=project,
        version=data["version"],
        comment=data["comment"],
        stage=stage,
        checklist_done=data["checklist"],
        data={**(stage.draft or {}), "notes": data["notes"]},
    ),
    gettext_lazy("The stage gate has been passed or submitted for approval."),
    form=lambda data, project, stage: StageWorkForm(
        data, definition=stage.definition, prefix=f"s{stage.pk}"
    ),
    invalid=gettext_lazy("Tick items of this stage's checklist only."),
)
stage_submission = item_action_view(
    TAB,
    project_stage_get,
    lambda request, project, stage, data: services.stage_submission_add(
        actor=request.user,
        project=project,
        stage=stage,
        title=data["title"],
        data={"text": data["text"]} if data["text"] else {},
    ),
    gettext_lazy("Submission added."),
    form=lambda data, project, stage: SubmissionForm(data, prefix=f"sub{stage.pk}"),
    invalid=gettext_lazy("Give a title of up to 200 characters."),
)


@login_required
@require_POST
def gate_decide(request, pk, approval_pk):
    project = project_or_404(request.user, pk)
    approval = get_or_404(gate_approval_get, request.user, project, approval_pk)
    attempt_form_message(
        request,
        GateDecisionForm(request.POST),
        lambda data: approval_decide(
            actor=request.user,
            approval=approval,
            decision=data["decision"],
            comment=data["comment"],
            version=data["version"],
        ),
        _("Your decision has been recorded."),
        invalid=_("Reload the page and try again."),
    )
    return _back(project)


urlpatterns = [
    path("<int:pk>/stages/", stage_list, name="project-stages"),
    path("<int:pk>/stages/advance/", stage_advance, name="stage-advance"),
    path("<int:pk>/stages/skip/", stage_skip, name="stage-skip"),
    path("<int:pk>/stages/<int:item_pk>/draft/", stage_draft, name="stage-draft"),
    path("<int:pk>/stages/<int:item_pk>/complete/", stage_complete, name="stage-complete"),
    path(
        "<int:pk>/stages/<int:item_pk>/submissions/",
        stage_submission,
        name="stage-submission-add",
    ),
    path("<int:pk>/gates/<int:approval_pk>/decide/", gate_decide, name="gate-decide"),
]
