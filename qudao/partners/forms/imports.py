"""The upload form of the partner import; the file itself is checked by the import service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm


class PartnerImportForm(StyledForm, forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        help_text=_("Up to 5 MB and 5,000 rows; use the template's headers (Chinese or English)."),
    )
