"""The registration form (new, edit a draft or one sent back for information) with its product
rows, "save draft" and "save and submit", and the live conflict hint fetched by htmx while the
partner types."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.errors import ConflictError, ValidationError
from qudao.customers.matching import Level

from ..forms import (
    MAX_PRODUCT_ROWS,
    ProductFormSet,
    ProductRowForm,
    RegistrationForm,
    product_rows,
)
from ..services import (
    registration_can_edit,
    registration_conflict_preview,
    registration_save_draft,
    registration_submit,
)
from .base import hint, registration_or_404

PREFIX = "products"
BLANK_ROWS_NEW = 3  # rows offered on a new registration
BLANK_ROWS_EDIT = 1  # extra blank rows under the saved ones


def _initial(registration) -> tuple[dict, list[dict]]:
    if registration is None:
        return {}, []
    fields = {
        name: getattr(registration, name)
        for name in RegistrationForm.base_fields
        if name != "customer_region"
    }
    fields["customer_region"] = registration.customer_region_id
    rows = [
        {"product_line": p.product_line_id, "quantity": p.quantity, "description": p.description}
        for p in registration.products.all()
    ]
    return fields, rows


def _blank_formset(rows: list[dict], blank: int):
    """An unbound formset of the saved rows followed by `blank` empty ones."""
    formset = ProductFormSet(prefix=PREFIX, initial=rows + [{}] * blank)
    formset.extra = 0
    return formset


def _show_service_errors(form, formset, forms_at: list[int], error: ValidationError) -> None:
    """Put the service's field errors on the form, "products.<i>.<field>" on product row i."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, problems in error.message_dict.items():
        parts = key.split(".")
        if parts[0] == "products" and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1])
            row = formset.forms[forms_at[index]] if index < len(forms_at) else None
            field = {"product_line_id": "product_line"}.get(parts[2], parts[2])
            if row is not None and field in row.fields:
                row.add_error(field, problems)
                continue
        if parts[0] == "products":
            formset._non_form_errors = formset.error_class([*formset.non_form_errors(), *problems])
        else:
            form.add_error(parts[0] if parts[0] in form.fields else None, problems)


def _save(request, form, formset, registration, submit: bool):
    """Save (and submit) in one transaction: a submission refused leaves nothing written."""
    rows, forms_at = product_rows(formset)
    data = form.service_data() | {"products": rows}
    try:
        with transaction.atomic():
            result = registration_save_draft(
                actor=request.user, data=data, registration=registration
            )
            if submit:
                result = registration_submit(actor=request.user, registration=result.registration)
    except ValidationError as error:
        _show_service_errors(form, formset, forms_at, error)
    except (ConflictError, PermissionDenied) as refused:
        form.add_error(None, getattr(refused, "message", None) or str(refused))
    else:
        return result
    return None


@login_required
def registration_edit(request, pk: int | None = None):
    user = request.user
    registration = registration_or_404(user, pk) if pk is not None else None
    if registration is None and not user.is_partner_user:
        raise PermissionDenied(_("Only partner users register deals."))
    if registration is not None and not registration_can_edit(user, registration):
        raise PermissionDenied(_("This registration cannot be edited by you now."))
    fields, rows = _initial(registration)
    if request.method == "POST":
        form = RegistrationForm(request.POST, hint=True)
        formset = ProductFormSet(request.POST, prefix=PREFIX)
        if form.is_valid() and formset.is_valid():
            submit = request.POST.get("action") == "submit"
            result = _save(request, form, formset, registration, submit)
            if result is not None:
                if submit:
                    messages.success(request, _("Submitted for review."))
                else:
                    messages.success(request, _("Draft saved."))
                return redirect("registrations:registration-detail", pk=result.registration.pk)
    else:
        form = RegistrationForm(initial=fields, hint=True)
        formset = _blank_formset(rows, BLANK_ROWS_EDIT if registration else BLANK_ROWS_NEW)
    context = {
        "form": form,
        "formset": formset,
        "registration": registration,
        "max_rows": MAX_PRODUCT_ROWS,
    }
    return render(request, "registrations/form.html", context)


@login_required
def product_row(request):
    """One more empty product row (htmx), with the formset's new total swapped in as well."""
    if not request.user.is_partner_user:
        raise PermissionDenied
    index = request.GET.get("index", "")
    if not index.isdigit() or int(index) >= MAX_PRODUCT_ROWS:
        return HttpResponse(status=204)
    index = int(index)
    context = {
        "row": ProductRowForm(prefix=f"{PREFIX}-{index}", use_required_attribute=False),
        "total": index + 1,
        "at_limit": index + 1 >= MAX_PRODUCT_ROWS,
    }
    return render(request, "registrations/_product_row_added.html", context)


def _posted_products(post) -> list[dict]:
    """The product rows typed so far, leniently: a row half filled is simply left out."""
    try:
        total = min(int(post.get(f"{PREFIX}-TOTAL_FORMS", 0)), MAX_PRODUCT_ROWS)
    except ValueError:
        total = 0
    rows = []
    for index in range(total):
        line = post.get(f"{PREFIX}-{index}-product_line", "")
        quantity = post.get(f"{PREFIX}-{index}-quantity", "")
        if line.isdigit() and quantity.isdigit() and int(quantity) > 0:
            rows.append({"product_line_id": int(line), "quantity": int(quantity)})
    return rows


CHECKED_FIELDS = (
    "customer_name",
    "customer_credit_code",
    "customer_region",
    "customer_city",
    "project_name",
    "estimated_amount",
)


@login_required
@require_POST
def registration_check(request):
    """The live conflict hint: only the level and a sentence, never the other partner's data."""
    registration = None
    if request.POST.get("registration"):
        registration = registration_or_404(request.user, request.POST["registration"])
    data = {name: request.POST.get(name, "") for name in CHECKED_FIELDS}
    data["products"] = _posted_products(request.POST)
    conflicts = registration_conflict_preview(
        actor=request.user,
        data=data,
        partner=registration.partner if registration is not None else None,
    )
    level = max((c.level for c in conflicts), default=Level.NONE)
    context = {"hint": hint(level), "checked": bool(data["customer_name"].strip())}
    return render(request, "registrations/_conflict_hint.html", context)


urlpatterns = [
    path("new/", registration_edit, name="registration-create"),
    path("<int:pk>/edit/", registration_edit, name="registration-edit"),
    path("check/", registration_check, name="registration-check"),
    path("product-row/", product_row, name="product-row"),
]
