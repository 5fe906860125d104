from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.core.models import Region, Role, User

from ..models import Partner, Tier


class PartnerForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["code", "name", "region", "tier", "owner", "contact_name", "contact_phone"]

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions if regions is not None else Region.objects.all()
        self.fields["owner"].queryset = User.objects.filter(
            roles__code=Role.Code.CHANNEL_MANAGER, partner__isnull=True, is_active=True
        ).distinct()
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("Leave empty to own it yourself (channel managers).")


class PartnerFilterForm(StyledForm, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.filter(parent=None), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses"))] + Partner.Status.choices,
    )
    tier = forms.ModelChoiceField(
        label=_("Tier"),
        required=False,
        queryset=Tier.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=_("All tiers"),
    )
    sort = forms.CharField(required=False)
