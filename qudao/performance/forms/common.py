"""What the performance forms share: the period field and its choices, the one-text-box form,
and the rows of numbered sub-forms (scheme lines, policy bands)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.partners.models import Tier

from ..periods import MONTH, QUARTER, YEAR, Period, recent_periods

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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


def tier_field(label, empty_label) -> forms.ModelChoiceField:
    """An optional choice of an active tier, by its code."""
    return forms.ModelChoiceField(
        label=label,
        required=False,
        queryset=Tier.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=empty_label,
    )


def numbered_forms(form_class, prefix: str, rows: int, data=None, initial=None) -> list:
    """At least `rows` forms of `form_class` (prefixes `<prefix>0`, `<prefix>1`, …), one per
    `initial` row when there are more, each filled with its `initial` row."""
    initial = list(initial or [])
    initial += [None] * (rows - len(initial))
    return [form_class(data, prefix=f"{prefix}{i}", initial=row) for i, row in enumerate(initial)]


class TextForm(StyledForm, forms.Form):
    """One text box (plan, evidence, verification note, reason, practice note)."""

    text = forms.CharField(
        label=_("Text"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label
