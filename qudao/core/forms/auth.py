"""Logging in and a user's own profile."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import User
from . import StyledForm


class LoginForm(forms.Form):
    identifier = forms.CharField(
        label=_("Username, e-mail or mobile"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class ProfileForm(StyledForm, forms.ModelForm):
    im_webhook_url = forms.URLField(
        label=_("IM robot URL"), required=False, assume_scheme="https", max_length=200
    )

    class Meta:
        model = User
        fields = ["email", "mobile", "language", "email_notifications", "im_kind", "im_webhook_url"]
        widgets = {
            "language": forms.Select(
                choices=[("", "—"), ("zh-hans", "简体中文"), ("en", "English")]
            ),
            "im_kind": forms.Select(
                choices=[
                    ("", "—"),
                    ("wecom", _("WeCom robot")),
                    ("dingtalk", _("DingTalk robot")),
                    ("feishu", _("Feishu robot")),
                ]
            ),
        }
