"""The registration list (filters, sort, pagination, htmx refresh), its Excel export and the
home-page counters: partner users see their own registrations, vendor staff their scope."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import navigation
from qudao.core.exports import workbook_from_rows, xlsx_response
from qudao.core.paging import paginate
from qudao.core.views import is_htmx

from ..forms import RegistrationFilterForm
from ..models import Registration
from ..selectors import registrations_search
from ..selectors_ui import (
    conflicts_pending_count,
    is_reviewer,
    protection_countdown,
    registrations_count,
    with_pending_conflicts,
)

EXPORT_LIMIT = 50_000


def _filtered(request):
    user = request.user
    form = RegistrationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows, sort = registrations_search(
        user,
        q=filters.get("q") or "",
        status=filters.get("status") or "",
        partner_name=filters.get("partner") or "",
        region=filters["region"].pk if filters.get("region") else None,
        stage=filters.get("stage") or "",
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        expiring=bool(filters.get("expiring")),
        sort=filters.get("sort") or "",
    )
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
        "show_partner": not request.user.is_partner_user,
        "can_create": request.user.is_partner_user,
    }
    template = "registrations/_table.html" if is_htmx(request) else "registrations/list.html"
    return render(request, template, context)


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

navigation.register(
    navigation.NavItem(
        key="registrations",
        label=gettext_lazy("Deal registrations"),
        url_name="registrations:registration-list",
        icon="bi-clipboard-check",
        order=30,
        partner_users=True,
    )
)


# --- home-page cards -------------------------------------------------------------------------


def _list_url(query: str) -> str:
    return f"{reverse('registrations:registration-list')}?{query}"


def _conflicts_card(user):
    if not is_reviewer(user):
        return None
    return {
        "label": gettext_lazy("Registrations in review with conflicts"),
        "value": conflicts_pending_count(user),
        "url": _list_url("conflicts=on"),
        "icon": "bi-exclamation-triangle",
    }


def _expiring_card(user):
    if not (user.is_partner_user or is_reviewer(user)):
        return None
    return {
        "label": gettext_lazy("Protection ends within 7 days"),
        "value": registrations_count(user, expiring=True),
        "url": _list_url("expiring=on"),
        "icon": "bi-hourglass-split",
    }


def _partner_status_card(status: str, label, icon: str):
    def card(user):
        if not user.is_partner_user:
            return None
        return {
            "label": label,
            "value": registrations_count(user, status=status),
            "url": _list_url(f"status={status}"),
            "icon": icon,
        }

    card.__name__ = f"_partner_{status}_card"
    return card


_submitted_card = _partner_status_card(
    Registration.Status.SUBMITTED, gettext_lazy("Registrations in review"), "bi-send"
)
_info_requested_card = _partner_status_card(
    Registration.Status.INFO_REQUESTED,
    gettext_lazy("Registrations needing more information"),
    "bi-question-circle",
)

navigation.register_card(_submitted_card, order=40)
navigation.register_card(_conflicts_card, order=42)
navigation.register_card(_expiring_card, order=43)
navigation.register_card(_info_requested_card, order=44)
