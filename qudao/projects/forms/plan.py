"""The form of a milestone or a task of the plan."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm

from ..models import Project, WorkItem
from .fields import DATE, TEXT, team_field


class WorkItemForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=WorkItem.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DATE)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=WorkItem.Status.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=TEXT)

    def __init__(self, *args, project: Project, exclude_pk: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = team_field(project)
        items = project.work_items.order_by("due_date", "id")
        if exclude_pk:
            items = items.exclude(pk=exclude_pk)
        self.fields["depends_on"] = forms.ModelChoiceField(
            label=_("Depends on"), required=False, queryset=items
        )
        for name in ("owner", "depends_on"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.order_fields(["kind", "name", "owner", "start_date", "due_date", "depends_on"])
