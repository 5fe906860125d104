"""The registration list (filters, sort, pagination, htmx refresh), its Excel export and the
home-page counters: partner users see their own registrations, vendor staff their scope."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core.exports import workbook_from_rows, xlsx_response
from qudao.core.listing import render_list
from qudao.core.paging import COUNT_CAP, paginate

from ..forms import RegistrationFilterForm
from ..models import Registration
from ..selectors import protection_countdown, registrations_search, with_pending_conflicts
from ..selectors.registrations import registrations_total

EXPORT_LIMIT = 50_000


def _filtered(request):
    user = request.user
    form = RegistrationFilterForm(request.GET or None)
    valid = form.is_valid()
    filters = form.cleaned_data if valid else {}
    kwargs = form.search_kwargs() if valid else {"sort": request.GET.get("sort", "")}
    rows, sort = registrations_search(user, **kwargs)
    if filters.get("conflicts"):
        rows = with_pending_conflicts(rows)
    return form, rows, sort


@login_required
def registration_list(request):
    form, rows, sort = _filtered(request)
    page = paginate(request, rows)
    today = timezone.localdate()
    for registration in page.object_list:
        registration.countdown = protection_countdown(registration, today)
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "total": registrations_total(page, rows, COUNT_CAP),
        "show_partner": not request.user.is_partner_user,
        "partner_user": request.user.is_partner_user,
        "can_create": request.user.is_partner_user,
    }
    return render_list(request, "registrations/list.html", "registrations/_table.html", context)


def _products_text(registration: Registration) -> str:
    return "; ".join(
        f"{line.product_line.name} × {line.quantity}" for line in registration.products.all()
    )


@login_required
def registration_export(request):
    _form, rows, _sort = _filtered(request)
    headers = [
        _("Number"),
        _("Partner"),
        _("Customer"),
        _("Credit code"),
        _("Customer region"),
        _("City"),
        _("Project"),
        _("Industry"),
        _("Products"),
        _("Estimated amount (CNY)"),
        _("Expected close date"),
        _("Stage"),
        _("Status"),
        _("Submitted at"),
        _("Protected until"),
        _("Created by"),
        _("Created at"),
    ]
    book = workbook_from_rows(
        title=_("Deal registrations"),
        headers=headers,
        rows=(
            [
                r.number,
                r.partner.name,
                r.customer_name,
                r.customer_credit_code,
                r.customer_region.name,
                r.customer_city,
                r.project_name,
                r.industry,
                _products_text(r),
                float(r.estimated_amount),
                r.expected_close_date,
                r.get_stage_display(),
                r.get_status_display(),
                r.submitted_at,
                r.protection_until,
                str(r.created_by),
                r.created_at,
            ]
            # Chunks keep the products' prefetch within the database's parameter limits.
            for r in rows[:EXPORT_LIMIT].iterator(chunk_size=1000)
        ),
        widths=[18, 28, 32, 20, 12, 10, 32, 12, 30, 16, 14, 10, 10, 18, 14, 12, 18],
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(filename=f"registrations-{stamp}.xlsx", book=book)


urlpatterns = [
    path("", registration_list, name="registration-list"),
    path("export/", registration_export, name="registration-export"),
]
