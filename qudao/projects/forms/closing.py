"""Forms of a project's closing: win or lose, competition, a note, the handover, the visit
and the reports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm

from ..models import FollowUpVisit, Project
from .fields import DATE, SCORES, TEXT


class OutcomeForm(StyledForm, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=TEXT)
    competitor = forms.CharField(label=_("Competitor"), max_length=100, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CompetitionForm(StyledForm, forms.Form):
    competitor_strategy = forms.ChoiceField(
        label=_("Competitor strategy"),
        required=False,
        choices=[("", _("Not decided yet")), *Project.CompetitorStrategy.choices],
    )
    competitor_analysis = forms.CharField(
        label=_("Competitor analysis"), required=False, widget=TEXT
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class NoteForm(StyledForm, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=TEXT)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class HandoverForm(StyledForm, forms.Form):
    scope = forms.CharField(label=_("Delivered scope"), required=False, widget=TEXT)
    operations_contact = forms.CharField(
        label=_("Operations contact"), max_length=100, required=False
    )
    handover_date = forms.DateField(label=_("Handover date"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=TEXT)


class VisitForm(StyledForm, forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=FollowUpVisit.Method.choices)
    visited_on = forms.DateField(label=_("Visited on"), required=False, widget=DATE)
    contact = forms.CharField(label=_("Customer contact"), max_length=100, required=False)
    satisfaction = forms.ChoiceField(label=_("Satisfaction (1–5)"), choices=SCORES)
    notes = forms.CharField(label=_("Notes"), required=False, widget=TEXT)


class ReportForm(StyledForm, forms.Form):
    rating = forms.ChoiceField(
        label=_("Overall rating (1–5)"), required=False, choices=[("", "—"), *SCORES]
    )
    body = forms.CharField(
        label=_("Report"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    problems = forms.CharField(label=_("Problems and lessons"), required=False, widget=TEXT)
    team_performance = forms.CharField(
        label=_("Performance of the main members"), required=False, widget=TEXT
    )
    finalise = forms.BooleanField(label=_("Final: freeze the report"), required=False)
