"""Forms of the performance pages: input parsing only — the services check the rules, so that the
pages and the API give the same messages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.core.models import Region, User
from qudao.partners.models import Partner, ProductLine, Tier

from .metrics import metric_choices
from .models import BenchmarkGroup, BenchmarkMetric, CorrectiveAction, KpiMetric, UnitKind
from .periods import KIND_CHOICES, MONTH, QUARTER, YEAR, Period, recent_periods

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCHEME_LINES = 8
POLICY_BANDS = 6


def period_choices() -> list:
    """Recent quarters, months and years, grouped, newest first."""
    today = timezone.localdate()
    return [
        (_("Quarters"), [(p.label, p.label) for p in recent_periods(QUARTER, 8, today)]),
        (_("Months"), [(p.label, p.label) for p in recent_periods(MONTH, 12, today)]),
        (_("Years"), [(p.label, p.label) for p in recent_periods(YEAR, 3, today)]),
    ]


class PeriodField(forms.CharField):
    """A period label ("2026", "2026Q3", "2026-07") → Period."""

    default_error_messages = {
        "invalid": _("Write the period as a year, a quarter or a month: 2026, 2026Q3, 2026-07.")
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return Period.parse(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class FilterForm(StyledForm, forms.Form):
    """The dashboard and report filters: period, region, tier, product line."""

    period = PeriodField(label=_("Period"), required=False, widget=forms.Select)
    region = forms.ModelChoiceField(
        label=_("Region"),
        required=False,
        queryset=Region.objects.filter(parent=None),
        empty_label=_("All regions"),
    )
    tier = forms.ModelChoiceField(
        label=_("Tier"),
        required=False,
        queryset=Tier.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=_("All tiers"),
    )
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


class SchemeForm(StyledForm, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=100)
    unit_kind = forms.ChoiceField(
        label=_("Unit type"),
        choices=[(k, v) for k, v in UnitKind.choices if k != UnitKind.PERSON],
        initial=UnitKind.PARTNER,
    )
    tier = forms.ModelChoiceField(
        label=_("Partner tier"),
        required=False,
        queryset=Tier.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=_("Every tier without its own scheme"),
    )
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

    def line(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("metric") and not data.get("weight"):
            return None
        return dict(data)


def scheme_line_forms(data=None, initial=None) -> list[SchemeLineForm]:
    initial = list(initial or [])
    return [
        SchemeLineForm(
            data, prefix=f"line{index}", initial=initial[index] if index < len(initial) else None
        )
        for index in range(max(SCHEME_LINES, len(initial)))
    ]


class PolicyForm(StyledForm, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=100)
    period_kind = forms.ChoiceField(label=_("Period type"), choices=KIND_CHOICES, initial=QUARTER)
    tier = forms.ModelChoiceField(
        label=_("Partner tier"),
        required=False,
        queryset=Tier.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=_("Every tier without its own policy"),
    )
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

    def band(self) -> dict | None:
        data = self.cleaned_data
        if not any(data.get(k) for k in ("min_attainment", "max_attainment", "rebate_percent")):
            return None
        return dict(data)


def band_forms(data=None, initial=None) -> list[BandForm]:
    initial = list(initial or [])
    return [
        BandForm(
            data, prefix=f"band{index}", initial=initial[index] if index < len(initial) else None
        )
        for index in range(max(POLICY_BANDS, len(initial)))
    ]


class StatementComputeForm(StyledForm, forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    period = PeriodField(label=_("Period"), widget=forms.Select)

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = (
            partners if partners is not None else Partner.objects.none()
        )
        self.fields["period"].widget.choices = period_choices()


class ActionForm(StyledForm, forms.Form):
    title = forms.CharField(label=_("Finding"), max_length=200)
    source_kind = forms.ChoiceField(
        label=_("Source"), choices=CorrectiveAction.SourceKind.choices, initial="other"
    )
    source_ref = forms.CharField(label=_("Source reference"), max_length=200, required=False)
    partner = forms.ModelChoiceField(
        label=_("Partner"), required=False, queryset=Partner.objects.none(), empty_label="—"
    )
    region = forms.ModelChoiceField(
        label=_("Region/office"), required=False, queryset=Region.objects.all(), empty_label="—"
    )
    owner = forms.ModelChoiceField(label=_("Owner"), required=False, queryset=User.objects.none())
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    plan = forms.CharField(
        label=_("Plan"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, partners=None, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = (
            partners if partners is not None else Partner.objects.none()
        )
        self.fields["owner"].queryset = owners if owners is not None else User.objects.none()


class TextForm(StyledForm, forms.Form):
    """One text box (plan, evidence, verification note, reason, practice note)."""

    text = forms.CharField(
        label=_("Text"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label


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


class ActionFilterForm(StyledForm, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *CorrectiveAction.Status.choices],
    )
    source_kind = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("All sources")), *CorrectiveAction.SourceKind.choices],
    )
    mine = forms.BooleanField(label=_("Mine"), required=False)
    overdue = forms.BooleanField(label=_("Overdue"), required=False)
    region = forms.IntegerField(required=False, widget=forms.HiddenInput)
    sort = forms.CharField(required=False)
