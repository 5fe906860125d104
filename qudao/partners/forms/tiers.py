"""Forms of tiers: a tier and its benefits, and a proposed tier change."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm

from ..models import Partner, Tier
from ..services.tiers import TIER_FIELDS


class TierForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Tier
        fields = list(TIER_FIELDS)  # the service decides what may be written
        widgets = {"required_certifications": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Partners refer to a tier by its code, so the code of an existing tier stays.
            self.fields["code"].disabled = True

    def validate_unique(self):
        # The service reports a duplicate code with its own message.
        pass

    def _post_clean(self):
        # Keep the instance untouched: the service writes it (with its audit entry).
        pass


class TierChangeForm(StyledForm, forms.Form):
    to_tier = forms.ModelChoiceField(label=_("New tier"), queryset=Tier.objects.none())
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, partner: Partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_tier"].queryset = (
            Tier.objects.filter(is_active=True).exclude(code=partner.tier_id).order_by("-rank")
        )
