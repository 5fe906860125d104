"""The partner's progress update and extension request."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm

from ..models import Registration
from ..services import EXTENSION_DAYS, MAX_EXTENSION_DAYS
from .common import text_box


class ProgressForm(StyledForm, forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Registration.Stage.choices)
    estimated_amount = forms.DecimalField(
        label=_("Estimated amount (CNY)"), widget=forms.NumberInput(attrs={"step": "0.01"})
    )
    notes = text_box(_("Progress notes"), 5000, rows=3)


class ExtendForm(StyledForm, forms.Form):
    days = forms.IntegerField(
        label=_("Days"),
        min_value=1,
        max_value=MAX_EXTENSION_DAYS,
        initial=EXTENSION_DAYS,
        required=False,
    )
    reason = text_box(_("Reason"), 2000, rows=3, required=True)
