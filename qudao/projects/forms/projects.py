"""Forms of the project list (filters, saved filters), the project form and its team."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.core.listing import RegionTreeChoiceField, date_filter_field, partner_search_field
from qudao.core.models import Region, User
from qudao.core.schemas import field_limit
from qudao.partners.forms.common import PartnerDrillFilters
from qudao.partners.models import Partner

from ..models import (
    ProcessTemplate,
    Project,
    ProjectClass,
    ProjectMember,
)
from .fields import (
    DATE,
    MONEY,
    UserChoiceField,
    regions,
)


class ProjectFilterForm(StyledForm, PartnerDrillFilters):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    project_class = forms.ChoiceField(
        label=_("Class"), required=False, choices=[("", _("All classes")), *ProjectClass.choices]
    )
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    region = RegionTreeChoiceField(label=_("Project region"))
    partner = partner_search_field()
    partnered = forms.BooleanField(
        label=_("Projects with a partner only"), required=False, widget=forms.HiddenInput
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
    date_field = forms.ChoiceField(
        label=_("Date"),
        required=False,
        choices=[
            ("close", _("Expected close date")),
            ("won", _("Won date")),
            ("closed", _("Closed date")),
            ("created", _("Created date")),
        ],
    )
    date_from = date_filter_field(_("Date from"))
    date_to = date_filter_field(_("Date to"))
    tag = forms.CharField(label=_("Tag"), required=False, max_length=30)
    sort = forms.CharField(required=False)

    def __init__(self, *args, owners=None, stages=(), **kwargs):
        super().__init__(*args, **kwargs)
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
            "partner": data["partner_id"].pk if data.get("partner_id") else None,
            "partner_region": data["partner_region"].pk if data.get("partner_region") else None,
            "partnered": bool(data.get("partnered")),
            "tier": data["tier"].code if data.get("tier") else "",
            "product_line": data["product_line"].pk if data.get("product_line") else None,
            "owner": data["owner"].pk if data.get("owner") else None,
            "status": data.get("status") or "",
            "health": data.get("health") or "",
            "amount_min": data.get("amount_min"),
            "amount_max": data.get("amount_max"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "date_field": data.get("date_field") or "close",
            "tag": data.get("tag") or "",
            "sort": data.get("sort") or "",
        }


class SavedFilterForm(StyledForm, forms.Form):
    name = forms.CharField(label=_("Name of this filter"), max_length=60)
    query = forms.CharField(required=False, max_length=4000, widget=forms.HiddenInput)


class ProjectEditForm(StyledForm, forms.Form):
    """The fields a project's data can change in (services.projects.UPDATABLE)."""

    name = forms.CharField(label=_("Project name"), max_length=200)
    customer_name = forms.CharField(label=_("Customer name"), max_length=200)
    customer_credit_code = forms.CharField(
        label=_("Customer unified social credit code"),
        max_length=field_limit(Project, "customer_credit_code"),
        required=False,
    )
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), help_text=_("In yuan, not 万: 50万 is 500,000."), widget=MONEY
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
