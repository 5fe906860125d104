from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm

from ..models import CreditApplication, Partner
from .common import DATE, PartnerChoices, partner_filter, status_filter


class CreditApplicationForm(PartnerChoices, StyledForm, forms.Form):
    """Input only; the amount's range and the special period are checked by the service, so
    that the page and the API give the same messages."""

    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    kind = forms.ChoiceField(
        label=_("Type"), choices=CreditApplication.Kind.choices, initial="normal"
    )
    amount = forms.DecimalField(
        label=_("Amount (CNY)"),
        decimal_places=2,
        help_text=_("In yuan, not 万: 50万 is 500,000."),
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )
    project_name = forms.CharField(
        label=_("Project"),
        max_length=200,
        required=False,
        help_text=_("Required for a special credit."),
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE)
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DATE)
    reason = forms.CharField(
        label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CreditFilterForm(PartnerChoices, StyledForm, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = status_filter(CreditApplication.Status.choices)
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("All types"))] + CreditApplication.Kind.choices,
    )
    partner = partner_filter()
    sort = forms.CharField(required=False)


class CreditUsageForm(StyledForm, forms.Form):
    credit_used = forms.DecimalField(
        label=_("Credit used (CNY)"),
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
