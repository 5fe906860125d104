"""Forms of agreements: the agreement itself, the list filters, termination."""

from django import forms
from django.db.models import Case, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from qudao.catalog.models import ProductLine
from qudao.core.forms import StyledForm
from qudao.core.models import Region

from ..models import Agreement, Partner
from .common import PartnerChoices, partner_filter, region_filter, status_filter


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class RegionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return f"\u3000{obj.parent} / {obj}" if obj.parent_id else str(obj)


def regions_as_tree():
    """Regions, each followed by its offices."""
    return (
        Region.objects.select_related("parent")
        .annotate(
            group_order=Coalesce("parent__sort_order", "sort_order"),
            group_code=Coalesce("parent__code", "code"),
            is_office=Case(When(parent__isnull=True, then=Value(0)), default=Value(1)),
        )
        .order_by("group_order", "group_code", "is_office", "sort_order", "code")
    )


class AgreementForm(StyledForm, forms.Form):
    """The fields of an agreement; the service checks the rules (period, overlap, file)."""

    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), widget=DateInput())
    territory = RegionChoiceField(
        label=_("Territory"),
        queryset=Region.objects.none(),
        help_text=_("Regions and offices where the partner may sell under this agreement."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    product_lines = forms.ModelMultipleChoiceField(
        label=_("Authorised product lines"),
        queryset=ProductLine.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    annual_target = forms.DecimalField(
        label=_("Annual sales target (CNY)"), max_digits=14, decimal_places=2, initial=0
    )
    rebate_policy = forms.CharField(
        label=_("Rebate policy"),
        max_length=100,
        required=False,
        help_text=_("The rebate policy this agreement refers to, e.g. FL-2026-A."),
    )
    rights_obligations = forms.CharField(
        label=_("Rights and obligations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    signed_file = forms.FileField(
        label=_("Signed agreement"),
        required=False,
        help_text=_("PDF or image, up to 20 MB."),
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args, partners=None, agreement: Agreement | None = None, **kwargs):
        if agreement is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "partner": agreement.partner_id,
                "start_date": agreement.start_date,
                "end_date": agreement.end_date,
                "territory": [r.pk for r in agreement.territory.all()],
                "product_lines": [p.pk for p in agreement.product_lines.all()],
                "annual_target": agreement.annual_target,
                "rebate_policy": agreement.rebate_policy,
                "rights_obligations": agreement.rights_obligations,
            }
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = regions_as_tree()
        self.fields["product_lines"].queryset = ProductLine.objects.filter(is_active=True)
        if agreement is not None:
            # The partner of an agreement does not change.
            del self.fields["partner"]
        else:
            self.fields["partner"].queryset = (
                partners if partners is not None else Partner.objects.none()
            )

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("partner", None)
        if not data.get("signed_file"):
            data.pop("signed_file", None)
        return data


class AgreementFilterForm(PartnerChoices, StyledForm, forms.Form):
    q = forms.CharField(label=_("Search number or partner"), required=False)
    status = status_filter(Agreement.Status.choices)
    partner = partner_filter()
    region = region_filter()
    expiring = forms.BooleanField(label=_("Ending within 30 days"), required=False)
    sort = forms.CharField(required=False)


class TerminateForm(StyledForm, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the termination"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
