"""The registration form and its product rows. They parse input only: ranges, dates in the past,
credit code check digits and "at least one product line" are checked by the services, so that
the pages and the API give the same messages."""

from django import forms
from django.forms import formset_factory
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from qudao.catalog.models import ProductLine
from qudao.core.forms import StyledForm
from qudao.core.models import Region
from qudao.core.schemas import field_limit

from ..models import Registration
from .common import text_box

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_PRODUCT_ROWS = 50  # as the service's MAX_PRODUCTS


def regions():
    return Region.objects.order_by("sort_order", "code")


class RegistrationForm(StyledForm, forms.Form):
    customer_name = forms.CharField(label=_("Customer name"), max_length=200)
    customer_credit_code = forms.CharField(
        label=_("Customer unified social credit code"),
        max_length=field_limit(Registration, "customer_credit_code"),
        required=False,
        help_text=_("18 characters; optional, but an equal code is a certain match."),
    )
    customer_region = forms.ModelChoiceField(label=_("Customer region"), queryset=Region.objects)
    customer_city = forms.CharField(label=_("Customer city"), max_length=50, required=False)
    project_name = forms.CharField(label=_("Project name"), max_length=200)
    industry = forms.CharField(label=_("Industry"), max_length=50, required=False)
    estimated_amount = forms.DecimalField(
        label=_("Estimated amount (CNY)"),
        help_text=_("In yuan, not 万: 50万 is 500,000."),
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )
    expected_close_date = forms.DateField(label=_("Expected close date"), widget=DATE)
    stage = forms.ChoiceField(
        label=_("Stage"), choices=Registration.Stage.choices, initial=Registration.Stage.LEAD
    )
    competitors = text_box(_("Competitors"), 5000)
    decision_makers = text_box(_("Decision makers"), 5000)
    notes = text_box(_("Notes"), 5000, rows=3)

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
