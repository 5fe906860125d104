"""The "Risks & issues" tab: the risk matrix (probability × impact) and register, the issues, and
the project's resource requests (资源求助) to departments, each with adding and editing."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.utils.translation import gettext_lazy

from ..forms.resources import ResourceRequestForm
from ..forms.risks import IssueForm, RiskForm
from ..models import risk_level
from ..selectors.resources import resource_requests_of
from ..selectors.risks import issue_get, issues_of, risk_get, risk_matrix, risks_of
from ..services import resources as resource_services
from ..services import risks as risk_services
from ..services.common import project_can_change
from .base import initial_of, item_add_view, item_views, project_or_404, render_tab

LEVEL_COLOURS = {"low": "success", "medium": "warning", "high": "danger"}


def heat_map(project) -> list[dict]:
    """The heat map's rows (impact 5 → 1), each cell with its count and level colour."""
    counts = risk_matrix(project)
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


def _render(
    request,
    project,
    *,
    risk_form=None,
    issue_form=None,
    request_form=None,
    edit_risk=None,
    edit_issue=None,
):
    can = project_can_change(request.user, project)
    risks = list(risks_of(project))
    for risk in risks:
        risk.colour = LEVEL_COLOURS[risk.level]
    context = {
        "can_edit": can,
        "risks": risks,
        "matrix": heat_map(project),
        "issues": list(issues_of(project)),
        "requests": list(resource_requests_of(project)),
        "risk_form": risk_form or (RiskForm(project=project) if can else None),
        "issue_form": issue_form or (IssueForm(project=project) if can else None),
        "request_form": request_form or (ResourceRequestForm() if can else None),
        "edit_risk": edit_risk,
        "edit_issue": edit_issue,
    }
    return render_tab(request, project, "risks", "projects/risks.html", context)


@login_required
def risk_list(request, pk):
    return _render(request, project_or_404(request.user, pk))


TAB = "projects:work-risks"


def _risk_form(data, project, risk=None):
    initial = risk and initial_of(
        risk,
        ("title", "description", "response", "status"),
        probability=str(risk.probability),
        impact=str(risk.impact),
        owner=risk.owner_id,
    )
    return RiskForm(data, project=project, initial=initial)


def _issue_form(data, project, issue=None):
    initial = issue and initial_of(
        issue,
        ("title", "description", "priority", "due_date", "status", "resolution"),
        owner=issue.owner_id,
    )
    return IssueForm(data, project=project, initial=initial)


def _register_views(kind: str, make_form, getter, added, create, update):
    """The add and edit views of the risks or the issues (`kind`): both registers sit on this
    tab, their form under `<kind>_form` and the item edited under `edit_<kind>`."""
    return item_views(
        TAB,
        make_form,
        getter,
        added,
        create=create,
        update=lambda user, item, data: update(actor=user, data=data, **{kind: item}),
        show=lambda request, project, form, item=None: _render(
            request, project, **{f"{kind}_form": form, f"edit_{kind}": item}
        ),
    )


risk_add, risk_edit = _register_views(
    "risk",
    _risk_form,
    risk_get,
    gettext_lazy("Risk added."),
    risk_services.risk_create,
    risk_services.risk_update,
)
issue_add, issue_edit = _register_views(
    "issue",
    _issue_form,
    issue_get,
    gettext_lazy("Issue added."),
    risk_services.issue_create,
    risk_services.issue_update,
)


resource_request_add = item_add_view(
    TAB,
    lambda data, project: ResourceRequestForm(data),
    gettext_lazy("Request sent to the department."),
    create=resource_services.resource_request_create,
    show=lambda request, project, form: _render(request, project, request_form=form),
)


urlpatterns = [
    path("<int:pk>/risks/", risk_list, name="work-risks"),
    path("<int:pk>/risks/add/", risk_add, name="risk-add"),
    path("<int:pk>/risks/<int:item_pk>/edit/", risk_edit, name="risk-edit"),
    path("<int:pk>/issues/add/", issue_add, name="issue-add"),
    path("<int:pk>/issues/<int:item_pk>/edit/", issue_edit, name="issue-edit"),
    path("<int:pk>/resource-requests/add/", resource_request_add, name="resource-request-add"),
]
