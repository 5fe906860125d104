"""Forms of the process templates: a template, a stage definition and its approval chain."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm

from ..models import DocumentType, ProjectClass, StageDefinition
from .fields import VENDOR_ROLES


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
