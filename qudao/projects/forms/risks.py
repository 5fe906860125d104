"""Forms of a project's risks and issues."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm

from ..models import Project, ProjectIssue, Risk
from .fields import (
    DATE,
    SCORES,
    TEXT,
    team_field,
)


class RiskForm(StyledForm, forms.Form):
    title = forms.CharField(label=_("Risk"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=TEXT)
    probability = forms.ChoiceField(label=_("Probability (1–5)"), choices=SCORES)
    impact = forms.ChoiceField(label=_("Impact (1–5)"), choices=SCORES)
    response = forms.CharField(label=_("Response"), required=False, widget=TEXT)
    status = forms.ChoiceField(label=_("Status"), choices=Risk.Status.choices)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = team_field(project)
        self.fields["owner"].widget.attrs["class"] = "form-select"
        self.order_fields(["title", "description", "probability", "impact", "response", "owner"])


class IssueForm(StyledForm, forms.Form):
    title = forms.CharField(label=_("Issue"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=TEXT)
    priority = forms.ChoiceField(label=_("Priority"), choices=ProjectIssue.Priority.choices)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=ProjectIssue.Status.choices)
    resolution = forms.CharField(label=_("Resolution"), required=False, widget=TEXT)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = team_field(project)
        self.fields["owner"].widget.attrs["class"] = "form-select"
        self.order_fields(["title", "description", "priority", "owner", "due_date"])
