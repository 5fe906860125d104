"""What the partners forms share: the list filters' fields and the partner choice limited to
the partners the user may act for."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.catalog.models import ProductLine
from qudao.core.listing import RegionTreeChoiceField
from qudao.core.models import Region

from ..models import Partner, Tier

# A date field's browser date picker (a widget instance is copied by each form that uses it).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def region_filter() -> forms.ModelChoiceField:
    """A list filter on a region (with its offices) or one office: regions in their order, each
    with its offices nested under it."""
    return RegionTreeChoiceField(label=_("Region / office"), empty_label=_("All regions"))


def status_filter(choices) -> forms.ChoiceField:
    """A list filter on a status (`choices` of its TextChoices)."""
    return forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *choices]
    )


def partner_filter() -> forms.ModelChoiceField:
    """A list filter on a partner; PartnerChoices sets its choices."""
    return forms.ModelChoiceField(
        label=_("Partner"),
        queryset=Partner.objects.none(),
        required=False,
        empty_label=_("All partners"),
    )


class PartnerChoices:
    """A form whose `partner` field offers `partners` (none when not given)."""

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = (
            partners if partners is not None else Partner.objects.none()
        )


class PartnerDrillFilters(forms.Form):
    """The drill-down filters of a list that the performance dashboard and the home charts link
    to (the project and registration lists): a partner by id, the partner's region (with its
    offices), tier and product line, as the dashboard's facts count them; hidden inputs that the
    list shows as removable chips (no option lists to read for every page)."""

    partner_id = forms.ModelChoiceField(
        label=_("Partner"),
        required=False,
        queryset=Partner.objects.only("pk", "name"),
        widget=forms.HiddenInput,
    )
    partner_region = forms.ModelChoiceField(
        label=_("Partner region"),
        required=False,
        queryset=Region.objects.only("pk", "name"),
        widget=forms.HiddenInput,
    )
    tier = forms.ModelChoiceField(
        label=_("Partner tier"),
        required=False,
        queryset=Tier.objects.all(),
        to_field_name="code",
        widget=forms.HiddenInput,
    )
    product_line = forms.ModelChoiceField(
        label=_("Product line"),
        required=False,
        queryset=ProductLine.objects.all(),
        to_field_name="code",
        widget=forms.HiddenInput,
    )
