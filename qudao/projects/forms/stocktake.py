"""Forms of the stock-take: opening a round, confirming an entry, and the entries' filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.core.models import Region

from ..models import Project, StockTakeEntry
from ..services.stocktake import CORRECTABLE
from .fields import DATE, TEXT


class StockTakeForm(StyledForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.filter(parent=None).order_by("sort_order", "code"),
        required=False,
        empty_label=_("All regions"),
    )
    due_date = forms.DateField(label=_("Confirm by"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=TEXT)


class EntryConfirmForm(StyledForm, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("As it is")), *[(s, Project.Status(s).label) for s in CORRECTABLE]],
    )
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), required=False, max_digits=14, decimal_places=2
    )
    expected_close_date = forms.DateField(
        label=_("Expected close date"), required=False, widget=DATE
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class EntryFilterForm(StyledForm, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *StockTakeEntry.Status.choices],
    )
    mine = forms.BooleanField(label=_("Only mine"), required=False)
