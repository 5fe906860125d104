"""Forms of the project pages. They parse input only; ranges, permissions, states and the
version check are the services' (so the pages and the API give the same messages)."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.core.models import Region, Role, User
from qudao.core.models.org import PARTNER_ROLES
from qudao.core.services.approvals import Decision
from qudao.partners.models import Partner

from .models import (
    DocumentType,
    ProcessTemplate,
    Project,
    ProjectClass,
    ProjectMember,
    StageDefinition,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = forms.NumberInput(attrs={"step": "0.01", "min": "0"})
VENDOR_ROLES = [(code, label) for code, label in Role.Code.choices if code not in PARTNER_ROLES]


def regions():
    return Region.objects.order_by("sort_order", "code")


def _user_label(user) -> str:
    return user.display_name


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _user_label(obj)


# --- list --------------------------------------------------------------------------------------


class ProjectFilterForm(StyledForm, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    project_class = forms.ChoiceField(
        label=_("Class"), required=False, choices=[("", _("All classes")), *ProjectClass.choices]
    )
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    region = forms.ModelChoiceField(
        label=_("Region"),
        required=False,
        queryset=Region.objects.none(),
        empty_label=_("All regions"),
    )
    # Text, not a list: a vendor sees up to thousands of partners (a <select> of 5,000 options
    # cost a second to render).
    partner = forms.CharField(
        label=_("Partner"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Partner name or code")}),
    )
    owner = UserChoiceField(
        label=_("Owner"), required=False, queryset=None, empty_label=_("All owners")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Project.Status.choices],
    )
    health = forms.ChoiceField(
        label=_("Health"), required=False, choices=[("", _("Any health")), *Project.Health.choices]
    )
    amount_min = forms.DecimalField(
        label=_("Amount from"), required=False, min_value=0, widget=MONEY
    )
    amount_max = forms.DecimalField(label=_("Amount to"), required=False, min_value=0, widget=MONEY)
    date_from = forms.DateField(
        label=_("Close date from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "title": _("Close date from")}),
    )
    date_to = forms.DateField(
        label=_("Close date to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "title": _("Close date to")}),
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=30)
    sort = forms.CharField(required=False)

    def __init__(self, *args, owners=None, stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions()
        self.fields["owner"].queryset = owners if owners is not None else User.objects.none()
        self.fields["stage"].choices = [("", _("All stages")), *stages]

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("amount_min"), cleaned.get("amount_max")
        if low is not None and high is not None and high < low:
            self.add_error("amount_max", _("The upper amount is below the lower one."))
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def search_kwargs(self) -> dict:
        """The selector's keyword arguments of a valid form."""
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "project_class": data.get("project_class") or "",
            "stage": data.get("stage") or "",
            "region": data["region"].pk if data.get("region") else None,
            "partner_name": data.get("partner") or "",
            "owner": data["owner"].pk if data.get("owner") else None,
            "status": data.get("status") or "",
            "health": data.get("health") or "",
            "amount_min": data.get("amount_min"),
            "amount_max": data.get("amount_max"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "tag": data.get("tag") or "",
            "sort": data.get("sort") or "",
        }


class SavedFilterForm(StyledForm, forms.Form):
    name = forms.CharField(label=_("Name of this filter"), max_length=60)
    query = forms.CharField(required=False, max_length=4000, widget=forms.HiddenInput)


# --- create / edit -----------------------------------------------------------------------------


