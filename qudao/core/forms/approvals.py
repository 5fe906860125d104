"""Deciding on and commenting an approval."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..services.approvals import Decision
from . import StyledForm


class DecisionForm(StyledForm, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Decision.APPROVE, _("Approve")),
            (Decision.REJECT, _("Reject")),
            (Decision.RETURN, _("Return for changes")),
        ],
    )
    comment = forms.CharField(
        label=_("Comment / reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CommentForm(StyledForm, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
