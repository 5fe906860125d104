"""Forms of recruitment and qualification: the public application, the review queue's filters,
assignment, scores, rejection and the scorecard settings."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.core.models import Region

from ..models import PartnerApplication, PartnerScorecard, ScorecardCriterion
from ..selectors.recruitment import channel_managers, regions_for_applicants
from ..services.recruitment.submission import APPLICATION_FIELDS
from ..validators import normalise_credit_code
from .common import region_filter, status_filter

FILE_ACCEPT = {
    "licence": ".pdf,.jpg,.jpeg,.png",
    "other": ".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.zip",
}


def _optional_file(label, help_text=None) -> forms.FileField:
    """An optional attachment of the application: a document, an image or an archive."""
    return forms.FileField(
        label=label,
        required=False,
        help_text=help_text or _("Optional."),
        widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT["other"]}),
    )


class ApplicationForm(StyledForm, forms.ModelForm):
    """The public "become a partner" form; files are checked again by the service."""

    region = forms.TypedChoiceField(label=_("Region/office"), coerce=int, choices=())
    licence = forms.FileField(
        label=_("Business licence"),
        help_text=_("PDF, JPG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT["licence"]}),
    )
    qualification = _optional_file(
        _("Qualification certificates"),
        _("Optional. PDF, image, Office document or ZIP, at most 10 MB."),
    )
    financial = _optional_file(_("Financial statements"))
    other = _optional_file(_("Other documents"))

    class Meta:
        model = PartnerApplication
        fields = list(APPLICATION_FIELDS)
        widgets = {
            "business_scope": forms.Textarea(attrs={"rows": 3}),
            "main_customers": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—"), *regions_for_applicants()]
        self.fields["credit_code"].help_text = _("18 characters, as on the business licence.")

    def clean_credit_code(self):
        return normalise_credit_code(self.cleaned_data.get("credit_code", ""))

    def clean_region(self):
        region = Region.objects.filter(pk=self.cleaned_data["region"]).first()
        if region is None:
            raise forms.ValidationError(_("Choose a region or office."))
        return region

    def _post_clean(self):
        # The model is built and checked by the service (application_submit), not here.
        pass

    def application_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}

    def files_data(self) -> dict:
        return {
            name: self.cleaned_data.get(name)
            for name in ("licence", "qualification", "financial", "other")
        }


class ApplicationFilterForm(StyledForm, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    region = region_filter()
    status = status_filter(PartnerApplication.Status.choices)
    sort = forms.CharField(required=False)


class AssignForm(StyledForm, forms.Form):
    assignee = forms.ModelChoiceField(label=_("Channel manager"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = channel_managers()


class RejectForm(StyledForm, forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the applicant)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ScoreForm(StyledForm, forms.Form):
    """One score (0..max) and an optional comment per criterion of the scorecard."""

    def __init__(self, *args, scorecard: PartnerScorecard, initial_scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(scorecard.criteria.all())
        initial_scores = initial_scores or {}
        for criterion in self.criteria:
            previous = initial_scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.name} ({criterion.weight.normalize():f}%)",
                max_digits=5,
                decimal_places=2,
                validators=[MinValueValidator(0), MaxValueValidator(criterion.max_score)],
                help_text=_("0 to %(max)s") % {"max": criterion.max_score},
                initial=previous.score if previous else None,
                widget=forms.NumberInput(
                    attrs={
                        "min": 0,
                        "max": criterion.max_score,
                        "step": "0.01",
                        "class": "form-control",
                    }
                ),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on %(name)s") % {"name": criterion.name},
                required=False,
                max_length=500,
                initial=previous.comment if previous else "",
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )

    def rows(self):
        """(score field, comment field) per criterion, for the template."""
        return [(self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self) -> dict[int, object]:
        return {c.pk: self.cleaned_data.get(f"score_{c.pk}") for c in self.criteria}

    def comments(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(f"comment_{c.pk}", "") for c in self.criteria}


class CriterionForm(StyledForm, forms.ModelForm):
    class Meta:
        model = ScorecardCriterion
        fields = ["code", "name", "weight", "max_score", "order"]

    def _post_clean(self):
        # Uniqueness and the weight sum are the service's (scorecard_criteria_save) to check.
        pass


CriterionFormSet = modelformset_factory(
    ScorecardCriterion, form=CriterionForm, extra=1, can_delete=True
)