class ProjectEditForm(StyledForm, forms.Form):
    """The fields a project's data can change in (services.projects.UPDATABLE)."""

    name = forms.CharField(label=_("Project name"), max_length=200)
    customer_name = forms.CharField(label=_("Customer name"), max_length=200)
    customer_credit_code = forms.CharField(
        label=_("Customer unified social credit code"), max_length=30, required=False
    )
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), help_text=_("In CNY, e.g. 500000 for 50万."), widget=MONEY
    )
    expected_close_date = forms.DateField(
        label=_("Expected close date"), required=False, widget=DATE
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DATE)
    end_date = forms.DateField(label=_("End date"), required=False, widget=DATE)
    tags = forms.CharField(
        label=_("Tags"), max_length=200, required=False, help_text=_("Separated by commas.")
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        for field in ("expected_close_date", "start_date", "end_date"):
            data[field] = data[field].isoformat() if data.get(field) else None
        data["amount"] = str(data["amount"])
        return data


class ProjectCreateForm(ProjectEditForm):
    template = forms.ModelChoiceField(label=_("Process template"), queryset=ProcessTemplate.objects)
    project_class = forms.ChoiceField(
        label=_("Class"),
        required=False,
        choices=[("", _("As the template")), *ProjectClass.choices],
    )
    region = forms.ModelChoiceField(label=_("Region / office"), queryset=Region.objects)
    partner = forms.ModelChoiceField(
        label=_("Partner"), required=False, queryset=Partner.objects.none()
    )
    owner = UserChoiceField(
        label=_("Owner"),
        required=False,
        queryset=None,
        help_text=_("Empty: you own it."),
    )

    field_order = [
        "template",
        "project_class",
        "name",
        "customer_name",
        "customer_credit_code",
        "region",
        "partner",
        "owner",
        "amount",
        "expected_close_date",
        "start_date",
        "end_date",
        "tags",
        "notes",
    ]

    def __init__(self, *args, templates, partners=None, owners=None, classes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["region"].queryset = regions()
        del self.fields["version"]
        if partners is None:  # a partner user: the partner and the owner are given
            del self.fields["partner"]
            del self.fields["owner"]
        else:
            self.fields["partner"].queryset = partners
            self.fields["owner"].queryset = owners
        if classes is not None:
            self.fields["project_class"].choices = [
                ("", _("As the template")),
                *((c, label) for c, label in ProjectClass.choices if c in classes),
            ]

    def service_data(self) -> dict:
        data = super().service_data()
        for field in ("template", "region", "partner", "owner"):
            if field in data:
                data[field] = data[field].pk if data[field] else None
        return data


# --- overview: team and owner ------------------------------------------------------------------


class MemberAddForm(StyledForm, forms.Form):
    user = UserChoiceField(label=_("Person"), queryset=None)
    role = forms.ChoiceField(label=_("Project role"), choices=ProjectMember.Role.choices)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users


class OwnerChangeForm(StyledForm, forms.Form):
    owner = UserChoiceField(label=_("New owner"), queryset=None)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users


# --- stages ------------------------------------------------------------------------------------


class AdvanceForm(StyledForm, forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Comment (optional)")}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SkipForm(StyledForm, forms.Form):
    reason = forms.CharField(
        label=_("Reason for skipping"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Reason for skipping")}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class StageDraftForm(StyledForm, forms.Form):
    """The checklist ticks and the free-text draft of one stage, saved to complete later."""

    checklist = forms.TypedMultipleChoiceField(
        label=_("Checklist"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Draft notes"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, definition: StageDefinition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].choices = list(enumerate(definition.checklist))


class SubmissionForm(StyledForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Content"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 1, "placeholder": _("Content")}),
    )


class GateDecisionForm(StyledForm, forms.Form):
    """The approver's decision on a stage gate; `version` is the approval's version the page
    showed, so a decision taken meanwhile by someone else is refused, not overwritten."""

    decision = forms.ChoiceField(
        choices=[
            (Decision.APPROVE, _("Approve")),
            (Decision.REJECT, _("Reject")),
            (Decision.RETURN, _("Return for changes")),
        ]
    )
    comment = forms.CharField(
        label=_("Comment / reason"),
        max_length=2000,
        required=False,
        help_text=_("Required when you reject or return."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- documents ---------------------------------------------------------------------------------


class DocumentUploadForm(StyledForm, forms.Form):
    stage = forms.TypedChoiceField(label=_("Stage"), coerce=int)
    document_type = forms.ModelChoiceField(
        label=_("Document type"), queryset=DocumentType.objects.none()
    )
    file = forms.FileField(label=_("File"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, stages, document_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s.pk, s.definition.name) for s in stages]
        self.fields["document_type"].queryset = document_types


# --- process templates -------------------------------------------------------------------------


class TemplateCreateForm(StyledForm, forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=100)
    project_class = forms.ChoiceField(label=_("Project class"), choices=ProjectClass.choices)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TemplateEditForm(StyledForm, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_active = forms.BooleanField(label=_("Active (new projects may use it)"), required=False)


class StageDefinitionForm(StyledForm, forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=100)
    target_days = forms.IntegerField(label=_("Target duration (days)"), min_value=1, max_value=3650)
    document_types = forms.ModelMultipleChoiceField(
        label=_("Required documents"),
        required=False,
        queryset=DocumentType.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    checklist = forms.CharField(
        label=_("Checklist"),
        required=False,
        max_length=8000,
        help_text=_("One item per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    approval = forms.ChoiceField(label=_("Approval"), choices=StageDefinition.Approval.choices)
    approval_role = forms.ChoiceField(
        label=_("Approving role"), required=False, choices=[("", "—"), *VENDOR_ROLES]
    )
    skippable = forms.BooleanField(label=_("Can be skipped"), required=False)
    repeatable = forms.BooleanField(label=_("Accepts repeated submissions"), required=False)

    def __init__(self, *args, document_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_types"].queryset = document_types

    def stage_data(self, chain: list[dict]) -> dict:
        """The stage in the shape services.clean_stages takes."""
        data = self.cleaned_data
        return {
            "code": data["code"],
            "name": data["name"],
            "target_days": data["target_days"],
            "document_types": [doc.code for doc in data["document_types"]],
            "checklist": [line.strip() for line in data["checklist"].splitlines() if line.strip()],
            "approval": data["approval"],
            "approval_role": data["approval_role"],
            "approval_chain": chain,
            "skippable": data["skippable"],
            "repeatable": data["repeatable"],
        }


class ChainStepForm(StyledForm, forms.Form):
    """One step of a named approval chain; a row left blank is skipped."""

    name = forms.CharField(label=_("Step name"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", "—"), *VENDOR_ROLES])
    # A step decided by a named person (set through the API) is kept as it is.
    user = forms.IntegerField(required=False, widget=forms.HiddenInput)


ChainFormSet = formset_factory(ChainStepForm, extra=0, max_num=10, absolute_max=10)


def chain_steps(formset) -> list[dict]:
    steps = []
    for form in formset.forms:
        data = form.cleaned_data
        if not (data.get("name") or data.get("role") or data.get("user")):
            continue
        step = {"name": data.get("name", "")}
        if data.get("user"):
            step["user"] = data["user"]
        else:
            step["role"] = data.get("role", "")
        steps.append(step)
    return steps


__all__ = [
    "AdvanceForm",
    "ChainFormSet",
    "DocumentUploadForm",
    "GateDecisionForm",
    "MemberAddForm",
    "OwnerChangeForm",
    "ProjectCreateForm",
    "ProjectEditForm",
    "ProjectFilterForm",
    "SavedFilterForm",
    "SkipForm",
    "StageDefinitionForm",
    "StageDraftForm",
    "SubmissionForm",
    "TemplateCreateForm",
    "TemplateEditForm",
    "chain_steps",
]
