"""Forms of the corrective action pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.core.models import Region, User
from qudao.partners.models import Partner

from ..models import CorrectiveAction
from .common import DATE


class ActionForm(StyledForm, forms.Form):
    title = forms.CharField(label=_("Finding"), max_length=200)
    source_kind = forms.ChoiceField(
        label=_("Source"), choices=CorrectiveAction.SourceKind.choices, initial="other"
    )
    source_ref = forms.CharField(label=_("Source reference"), max_length=200, required=False)
    partner = forms.ModelChoiceField(
        label=_("Partner"), required=False, queryset=Partner.objects.none(), empty_label="—"
    )
    region = forms.ModelChoiceField(
        label=_("Region/office"), required=False, queryset=Region.objects.all(), empty_label="—"
    )
    owner = forms.ModelChoiceField(label=_("Owner"), required=False, queryset=User.objects.none())
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    plan = forms.CharField(
        label=_("Plan"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, partners=None, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = (
            partners if partners is not None else Partner.objects.none()
        )
        self.fields["owner"].queryset = owners if owners is not None else User.objects.none()


class ActionFilterForm(StyledForm, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *CorrectiveAction.Status.choices],
    )
    source_kind = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("All sources")), *CorrectiveAction.SourceKind.choices],
    )
    mine = forms.BooleanField(label=_("Mine"), required=False)
    overdue = forms.BooleanField(label=_("Overdue"), required=False)
    region = forms.IntegerField(required=False, widget=forms.HiddenInput)
    sort = forms.CharField(required=False)
