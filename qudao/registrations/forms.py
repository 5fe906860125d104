"""Forms of the registration pages. They parse input only: ranges, dates in the past, credit
code check digits and "at least one product line" are checked by the services, so that the pages
and the API give the same messages."""

from django import forms
from django.forms import formset_factory
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from qudao.core.forms import StyledForm
from qudao.core.models import Region
from qudao.core.services.approvals import Decision
from qudao.partners.models import ProductLine

from .models import Registration
from .selectors_ui import QUEUE_LEVELS
from .services import EXTENSION_DAYS, MAX_EXTENSION_DAYS

QUEUE_LEVEL_LABELS = {
    "conflict": _("With conflicts"),
    "none": _("No conflict"),
    "possible": _("Possible conflict"),
    "likely": _("Likely conflict"),
    "certain": _("Certain conflict"),
}

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_PRODUCT_ROWS = 50  # as the service's MAX_PRODUCTS


def regions():
    return Region.objects.order_by("sort_order", "code")


class RegistrationForm(StyledForm, forms.Form):
    customer_name = forms.CharField(label=_("Customer name"), max_length=200)
    customer_credit_code = forms.CharField(
        label=_("Customer unified social credit code"),
        max_length=30,
        required=False,
        help_text=_("18 characters; optional, but an equal code is a certain match."),
    )
    customer_region = forms.ModelChoiceField(label=_("Customer region"), queryset=Region.objects)
    customer_city = forms.CharField(label=_("Customer city"), max_length=50, required=False)
    project_name = forms.CharField(label=_("Project name"), max_length=200)
    industry = forms.CharField(label=_("Industry"), max_length=50, required=False)
    estimated_amount = forms.DecimalField(
        label=_("Estimated amount (CNY)"),
        help_text=_("In CNY, e.g. 500000 for 50万."),
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )
    expected_close_date = forms.DateField(label=_("Expected close date"), widget=DATE)
    stage = forms.ChoiceField(
        label=_("Stage"), choices=Registration.Stage.choices, initial=Registration.Stage.LEAD
    )
    competitors = forms.CharField(
        label=_("Competitors"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    decision_makers = forms.CharField(
        label=_("Decision makers"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, hint: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer_region"].queryset = regions()
        if hint:
            self._ask_for_conflict_hint()

    def _ask_for_conflict_hint(self) -> None:
        """The customer fields post the form to the conflict check as the partner types; the
        answer (level and a sentence only) replaces #conflict-hint."""
        check = {
            "hx-post": reverse_lazy("registrations:registration-check"),
            "hx-target": "#conflict-hint",
            "hx-swap": "innerHTML",
            "hx-sync": "closest form:replace",
        }
        self.fields["customer_name"].widget.attrs.update(
            check, **{"hx-trigger": "change, keyup changed delay:600ms"}
        )
        for name in ("customer_credit_code", "customer_region"):
            self.fields[name].widget.attrs.update(check, **{"hx-trigger": "change"})

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["customer_region"] = data["customer_region"].pk
        return data


class ProductRowForm(StyledForm, forms.Form):
    """One product row. A row left blank is skipped; the quantity's range is the service's."""

    product_line = forms.ModelChoiceField(
        label=_("Product line"), queryset=ProductLine.objects.none(), required=False
    )
    quantity = forms.IntegerField(label=_("Quantity"), required=False)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_line"].queryset = ProductLine.objects.filter(is_active=True)

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (
            data.get("product_line") or data.get("quantity") is not None or data.get("description")
        )

    def clean(self):
        data = super().clean()
        if not self.is_blank:
            if data.get("product_line") is None and "product_line" not in self.errors:
                self.add_error("product_line", _("Choose a product line in use."))
            if data.get("quantity") is None and "quantity" not in self.errors:
                self.add_error("quantity", _("Enter the quantity."))
        return data


ProductFormSet = formset_factory(
    ProductRowForm, extra=0, max_num=MAX_PRODUCT_ROWS, absolute_max=MAX_PRODUCT_ROWS
)


def product_rows(formset) -> tuple[list[dict], list[int]]:
    """The filled rows for the service, and for each the index of its form (blank rows are
    skipped, so that "products.1.quantity" from the service finds its row on the page)."""
    rows, forms_at = [], []
    for index, form in enumerate(formset.forms):
        if form.is_blank:
            continue
        data = form.cleaned_data
        rows.append(
            {
                "product_line_id": data["product_line"].pk,
                "quantity": data["quantity"],
                "description": data.get("description") or "",
            }
        )
        forms_at.append(index)
    return rows, forms_at


class RegistrationFilterForm(StyledForm, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses"))] + Registration.Status.choices,
    )
    stage = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("", _("All stages"))] + Registration.Stage.choices,
    )
    # A search box, not a <select>: a channel manager may see thousands of partners.
    partner = forms.CharField(
        label=_("Partner"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Partner name or code")}),
    )
    region = forms.ModelChoiceField(
        label=_("Customer region"),
        required=False,
        queryset=Region.objects.none(),
        empty_label=_("All regions"),
    )
    date_from = forms.DateField(
        label=_("Created from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "title": _("Created from")}),
    )
    date_to = forms.DateField(
        label=_("Created to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "title": _("Created to")}),
    )
    expiring = forms.BooleanField(label=_("Protection ends within 7 days"), required=False)
    conflicts = forms.BooleanField(label=_("In review with conflicts"), required=False)
    sort = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class ReviewFilterForm(StyledForm, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    partner = forms.CharField(
        label=_("Partner"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Partner name or code")}),
    )
    level = forms.ChoiceField(
        label=_("Conflict"),
        required=False,
        choices=[
            ("", _("Any conflict level")),
            *((level, QUEUE_LEVEL_LABELS[level]) for level in QUEUE_LEVELS),
        ],
    )
    sort = forms.CharField(required=False)


class ProgressForm(StyledForm, forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Registration.Stage.choices)
    estimated_amount = forms.DecimalField(
        label=_("Estimated amount (CNY)"), widget=forms.NumberInput(attrs={"step": "0.01"})
    )
    notes = forms.CharField(
        label=_("Progress notes"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ExtendForm(StyledForm, forms.Form):
    days = forms.IntegerField(
        label=_("Days"),
        min_value=1,
        max_value=MAX_EXTENSION_DAYS,
        initial=EXTENSION_DAYS,
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(StyledForm, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        help_text=_("Required when lost or cancelled."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [
            (outcome, Registration.Status(outcome).label) for outcome in outcomes
        ]


class DecisionForm(StyledForm, forms.Form):
    """The reviewer's decision; `version` is the approval's version the page showed, so that a
    decision made meanwhile by someone else is refused instead of overwritten."""

    # Sent by the button pressed, so not rendered as a field.
    decision = forms.ChoiceField(
        choices=[
            (Decision.APPROVE, _("Approve")),
            (Decision.REJECT, _("Reject")),
            (Decision.RETURN, _("Request information")),
        ]
    )
    comment = forms.CharField(
        label=_("Comment / reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    override_reason = forms.CharField(
        label=_("Override reason"),
        max_length=500,
        required=False,
        # The reason goes to both partners (the ended claim's history and notification).
        help_text=format_lazy(
            "{} {}",
            _("Another partner claimed this customer first; say why this one wins."),
            _("Both partners are told this reason: do not name the other partner."),
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
