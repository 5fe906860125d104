"""Forms of a project's stages: advance, skip, the stage draft (with the completion of the current
stage), repeated submissions and the gate decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.core.forms.approvals import DecisionForm

from ..models import StageDefinition


class AdvanceForm(StyledForm, forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Comment (optional)")}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SkipForm(StyledForm, forms.Form):
    reason = forms.CharField(
        label=_("Reason for skipping"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Reason for skipping")}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class StageDraftForm(StyledForm, forms.Form):
    """The checklist ticks and the free-text draft of one stage, saved to complete later."""

    checklist = forms.TypedMultipleChoiceField(
        label=_("Checklist"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Draft notes"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, definition: StageDefinition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].choices = list(enumerate(definition.checklist))


class StageWorkForm(StageDraftForm):
    """The current stage's one form: its checklist ticks and draft, and the comment of
    completing it. "Save draft" keeps the ticks and notes; "Complete the stage" saves them and
    passes the gate with them, so a box ticked on the page is never refused as unticked."""

    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Comment (optional)")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The comment box and the button sit below the stage's other forms (submissions), so
        # they belong to this form by its id (HTML's form= attribute), not by nesting.
        self.html_id = f"{self.prefix or 'stage'}-work"
        self.fields["comment"].widget.attrs["form"] = self.html_id


class SubmissionForm(StyledForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Content"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 1, "placeholder": _("Content")}),
    )


class GateDecisionForm(DecisionForm):
    """The approver's decision on a stage gate; `version` is the approval's version the page
    showed, so a decision taken meanwhile by someone else is refused, not overwritten."""

    comment = forms.CharField(
        label=_("Comment / reason"),
        max_length=2000,
        required=False,
        help_text=_("Required when you reject or return."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
