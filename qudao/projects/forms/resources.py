"""Forms of resource requests: asking a department, its answer, and the list's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.core.models import Department

from ..models import ResourceRequest
from .fields import DATE, TEXT


class ResourceRequestForm(StyledForm, forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.order_by("name"), required=False
    )
    title = forms.CharField(label=_("Request"), max_length=200, required=False)
    description = forms.CharField(label=_("What is needed"), required=False, widget=TEXT)
    needed_by = forms.DateField(label=_("Needed by"), required=False, widget=DATE)


class RespondForm(StyledForm, forms.Form):
    status = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            (s, label)
            for s, label in ResourceRequest.Status.choices
            if s != ResourceRequest.Status.OPEN
        ],
    )
    response = forms.CharField(label=_("Response"), required=False, widget=TEXT)


class ResourceFilterForm(StyledForm, forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("All departments"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All states")), *ResourceRequest.Status.choices],
    )
