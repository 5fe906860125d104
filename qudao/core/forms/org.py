"""The vendor's users and their roles."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Department, Region, Role, User
from . import StyledForm


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
