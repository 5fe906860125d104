from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.core.listing import RegionTreeChoiceField
from qudao.core.models import Role, User

from ..models import Partner, Tier
from ..services.partners import PARTNER_FIELDS
from ..validators import normalise_credit_code
from .common import region_filter, status_filter


class PartnerForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Partner
        fields = list(PARTNER_FIELDS)  # the service decides what may be written
        widgets = {
            "business_scope": forms.Textarea(attrs={"rows": 3}),
            "main_customers": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Regions in their order, each followed by its offices (the shared region dropdown).
        region = RegionTreeChoiceField(label=self.fields["region"].label, empty_label="---------")
        region.required = True
        region.widget.attrs["class"] = "form-select"
        if regions is not None:
            region.queryset = region.queryset.filter(pk__in=regions.values("pk"))
        self.fields["region"] = region
        self.fields["owner"].queryset = User.objects.filter(
            roles__code=Role.Code.CHANNEL_MANAGER, partner__isnull=True, is_active=True
        ).distinct()
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("Leave empty to own it yourself (channel managers).")

    def clean_credit_code(self):
        code = normalise_credit_code(self.cleaned_data.get("credit_code", ""))
        taken = Partner.objects.filter(credit_code=code).exclude(pk=self.instance.pk)
        if code and taken.exists():
            raise forms.ValidationError(_("Another partner has this unified social credit code."))
        return code


class PartnerFilterForm(StyledForm, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    region = region_filter()
    status = status_filter(Partner.Status.choices)
    tier = forms.ModelChoiceField(
        label=_("Tier"),
        required=False,
        queryset=Tier.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=_("All tiers"),
    )
    owner = forms.ModelChoiceField(
        label=_("Channel manager"),
        required=False,
        queryset=User.objects.filter(
            roles__code=Role.Code.CHANNEL_MANAGER, partner__isnull=True
        ).distinct(),
        empty_label=_("All channel managers"),
    )
    created_from = forms.DateField(
        label=_("Created from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "title": _("Created from")}),
    )
    created_to = forms.DateField(
        label=_("Created to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "title": _("Created to")}),
    )
    sort = forms.CharField(required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and end < start:
            self.add_error("created_to", _("The end date is before the start date."))
        return cleaned
