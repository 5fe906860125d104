"""Forms of the project work, closing and stock-take pages. They parse input only: ranges,
permissions, states and cross-field rules are the services' (pages and API give the same
messages), so most fields are optional here and the service says what is missing."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.core.models import Department, Region, User

from .models import (
    ActionItem,
    FollowUpVisit,
    Meeting,
    Project,
    ProjectIssue,
    ResourceRequest,
    Risk,
    StockTakeEntry,
    WorkItem,
)
from .services.cleaning import team_users
from .services.stocktake import CORRECTABLE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})
SCORES = [(str(n), str(n)) for n in range(1, 6)]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def team_field(project: Project, required=False) -> UserChoiceField:
    return UserChoiceField(
        label=_("Owner"),
        required=required,
        queryset=User.objects.filter(team_users(project), is_active=True).order_by("username"),
    )


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


class ResourceRequestForm(StyledForm, forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.order_by("name"), required=False
    )
    title = forms.CharField(label=_("Request"), max_length=200, required=False)
    description = forms.CharField(label=_("What is needed"), required=False, widget=TEXT)
    needed_by = forms.DateField(label=_("Needed by"), required=False, widget=DATE)


class RespondForm(StyledForm, forms.Form):
    status = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            (s, label)
            for s, label in ResourceRequest.Status.choices
            if s != ResourceRequest.Status.OPEN
        ],
    )
    response = forms.CharField(label=_("Response"), required=False, widget=TEXT)


class ResourceFilterForm(StyledForm, forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("All departments"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All states")), *ResourceRequest.Status.choices],
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


class WeeklyReportForm(StyledForm, forms.Form):
    week = forms.DateField(label=_("Week of"), required=False, widget=DATE)
    this_week = forms.CharField(label=_("Work this week"), required=False, widget=TEXT)
    next_week = forms.CharField(label=_("Plan for next week"), required=False, widget=TEXT)
    problems = forms.CharField(label=_("Problems and help needed"), required=False, widget=TEXT)


# --- closing ------------------------------------------------------------------------------------


class OutcomeForm(StyledForm, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=TEXT)
    competitor = forms.CharField(label=_("Competitor"), max_length=100, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CompetitionForm(StyledForm, forms.Form):
    competitor_strategy = forms.ChoiceField(
        label=_("Competitor strategy"),
        required=False,
        choices=[("", _("Not decided yet")), *Project.CompetitorStrategy.choices],
    )
    competitor_analysis = forms.CharField(
        label=_("Competitor analysis"), required=False, widget=TEXT
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class NoteForm(StyledForm, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=TEXT)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class HandoverForm(StyledForm, forms.Form):
    scope = forms.CharField(label=_("Delivered scope"), required=False, widget=TEXT)
    operations_contact = forms.CharField(
        label=_("Operations contact"), max_length=100, required=False
    )
    handover_date = forms.DateField(label=_("Handover date"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=TEXT)


class VisitForm(StyledForm, forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=FollowUpVisit.Method.choices)
    visited_on = forms.DateField(label=_("Visited on"), required=False, widget=DATE)
    contact = forms.CharField(label=_("Customer contact"), max_length=100, required=False)
    satisfaction = forms.ChoiceField(label=_("Satisfaction (1–5)"), choices=SCORES)
    notes = forms.CharField(label=_("Notes"), required=False, widget=TEXT)


class ReportForm(StyledForm, forms.Form):
    rating = forms.ChoiceField(
        label=_("Overall rating (1–5)"), required=False, choices=[("", "—"), *SCORES]
    )
    body = forms.CharField(
        label=_("Report"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    problems = forms.CharField(label=_("Problems and lessons"), required=False, widget=TEXT)
    team_performance = forms.CharField(
        label=_("Performance of the main members"), required=False, widget=TEXT
    )
    finalise = forms.BooleanField(label=_("Final: freeze the report"), required=False)


# --- stock-take ---------------------------------------------------------------------------------


class StockTakeForm(StyledForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.filter(parent=None).order_by("sort_order", "code"),
        required=False,
        empty_label=_("All regions"),
    )
    due_date = forms.DateField(label=_("Confirm by"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=TEXT)


class EntryConfirmForm(StyledForm, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("As it is")), *[(s, Project.Status(s).label) for s in CORRECTABLE]],
    )
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), required=False, max_digits=14, decimal_places=2
    )
    expected_close_date = forms.DateField(
        label=_("Expected close date"), required=False, widget=DATE
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class EntryFilterForm(StyledForm, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *StockTakeEntry.Status.choices],
    )
    mine = forms.BooleanField(label=_("Only mine"), required=False)
