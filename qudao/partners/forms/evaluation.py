from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm

from ..models import Tier
from .common import DATE


class EvaluationCreateForm(StyledForm, forms.Form):
    period = forms.CharField(
        label=_("Period"), max_length=20, help_text=_("A year, a quarter or a half: 2026, 2026Q3.")
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ScoreForm(forms.Form):
    """One score and comment field per criterion of the evaluation's scorecard. The range is
    checked here for the page and again in the service for everyone."""

    def __init__(self, *args, sheet=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = []
        for row in sheet or []:
            criterion = row["criterion"]
            self.fields[f"score_{criterion.code}"] = forms.DecimalField(
                label=f"{criterion.name} (0–{criterion.max_score}, {criterion.weight}%)",
                required=False,
                decimal_places=2,
                initial=row["score"],
                widget=forms.NumberInput(attrs={"step": "0.5", "class": "form-control"}),
            )
            self.fields[f"comment_{criterion.code}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=500,
                initial=row["comment"],
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            self.criteria.append(criterion)

    def rows(self):
        for criterion in self.criteria:
            yield criterion, self[f"score_{criterion.code}"], self[f"comment_{criterion.code}"]

    def scores(self) -> dict:
        return {c.code: self.cleaned_data.get(f"score_{c.code}") for c in self.criteria}

    def comments(self) -> dict:
        return {c.code: self.cleaned_data.get(f"comment_{c.code}") or "" for c in self.criteria}


class RectificationForm(StyledForm, forms.Form):
    warning = forms.CharField(label=_("Warning"), widget=forms.Textarea(attrs={"rows": 3}))
    plan = forms.CharField(label=_("Rectification plan"), widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)


class ClosingForm(StyledForm, forms.Form):
    closing_note = forms.CharField(
        label=_("Closing note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the rectification was verified."),
    )


class ExitForm(StyledForm, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the exit"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class TierChangeForm(StyledForm, forms.Form):
    to_tier = forms.ModelChoiceField(
        label=_("To tier"), queryset=Tier.objects.filter(is_active=True), to_field_name="code"
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
