"""Forms of the rebate policy and statement pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.partners.models import Partner

from ..periods import KIND_CHOICES, QUARTER
from .common import PeriodField, numbered_forms, period_choices, tier_field

POLICY_BANDS = 6


class PolicyForm(StyledForm, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=100)
    period_kind = forms.ChoiceField(label=_("Period type"), choices=KIND_CHOICES, initial=QUARTER)
    tier = tier_field(_("Partner tier"), _("Every tier without its own policy"))
    bonus_per_new_customer = forms.CharField(
        label=_("Bonus per new customer (CNY)"), max_length=20, initial="0"
    )
    bonus_per_certification = forms.CharField(
        label=_("Bonus per certification (CNY)"), max_length=20, initial="0"
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class BandForm(StyledForm, forms.Form):
    min_attainment = forms.CharField(label=_("Attainment from %"), max_length=10, required=False)
    max_attainment = forms.CharField(label=_("below %"), max_length=10, required=False)
    rebate_percent = forms.CharField(label=_("Rebate %"), max_length=10, required=False)

    def row(self) -> dict | None:
        data = self.cleaned_data
        if not any(data.get(k) for k in ("min_attainment", "max_attainment", "rebate_percent")):
            return None
        return dict(data)


def band_forms(data=None, initial=None) -> list[BandForm]:
    return numbered_forms(BandForm, "band", POLICY_BANDS, data, initial)


class StatementComputeForm(StyledForm, forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    period = PeriodField(label=_("Period"), widget=forms.Select)

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = (
            partners if partners is not None else Partner.objects.none()
        )
        self.fields["period"].widget.choices = period_choices()
