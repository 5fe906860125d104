"""Deciding on and commenting an approval."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..services.approvals import Decision
from . import StyledForm


class DecisionForm(StyledForm, forms.Form):
    """The decision on the current step. Nothing is chosen until the approver chooses (no
    default "approve"); `extra_fields` are the approval kind's own (`decision_fields`), whose
    values the service's `check_decision` validates and records."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Decision.APPROVE, _("Approve")),
            (Decision.REJECT, _("Reject")),
            (Decision.RETURN, _("Return for changes")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a decision: approve, reject or return for changes."),
            "invalid_choice": _("Choose a decision: approve, reject or return for changes."),
        },
    )
    comment = forms.CharField(
        label=_("Comment / reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, extra_fields: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra_names = list(extra_fields or {})
        for name, field in (extra_fields or {}).items():
            self.fields[name] = field
        self.fields["decision"].widget.attrs["class"] = "btn-check"
        # The kind's fields come right after the decision, before the comment.
        order = ["decision", *self.extra_names, "comment", "version"]
        self.order_fields(order)
        for name in self.extra_names:
            widget = self.fields[name].widget
            if not isinstance(widget, forms.HiddenInput | forms.CheckboxInput):
                css = "form-select" if isinstance(widget, forms.Select) else "form-control"
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def extra_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.extra_names}


class CommentForm(StyledForm, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
