"""Forms of the benchmark pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm

from ..models import BenchmarkGroup, BenchmarkMetric
from .common import PeriodField, period_choices


class BenchmarkFilterForm(StyledForm, forms.Form):
    period = PeriodField(label=_("Period"), required=False, widget=forms.Select)
    group = forms.CharField(required=False, widget=forms.HiddenInput)
    group_kind = forms.ChoiceField(
        label=_("Compared with"), required=False, choices=[("", "—"), *BenchmarkGroup.choices]
    )
    metric = forms.ChoiceField(
        label=_("Metric"),
        required=False,
        choices=[("", _("All metrics")), *BenchmarkMetric.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].widget.choices = period_choices()
