"""Forms of the KPI scheme and scorecard pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.partners.models import Tier

from ..metrics import metric_choices
from ..models import KpiMetric, UnitKind
from ..periods import KIND_CHOICES, QUARTER
from .common import numbered_forms, tier_field

SCHEME_LINES = 8


class SchemeForm(StyledForm, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=100)
    unit_kind = forms.ChoiceField(
        label=_("Unit type"),
        choices=[(k, v) for k, v in UnitKind.choices if k != UnitKind.PERSON],
        initial=UnitKind.PARTNER,
    )
    tier = tier_field(_("Partner tier"), _("Every tier without its own scheme"))
    period_kind = forms.ChoiceField(label=_("Period type"), choices=KIND_CHOICES, initial=QUARTER)
    warning_line = forms.CharField(label=_("Warning line (points)"), max_length=10, initial="60")
    promotion_line = forms.CharField(
        label=_("Promotion line (points)"), max_length=10, required=False
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class SchemeLineForm(StyledForm, forms.Form):
    metric = forms.ChoiceField(
        label=_("Metric"), required=False, choices=[("", "—"), *metric_choices(manual=True)]
    )
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    weight = forms.CharField(label=_("Weight %"), max_length=10, required=False)
    rule = forms.ChoiceField(
        label=_("Scoring rule"), required=False, choices=[("", "—"), *KpiMetric.Rule.choices]
    )
    cap = forms.CharField(label=_("Cap"), max_length=10, required=False)
    thresholds = forms.CharField(label=_("Bands"), max_length=200, required=False)
    standard = forms.CharField(label=_("Standard"), max_length=20, required=False)

    def row(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("metric") and not data.get("weight"):
            return None
        return dict(data)


def scheme_line_forms(data=None, initial=None) -> list[SchemeLineForm]:
    return numbered_forms(SchemeLineForm, "line", SCHEME_LINES, data, initial)


class ManualScoreForm(StyledForm, forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.CharField(label=_("Points (0–100)"), max_length=10)
    note = forms.CharField(label=_("Comment"), max_length=500, required=False)


class TierProposalForm(StyledForm, forms.Form):
    to_tier = forms.ModelChoiceField(
        label=_("Proposed tier"), queryset=Tier.objects.filter(is_active=True), to_field_name="code"
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
