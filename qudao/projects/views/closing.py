"""The "Closing" tab: the outcome (win / loss with reason and competitor, suspend, resume, close),
the handover to operations (转运维, an approval), follow-up visits (回访) and the closing reports
(the team's summary, the monitor's evaluation report) with a print-friendly page of them all."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qudao.core.web import attempt_form, attempt_message

from ..forms.closing import (
    CompetitionForm,
    HandoverForm,
    NoteForm,
    OutcomeForm,
    ReportForm,
    VisitForm,
)
from ..models import Handover, Project, ProjectReport
from ..selectors.closing import handover_get, handovers_of, reports_of, visits_of
from ..services import closing as services
from ..services.common import project_can_edit
from ..services.competition import project_competition_set
from .base import item_action_view, project_or_404, render_tab

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


def closing_permissions(user, project) -> dict[str, bool]:
    """What the closing tab offers `user`, decided by the services' own predicates."""
    editor = project_can_edit(user, project)
    return {
        "edit": editor,
        "evaluation": services.project_can_evaluate(user, project),
        "summary": services.report_can_write(user, project, ProjectReport.Kind.SUMMARY),
        "close": editor and not user.is_partner_user,
    }


def _render(request, project, forms=None):
    """The tab; `forms` replaces the blank form of the part that failed (by key)."""
    user = request.user
    forms = forms or {}
    can = closing_permissions(user, project)
    status = project.status
    handovers = list(handovers_of(project))
    for handover in handovers:
        mine = handover.requested_by_id == user.pk
        handover.can_resubmit = mine and handover.status == Handover.Status.RETURNED
        handover.can_cancel = mine and handover.status in Handover.OPEN
    busy = any(h.status in (*Handover.OPEN, Handover.Status.APPROVED) for h in handovers)
    reports = reports_of(project)
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
        "visits": list(visits_of(project)),
        "visit_form": forms.get("visit")
        or (
            VisitForm(initial={"visited_on": timezone.localdate(), "satisfaction": "5"})
            if can["edit"] and status == Status.WON
            else None
        ),
        "reports": report_parts,
    }
    return render_tab(request, project, "closing", "projects/closing.html", context)


@login_required
def closing_tab(request, pk):
    return _render(request, project_or_404(request.user, pk))


TAB = "projects:work-closing"


def _back(project):
    return redirect(TAB, pk=project.pk)


def _outcome(call, key: str, form_class, done_message):
    """A POST view that runs `call(user, project, cleaned_data)` from `form_class`."""

    @login_required
    @require_POST
    def view(request, pk):
        project = project_or_404(request.user, pk)
        form = form_class(request.POST)
        if attempt_form(
            request, form, lambda: call(request.user, project, form.cleaned_data), done_message
        ):
            return _back(project)
        return _render(request, project, {key: form})

    return view


def _decided(service):
    """The call of a win or a loss: both take the reason, the competitor and the version."""
    return lambda user, project, data: service(
        actor=user,
        project=project,
        reason=data["reason"],
        competitor=data["competitor"],
        version=data["version"],
    )


def _noted(service, keyword: str):
    """The call of a service that takes the form's reason (as `keyword`) and the version."""
    return lambda user, project, data: service(
        actor=user, project=project, version=data["version"], **{keyword: data["reason"]}
    )


def _with_data(service):
    """The call of a service that takes the form's whole data."""
    return lambda user, project, data: service(actor=user, project=project, data=data)


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
    _decided(services.project_win), "outcome", OutcomeForm, gettext_lazy("The project is won.")
)
project_lose = _outcome(
    _decided(services.project_lose),
    "outcome",
    OutcomeForm,
    gettext_lazy("The project is recorded as lost."),
)
project_suspend = _outcome(
    _noted(services.project_suspend, "reason"),
    "suspend",
    NoteForm,
    gettext_lazy("The project is on hold."),
)
project_close = _outcome(
    _noted(services.project_close, "note"),
    "close",
    NoteForm,
    gettext_lazy("The project is closed and archived."),
)
handover_request = _outcome(
    _with_data(services.handover_request),
    "handover",
    HandoverForm,
    gettext_lazy("The handover is submitted for approval."),
)
visit_record = _outcome(
    _with_data(services.visit_record),
    "visit",
    VisitForm,
    gettext_lazy("Follow-up visit recorded."),
)


@login_required
@require_POST
def project_resume(request, pk):
    project = project_or_404(request.user, pk)
    attempt_message(
        request,
        lambda: services.project_resume(actor=request.user, project=project),
        _("The project is active again."),
    )
    return _back(project)


handover_resubmit = item_action_view(
    TAB,
    handover_get,
    lambda request, project, handover: services.handover_resubmit(
        actor=request.user, handover=handover
    ),
    gettext_lazy("The handover is submitted again."),
)
handover_cancel = item_action_view(
    TAB,
    handover_get,
    lambda request, project, handover: services.handover_cancel(
        actor=request.user, handover=handover
    ),
    gettext_lazy("The handover is withdrawn."),
)


@login_required
@require_POST
def report_save(request, pk, kind):
    project = project_or_404(request.user, pk)
    if kind not in ProjectReport.Kind.values:
        raise Http404
    form = ReportForm(request.POST)
    if attempt_form(
        request,
        form,
        lambda: services.report_save(
            actor=request.user,
            project=project,
            kind=kind,
            data={k: v for k, v in form.cleaned_data.items() if k != "finalise"},
            finalise=form.cleaned_data["finalise"],
        ),
        _("Report saved."),
    ):
        return _back(project)
    return _render(request, project, {kind: form})


@login_required
def closing_print(request, pk):
    """Everything about the closing on one print-friendly page (the archive's paper copy)."""
    project = project_or_404(request.user, pk)
    context = {
        "project": project,
        "handovers": list(handovers_of(project)),
        "visits": list(visits_of(project)),
        "reports": reports_of(project),
        "printed_at": timezone.localtime(),
        "printed_by": request.user,
    }
    return render(request, "projects/closing_print.html", context)


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
        "<int:pk>/closing/handover/<int:item_pk>/resubmit/",
        handover_resubmit,
        name="handover-resubmit",
    ),
    path(
        "<int:pk>/closing/handover/<int:item_pk>/cancel/",
        handover_cancel,
        name="handover-cancel",
    ),
    path("<int:pk>/closing/visits/", visit_record, name="visit-record"),
    path("<int:pk>/closing/reports/<str:kind>/", report_save, name="report-save"),
]
