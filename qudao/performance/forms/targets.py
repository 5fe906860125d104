"""Forms of the target pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.core.models import Region

from ..metrics import metric_choices
from ..models import UnitKind


class TargetForm(StyledForm, forms.Form):
    """A target set at HQ (not decomposed from another)."""

    unit_kind = forms.ChoiceField(
        label=_("Unit"),
        choices=[
            (UnitKind.COMPANY, UnitKind.COMPANY.label),
            (UnitKind.REGION, UnitKind.REGION.label),
        ],
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        required=False,
        queryset=Region.objects.filter(parent=None),
        empty_label="—",
    )
    metric = forms.ChoiceField(label=_("Metric"), choices=metric_choices())
    period = forms.CharField(
        label=_("Period"),
        max_length=10,
        help_text=_("A year, a quarter or a month: 2026, 2026Q3, 2026-07."),
    )
    value = forms.CharField(label=_("Target value"), max_length=20)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class TargetValueForm(StyledForm, forms.Form):
    value = forms.CharField(label=_("Target value"), max_length=20)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
