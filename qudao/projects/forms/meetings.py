"""Forms of a meeting's minutes, its action items and their closing."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm

from ..models import ActionItem, Meeting, Project
from .fields import (
    DATE,
    DATETIME,
    TEXT,
    team_field,
)


class MeetingForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    held_at = forms.DateTimeField(
        label=_("Held at"), required=False, widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"]
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    attendees = forms.CharField(label=_("Attendees"), required=False, widget=TEXT)
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class ActionForm(StyledForm, forms.Form):
    description = forms.CharField(label=_("Action"), max_length=300, required=False)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = team_field(project)
        self.fields["owner"].widget.attrs["class"] = "form-select form-select-sm"


ActionFormSet = formset_factory(ActionForm, extra=3, max_num=30)


class ActionCloseForm(StyledForm, forms.Form):
    status = forms.ChoiceField(
        label=_("Close as"),
        choices=[(s, label) for s, label in ActionItem.Status.choices if s in ActionItem.CLOSED],
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
