"""Forms of tiers: a tier and its benefits, and a proposed tier change."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm

from ..models import Partner, Tier


class TierForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Tier
        fields = [
            "code",
            "name",
            "rank",
            "discount_percent",
            "default_credit_limit",
            "mdf_share_percent",
            "training_seats",
            "required_certifications",
            "min_score",
            "is_active",
        ]
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
