from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Department, Region, Role, User
from .services.approvals import Decision


class StyledForm:
    """Gives every widget its Bootstrap class, so templates render fields as they are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if (
                isinstance(widget, forms.TextInput)
                and field.label
                and "placeholder" not in widget.attrs
            ):
                widget.attrs["placeholder"] = field.label


class LoginForm(forms.Form):
    identifier = forms.CharField(
        label=_("Username, e-mail or mobile"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class DecisionForm(StyledForm, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Decision.APPROVE, _("Approve")),
            (Decision.REJECT, _("Reject")),
            (Decision.RETURN, _("Return for changes")),
        ],
    )
    comment = forms.CharField(
        label=_("Comment / reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CommentForm(StyledForm, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class UserForm(StyledForm, forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.Code.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        widget=forms.PasswordInput,
        help_text=_("Required for a new user."),
    )

    class Meta:
        model = User
        fields = [
            "username",
            "last_name",
            "first_name",
            "email",
            "mobile",
            "region",
            "department",
            "partner",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.all()
        self.fields["department"].queryset = Department.objects.all()
        if self.instance.pk:
            self.fields["roles"].initial = list(self.instance.roles.values_list("code", flat=True))

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and not cleaned.get("password"):
            self.add_error("password", _("Required for a new user."))
        return cleaned


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
