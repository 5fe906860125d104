"""The form of a weekly report (周报)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm

from .fields import DATE, TEXT


class WeeklyReportForm(StyledForm, forms.Form):
    week = forms.DateField(label=_("Week of"), required=False, widget=DATE)
    this_week = forms.CharField(label=_("Work this week"), required=False, widget=TEXT)
    next_week = forms.CharField(label=_("Plan for next week"), required=False, widget=TEXT)
    problems = forms.CharField(label=_("Problems and help needed"), required=False, widget=TEXT)
