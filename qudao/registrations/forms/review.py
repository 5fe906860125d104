"""The review queue's filters and the reviewer's decision."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.core.listing import partner_search_field
from qudao.core.services.approvals import Decision

from ..selectors import QUEUE_LEVELS
from .common import text_box

QUEUE_LEVEL_LABELS = {
    "conflict": _("With conflicts"),
    "none": _("No conflict"),
    "possible": _("Possible conflict"),
    "likely": _("Likely conflict"),
    "certain": _("Certain conflict"),
}


class ReviewFilterForm(StyledForm, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    partner = partner_search_field()
    level = forms.ChoiceField(
        label=_("Conflict"),
        required=False,
        choices=[
            ("", _("Any conflict level")),
            *((level, QUEUE_LEVEL_LABELS[level]) for level in QUEUE_LEVELS),
        ],
    )
    sort = forms.CharField(required=False)


def override_reason_field(required: bool = False) -> forms.CharField:
    """The override reason approving a later claim needs (asked here and on the approvals page;
    `services.review._check_review_decision` requires it when approving)."""
    return forms.CharField(
        label=_("Override reason"),
        max_length=500,
        required=required,
        # The reason goes to both partners (the ended claim's history and notification).
        help_text=format_lazy(
            "{} {}",
            _("Another partner claimed this customer first; say why this one wins."),
            _("Both partners are told this reason: do not name the other partner."),
        ),
    )


class DecisionForm(StyledForm, forms.Form):
    """The reviewer's decision; `version` is the approval's version the page showed, so that a
    decision made meanwhile by someone else is refused instead of overwritten."""

    # Sent by the button pressed, so not rendered as a field.
    decision = forms.ChoiceField(
        choices=[
            (Decision.APPROVE, _("Approve")),
            (Decision.REJECT, _("Reject")),
            (Decision.RETURN, _("Request information")),
        ]
    )
    comment = text_box(_("Comment / reason"), 2000)
    override_reason = override_reason_field()
    version = forms.IntegerField(widget=forms.HiddenInput)
