from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.core.models import Role

from ..models import PartnerContact, PartnerDocument
from .common import DATE


class ContactForm(StyledForm, forms.ModelForm):
    class Meta:
        model = PartnerContact
        fields = ["name", "title", "phone", "email", "is_primary", "notes"]


class UserInviteForm(StyledForm, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("The invitation to set a password goes here.")
    )
    mobile = forms.CharField(label=_("Mobile number"), max_length=11, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=[], widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, grantable=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only what the actor may give; anything else sent is refused by the form too.
        self.fields["roles"].choices = [
            (code, label) for code, label in Role.Code.choices if code in grantable
        ]


class DocumentForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"), choices=PartnerDocument.Kind.choices, initial=PartnerDocument.Kind.OTHER
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the file name."),
    )
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, image, Word, Excel or ZIP; at most 10 MB.")
    )
