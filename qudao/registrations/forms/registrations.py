"""The filters of the registration list."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.core.listing import RegionTreeChoiceField, date_filter_field, partner_search_field
from qudao.partners.forms.common import PartnerDrillFilters

from ..models import Registration
from ..selectors.registrations import APPROVED_EVER


class RegistrationFilterForm(StyledForm, PartnerDrillFilters):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All statuses")),
            *Registration.Status.choices,
            (APPROVED_EVER, _("Approved at some point (incl. won, lost, expired)")),
        ],
    )
    stage = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("", _("All stages"))] + Registration.Stage.choices,
    )
    partner = partner_search_field()
    region = RegionTreeChoiceField(label=_("Customer region"))
    date_field = forms.ChoiceField(
        label=_("Date"),
        required=False,
        choices=[("created", _("Created date")), ("submitted", _("Registration date"))],
    )
    date_from = date_filter_field(_("Date from"))
    date_to = date_filter_field(_("Date to"))
    expiring = forms.BooleanField(label=_("Protection ends within 7 days"), required=False)
    conflicts = forms.BooleanField(label=_("In review with conflicts"), required=False)
    # Approved, protection ending within this many days (the home pages' "next 30 days" links).
    expires_within = forms.IntegerField(
        required=False, min_value=1, max_value=366, widget=forms.HiddenInput
    )
    sort = forms.CharField(required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def search_kwargs(self) -> dict:
        """The selector's keyword arguments of a valid form."""
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "status": data.get("status") or "",
            "partner_name": data.get("partner") or "",
            "partner": data["partner_id"].pk if data.get("partner_id") else None,
            "region": data["region"].pk if data.get("region") else None,
            "partner_region": data["partner_region"].pk if data.get("partner_region") else None,
            "tier": data["tier"].code if data.get("tier") else "",
            "product_line": data["product_line"].pk if data.get("product_line") else None,
            "stage": data.get("stage") or "",
            "date_field": data.get("date_field") or "created",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "expiring": bool(data.get("expiring")),
            "expires_within": data.get("expires_within"),
            "sort": data.get("sort") or "",
        }
