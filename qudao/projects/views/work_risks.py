"""The "Risks & issues" tab: the risk matrix (probability × impact) and register, the issues, and
the project's resource requests (资源求助) to departments, each with adding and editing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import selectors_work as reads
from ..forms_work import IssueForm, ResourceRequestForm, RiskForm
from ..models import risk_level
from ..services import meetings as meeting_services
from ..services import work as services
from .base import project_or_404, render_tab
from .tabs import register_tab
from .work_base import attempt, child_or_404, editable, posted

LEVEL_COLOURS = {"low": "success", "medium": "warning", "high": "danger"}


def risk_matrix(project) -> list[dict]:
    """The heat map's rows (impact 5 → 1), each cell with its count and level colour."""
    counts = reads.risk_matrix(project)
    return [
        {
            "impact": 5 - row,
            "cells": [
                {
                    "count": counts[row][column],
                    "colour": LEVEL_COLOURS[risk_level(column + 1, 5 - row)],
                }
                for column in range(5)
            ],
        }
        for row in range(5)
    ]


def _render(request, project, *, risk_form=None, issue_form=None, request_form=None, edit=None):
    can = editable(request.user, project)
    risks = list(reads.risks_of(project))
    for risk in risks:
        risk.colour = LEVEL_COLOURS[risk.level]
    context = {
        "can_edit": can,
        "risks": risks,
        "matrix": risk_matrix(project),
        "issues": list(reads.issues_of(project)),
        "requests": list(reads.resource_requests_of(project)),
        "risk_form": risk_form or (RiskForm(project=project) if can else None),
        "issue_form": issue_form or (IssueForm(project=project) if can else None),
        "request_form": request_form or (ResourceRequestForm() if can else None),
        "edit": edit,
    }
    return render_tab(request, project, "risks", "projects/work/risks.html", context)


@login_required
def risk_list(request, pk):
    return _render(request, project_or_404(request.user, pk))


@login_required
@require_POST
def risk_add(request, pk):
    project = project_or_404(request.user, pk)
    form = RiskForm(request.POST, project=project)
    if form.is_valid() and attempt(
        form,
        lambda: services.risk_create(
            actor=request.user, project=project, data=dict(form.cleaned_data)
        ),
    ):
        messages.success(request, _("Risk added."))
        return redirect("projects:work-risks", pk=project.pk)
    return _render(request, project, risk_form=form)


@login_required
def risk_edit(request, pk, risk_pk):
    project = project_or_404(request.user, pk)
    risk = child_or_404(reads.risk_get, project, risk_pk)
    initial = {
        "title": risk.title,
        "description": risk.description,
        "probability": str(risk.probability),
        "impact": str(risk.impact),
        "response": risk.response,
        "owner": risk.owner_id,
        "status": risk.status,
    }
    form = RiskForm(posted(request), project=project, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.risk_update(
                actor=request.user, risk=risk, data=dict(form.cleaned_data)
            ),
        )
    ):
        messages.success(request, _("Saved."))
        return redirect("projects:work-risks", pk=project.pk)
    return _render(request, project, risk_form=form, edit={"kind": "risk", "object": risk})


@login_required
@require_POST
def issue_add(request, pk):
    project = project_or_404(request.user, pk)
    form = IssueForm(request.POST, project=project)
    if form.is_valid() and attempt(
        form,
        lambda: services.issue_create(
            actor=request.user, project=project, data=dict(form.cleaned_data)
        ),
    ):
        messages.success(request, _("Issue added."))
        return redirect("projects:work-risks", pk=project.pk)
    return _render(request, project, issue_form=form)


@login_required
def issue_edit(request, pk, issue_pk):
    project = project_or_404(request.user, pk)
    issue = child_or_404(reads.issue_get, project, issue_pk)
    initial = {
        "title": issue.title,
        "description": issue.description,
        "priority": issue.priority,
        "owner": issue.owner_id,
        "due_date": issue.due_date,
        "status": issue.status,
        "resolution": issue.resolution,
    }
    form = IssueForm(posted(request), project=project, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.issue_update(
                actor=request.user, issue=issue, data=dict(form.cleaned_data)
            ),
        )
    ):
        messages.success(request, _("Saved."))
        return redirect("projects:work-risks", pk=project.pk)
    return _render(request, project, issue_form=form, edit={"kind": "issue", "object": issue})


@login_required
@require_POST
def resource_request_add(request, pk):
    project = project_or_404(request.user, pk)
    form = ResourceRequestForm(request.POST)
    if form.is_valid() and attempt(
        form,
        lambda: meeting_services.resource_request_create(
            actor=request.user, project=project, data=dict(form.cleaned_data)
        ),
    ):
        messages.success(request, _("Request sent to the department."))
        return redirect("projects:work-risks", pk=project.pk)
    return _render(request, project, request_form=form)


urlpatterns = [
    path("<int:pk>/risks/", risk_list, name="work-risks"),
    path("<int:pk>/risks/add/", risk_add, name="risk-add"),
    path("<int:pk>/risks/<int:risk_pk>/edit/", risk_edit, name="risk-edit"),
    path("<int:pk>/issues/add/", issue_add, name="issue-add"),
    path("<int:pk>/issues/<int:issue_pk>/edit/", issue_edit, name="issue-edit"),
    path("<int:pk>/resource-requests/add/", resource_request_add, name="resource-request-add"),
]

register_tab("risks", gettext_lazy("Risks & issues"), "projects:work-risks", order=50)
