"""The "Closing" tab: the outcome (win / loss with reason and competitor, suspend, resume, close),
the handover to operations (转运维, an approval), follow-up visits (回访) and the closing reports
(the team's summary, the monitor's evaluation report) with a print-friendly page of them all."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError

from .. import selectors_work as reads
from ..forms_work import (
    CompetitionForm,
    HandoverForm,
    NoteForm,
    OutcomeForm,
    ReportForm,
    VisitForm,
)
from ..models import Handover, Project, ProjectReport
from ..services import closing as services
from ..services.competition import project_competition_set
from .base import project_or_404, refusal, render_tab
from .tabs import register_tab
from .work_base import attempt, child_or_404

Status = Project.Status


def _report_initial(report):
    if report is None:
        return {}
    return {
        "rating": str(report.rating or ""),
        "body": report.body,
        "problems": report.problems,
        "team_performance": report.team_performance,
    }


def _render(request, project, forms=None):
    """The tab; `forms` replaces the blank form of the part that failed (by key)."""
    user = request.user
    forms = forms or {}
    can = reads.closing_permissions(user, project)
    status = project.status
    handovers = list(reads.handovers_of(project))
    for handover in handovers:
        mine = handover.requested_by_id == user.pk
        handover.can_resubmit = mine and handover.status == Handover.Status.RETURNED
        handover.can_cancel = mine and handover.status in Handover.OPEN
    busy = any(h.status in (*Handover.OPEN, Handover.Status.APPROVED) for h in handovers)
    reports = reads.reports_of(project)
    report_parts = []
    for kind, label, allowed in (
        (ProjectReport.Kind.SUMMARY, ProjectReport.Kind.SUMMARY.label, can["summary"]),
        (ProjectReport.Kind.EVALUATION, ProjectReport.Kind.EVALUATION.label, can["evaluation"]),
    ):
        report = reports.get(kind)
        writable = allowed and status in services.REPORTABLE and not (report and report.is_final)
        report_parts.append(
            {
                "kind": kind,
                "label": label,
                "report": report,
                "form": forms.get(kind)
                or (ReportForm(initial=_report_initial(report)) if writable else None),
            }
        )
    deciding = can["edit"] and status in (Status.ACTIVE, Status.SUSPENDED)
    initial = {"version": project.version}
    context = {
        "can": can,
        "outcome_form": forms.get("outcome")
        or (OutcomeForm(initial=initial) if deciding else None),
        "suspend_form": forms.get("suspend")
        or (NoteForm(initial=initial) if can["edit"] and status == Status.ACTIVE else None),
        "can_resume": can["edit"] and status == Status.SUSPENDED,
        "close_form": forms.get("close")
        or (
            NoteForm(initial=initial)
            if can["close"] and status in (Status.WON, Status.LOST)
            else None
        ),
        "competition_form": forms.get("competition")
        or (
            CompetitionForm(
                initial={
                    "version": project.version,
                    "competitor_strategy": project.competitor_strategy,
                    "competitor_analysis": project.competitor_analysis,
                }
            )
            if can["edit"] and project.is_editable
            else None
        ),
        "handovers": handovers,
        "handover_form": forms.get("handover")
        or (
            HandoverForm(initial={"handover_date": timezone.localdate()})
            if can["edit"] and status == Status.WON and not busy
            else None
        ),
        "visits": list(reads.visits_of(project)),
        "visit_form": forms.get("visit")
        or (
            VisitForm(initial={"visited_on": timezone.localdate(), "satisfaction": "5"})
            if can["edit"] and status == Status.WON
            else None
        ),
        "reports": report_parts,
    }
    return render_tab(request, project, "closing", "projects/work/closing.html", context)


@login_required
def closing_tab(request, pk):
    return _render(request, project_or_404(request.user, pk))


def _outcome(call, key: str, form_class, done_message):
    """A POST view that runs `call(user, project, cleaned_data)` from `form_class`."""

    @login_required
    @require_POST
    def view(request, pk):
        project = project_or_404(request.user, pk)
        form = form_class(request.POST)
        if form.is_valid() and attempt(
            form, lambda: call(request.user, project, form.cleaned_data)
        ):
            messages.success(request, done_message)
            return redirect("projects:work-closing", pk=project.pk)
        return _render(request, project, {key: form})

    return view


project_competition = _outcome(
    lambda user, project, data: project_competition_set(
        actor=user,
        project=project,
        data={
            "competitor_strategy": data["competitor_strategy"],
            "competitor_analysis": data["competitor_analysis"],
        },
        version=data["version"],
    ),
    "competition",
    CompetitionForm,
    gettext_lazy("The competitor strategy is saved."),
)
project_win = _outcome(
    lambda user, project, data: services.project_win(
        actor=user,
        project=project,
        reason=data["reason"],
        competitor=data["competitor"],
        version=data["version"],
    ),
    "outcome",
    OutcomeForm,
    gettext_lazy("The project is won."),
)
project_lose = _outcome(
    lambda user, project, data: services.project_lose(
        actor=user,
        project=project,
        reason=data["reason"],
        competitor=data["competitor"],
        version=data["version"],
    ),
    "outcome",
    OutcomeForm,
    gettext_lazy("The project is recorded as lost."),
)
project_suspend = _outcome(
    lambda user, project, data: services.project_suspend(
        actor=user, project=project, reason=data["reason"], version=data["version"]
    ),
    "suspend",
    NoteForm,
    gettext_lazy("The project is on hold."),
)
project_close = _outcome(
    lambda user, project, data: services.project_close(
        actor=user, project=project, note=data["reason"], version=data["version"]
    ),
    "close",
    NoteForm,
    gettext_lazy("The project is closed and archived."),
)
handover_request = _outcome(
    lambda user, project, data: services.handover_request(actor=user, project=project, data=data),
    "handover",
    HandoverForm,
    gettext_lazy("The handover is submitted for approval."),
)
visit_record = _outcome(
    lambda user, project, data: services.visit_record(actor=user, project=project, data=data),
    "visit",
    VisitForm,
    gettext_lazy("Follow-up visit recorded."),
)


@login_required
@require_POST
def project_resume(request, pk):
    project = project_or_404(request.user, pk)
    try:
        services.project_resume(actor=request.user, project=project)
    except (ConflictError, PermissionDenied) as refused:
        messages.error(request, refusal(refused))
    else:
        messages.success(request, _("The project is active again."))
    return redirect("projects:work-closing", pk=project.pk)


@login_required
@require_POST
def handover_resubmit(request, pk, handover_pk):
    project = project_or_404(request.user, pk)
    handover = child_or_404(reads.handover_get, project, handover_pk)
    try:
        services.handover_resubmit(actor=request.user, handover=handover)
    except (ValidationError, ConflictError, PermissionDenied) as refused:
        messages.error(request, refusal(refused))
    else:
        messages.success(request, _("The handover is submitted again."))
    return redirect("projects:work-closing", pk=project.pk)


@login_required
@require_POST
def handover_cancel(request, pk, handover_pk):
    project = project_or_404(request.user, pk)
    handover = child_or_404(reads.handover_get, project, handover_pk)
    try:
        services.handover_cancel(actor=request.user, handover=handover)
    except (ConflictError, PermissionDenied) as refused:
        messages.error(request, refusal(refused))
    else:
        messages.success(request, _("The handover is withdrawn."))
    return redirect("projects:work-closing", pk=project.pk)


@login_required
@require_POST
def report_save(request, pk, kind):
    project = project_or_404(request.user, pk)
    if kind not in ProjectReport.Kind.values:
        raise Http404
    form = ReportForm(request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "finalise"}
        if attempt(
            form,
            lambda: services.report_save(
                actor=request.user,
                project=project,
                kind=kind,
                data=data,
                finalise=form.cleaned_data["finalise"],
            ),
        ):
            messages.success(request, _("Report saved."))
            return redirect("projects:work-closing", pk=project.pk)
    return _render(request, project, {kind: form})


@login_required
def closing_print(request, pk):
    """Everything about the closing on one print-friendly page (the archive's paper copy)."""
    project = project_or_404(request.user, pk)
    context = {
        "project": project,
        "handovers": list(reads.handovers_of(project)),
        "visits": list(reads.visits_of(project)),
        "reports": reads.reports_of(project),
        "printed_at": timezone.localtime(),
        "printed_by": request.user,
    }
    return render(request, "projects/work/print.html", context)


urlpatterns = [
    path("<int:pk>/closing/", closing_tab, name="work-closing"),
    path("<int:pk>/closing/print/", closing_print, name="closing-print"),
    path("<int:pk>/closing/competition/", project_competition, name="project-competition"),
    path("<int:pk>/closing/win/", project_win, name="project-win"),
    path("<int:pk>/closing/lose/", project_lose, name="project-lose"),
    path("<int:pk>/closing/suspend/", project_suspend, name="project-suspend"),
    path("<int:pk>/closing/resume/", project_resume, name="project-resume"),
    path("<int:pk>/closing/close/", project_close, name="project-close"),
    path("<int:pk>/closing/handover/", handover_request, name="handover-request"),
    path(
        "<int:pk>/closing/handover/<int:handover_pk>/resubmit/",
        handover_resubmit,
        name="handover-resubmit",
    ),
    path(
        "<int:pk>/closing/handover/<int:handover_pk>/cancel/",
        handover_cancel,
        name="handover-cancel",
    ),
    path("<int:pk>/closing/visits/", visit_record, name="visit-record"),
    path("<int:pk>/closing/reports/<str:kind>/", report_save, name="report-save"),
]

register_tab("closing", gettext_lazy("Closing"), "projects:work-closing", order=80)
