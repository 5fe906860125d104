"""The form of a project's document upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm

from ..models import DocumentType


class DocumentUploadForm(StyledForm, forms.Form):
    stage = forms.TypedChoiceField(label=_("Stage"), coerce=int)
    document_type = forms.ModelChoiceField(
        label=_("Document type"), queryset=DocumentType.objects.none()
    )
    file = forms.FileField(label=_("File"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, stages, document_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s.pk, s.definition.name) for s in stages]
        self.fields["document_type"].queryset = document_types
