"""The filters of the registration list."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.core.listing import date_filter_field, partner_search_field
from qudao.core.models import Region

from ..models import Registration
from .drafts import regions


class RegistrationFilterForm(StyledForm, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses"))] + Registration.Status.choices,
    )
    stage = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("", _("All stages"))] + Registration.Stage.choices,
    )
    partner = partner_search_field()
    region = forms.ModelChoiceField(
        label=_("Customer region"),
        required=False,
        queryset=Region.objects.none(),
        empty_label=_("All regions"),
    )
    date_from = date_filter_field(_("Created from"))
    date_to = date_filter_field(_("Created to"))
    expiring = forms.BooleanField(label=_("Protection ends within 7 days"), required=False)
    conflicts = forms.BooleanField(label=_("In review with conflicts"), required=False)
    sort = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned
