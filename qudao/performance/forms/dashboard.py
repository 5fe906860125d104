"""The dashboard and report filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.catalog.models import ProductLine
from qudao.core.forms import StyledForm
from qudao.core.models import Region

from .common import PeriodField, period_choices, tier_field


class FilterForm(StyledForm, forms.Form):
    """The dashboard and report filters: period, region, tier, product line."""

    period = PeriodField(label=_("Period"), required=False, widget=forms.Select)
    region = forms.ModelChoiceField(
        label=_("Region"),
        required=False,
        queryset=Region.objects.filter(parent=None),
        empty_label=_("All regions"),
    )
    tier = tier_field(_("Tier"), _("All tiers"))
    product_line = forms.ModelChoiceField(
        label=_("Product line"),
        required=False,
        queryset=ProductLine.objects.all(),
        to_field_name="code",
        empty_label=_("All product lines"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = period_choices()
        wanted = (self.data.get("period") or "").strip().upper() if self.data else ""
        known = {label for _group, items in choices for label, _text in items}
        if wanted and wanted not in known:
            choices.insert(0, (wanted, wanted))
        self.fields["period"].widget.choices = choices
