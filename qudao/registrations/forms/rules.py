"""Forms of the registration rules page. Plain forms (not ModelForms): the services validate and
write, so the instance is never changed before the service takes its snapshot."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.catalog.models import ProductLine
from qudao.core.forms import StyledForm
from qudao.core.models import Region, User
from qudao.partners.models import Tier


class ProtectionRuleForm(StyledForm, forms.Form):
    tier = forms.ModelChoiceField(
        label=_("partner tier"),
        queryset=Tier.objects.order_by("-rank", "code"),
        required=False,
        empty_label=_("Any tier"),
    )
    product_line = forms.ModelChoiceField(
        label=_("product line"),
        queryset=ProductLine.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("Any product line"),
    )
    protection_days = forms.IntegerField(label=_("protection (days)"), min_value=1, max_value=730)
    update_interval_days = forms.IntegerField(
        label=_("progress update every (days)"),
        min_value=1,
        max_value=365,
        help_text=_("Without an update for this long, the partner is warned; then it expires."),
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)


class CrossRegionRuleForm(StyledForm, forms.Form):
    customer_region = forms.ModelChoiceField(
        label=_("customer region"), queryset=Region.objects.order_by("parent_id", "name")
    )
    requires_approval = forms.BooleanField(
        label=_("needs the extra approval"), required=False, initial=True
    )
    approver = forms.ModelChoiceField(
        label=_("approver"),
        queryset=User.objects.filter(is_active=True, partner__isnull=True).order_by("username"),
        required=False,
        empty_label=_("The region's manager"),
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)
