"""Closing a registration: won, lost or cancelled."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm

from ..models import Registration
from .common import text_box


class CloseForm(StyledForm, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"))
    reason = text_box(_("Reason"), 2000, help_text=_("Required when lost or cancelled."))

    def __init__(self, *args, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [
            (outcome, Registration.Status(outcome).label) for outcome in outcomes
        ]
