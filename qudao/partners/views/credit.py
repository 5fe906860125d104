"""Credit pages: the application list (filters, sort, export), the application form and
detail, and finance's record of credit in use."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core import selectors as core_selectors
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.exports import workbook_from_rows, xlsx_response
from qudao.core.paging import paginate
from qudao.core.web import form_errors, get_or_404, posted

from ..forms.credit import CreditApplicationForm, CreditFilterForm, CreditUsageForm
from ..models import Partner
from ..selectors import partner_get_for_user, partners_visible_to
from ..selectors.credit import (
    credit_application_get_for_user,
    credit_applications_search,
    credit_summary,
    special_credits_in_force,
)
from ..services.credit import (
    credit_application_cancel,
    credit_application_submit,
    credit_can_apply,
    credit_can_apply_somewhere,
    credit_can_record_usage,
    credit_usage_set,
)
from .common import form_page, page_or_fragment, partner_tab

EXPORT_LIMIT = 50_000


def _filtered(request):
    form = CreditFilterForm(
        request.GET or None,
        partners=partners_visible_to(request.user).select_related(None).only("pk", "name"),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    rows, sort = credit_applications_search(
        request.user,
        q=(filters.get("q") or "").strip(),
        status=filters.get("status") or "",
        kind=filters.get("kind") or "",
        partner=filters["partner"].pk if filters.get("partner") else None,
        sort=filters.get("sort") or "",
    )
    return form, rows, sort


@login_required
def credit_list(request):
    form, rows, sort = _filtered(request)
    context = {
        "form": form,
        "page": paginate(request, rows),
        "sort": sort,
        "can_apply": credit_can_apply_somewhere(request.user),
    }
    return page_or_fragment(
        request, "partners/credit/list.html", "partners/credit/_table.html", context
    )


@login_required
def credit_export(request):
    _form, rows, _sort = _filtered(request)
    headers = [
        _("Number"),
        _("Partner"),
        _("Type"),
        _("Amount (CNY)"),
        _("Project"),
        _("Valid from"),
        _("Valid to"),
        _("Status"),
        _("Requested by"),
        _("Created at"),
        _("Decided at"),
    ]
    book = workbook_from_rows(
        title=_("Credit applications"),
        headers=headers,
        rows=(
            [
                a.number,
                a.partner.name,
                a.get_kind_display(),
                float(a.amount),
                a.project_name,
                a.valid_from,
                a.valid_to,
                a.get_status_display(),
                str(a.requested_by),
                a.created_at,
                a.decided_at,
            ]
            for a in rows[:EXPORT_LIMIT]
        ),
        widths=[20, 32, 12, 16, 24, 12, 12, 10, 12, 20, 20],
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(filename=f"credit-applications-{stamp}.xlsx", book=book)


def _applicable_partners(user):
    rows = partners_visible_to(user).exclude(status=Partner.Status.EXITED)
    return rows


@login_required
def credit_create(request):
    if not credit_can_apply_somewhere(request.user):
        raise PermissionDenied
    partners = _applicable_partners(request.user)
    initial = {}
    if request.GET.get("partner", "").isdigit():
        initial["partner"] = int(request.GET["partner"])
    elif request.user.is_partner_user:
        initial["partner"] = request.user.partner_id
    form = CreditApplicationForm(posted(request), initial=initial, partners=partners)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = credit_application_submit(
                actor=request.user, partner=data["partner"], data=data
            )
        except ValidationError as error:
            form_errors(form, error)
        except PermissionDenied as denied:
            form.add_error("partner", str(denied))
        else:
            messages.success(request, _("Submitted for approval."))
            return redirect("partners:credit-detail", pk=application.pk)
    return render(request, "partners/credit/form.html", {"form": form})


def _application_or_404(user, pk):
    try:
        return credit_application_get_for_user(user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None


@login_required
def credit_detail(request, pk: int):
    application = _application_or_404(request.user, pk)
    approvals = list(core_selectors.approvals_for_object(request.user, application))
    context = {
        "application": application,
        "approvals": approvals,
        "can_cancel": application.status == application.Status.IN_APPROVAL
        and application.requested_by_id == request.user.pk,
        "history": core_selectors.audit_rows(
            core_selectors.audit_entries_for_object(application)[:50]
        ),
    }
    return render(request, "partners/credit/detail.html", context)


@login_required
@require_POST
def credit_cancel(request, pk: int):
    application = _application_or_404(request.user, pk)
    try:
        credit_application_cancel(actor=request.user, application=application)
    except ConflictError as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("Withdrawn."))
    return redirect("partners:credit-detail", pk=pk)


@login_required
def credit_usage(request, pk: int):
    partner = get_or_404(partner_get_for_user, request.user, pk)
    if not credit_can_record_usage(request.user):
        raise PermissionDenied
    return form_page(
        request,
        CreditUsageForm(posted(request), initial={"credit_used": partner.credit_used}),
        lambda data: credit_usage_set(
            actor=request.user, partner=partner, used=data["credit_used"], note=data["note"]
        ),
        success=_("Saved."),
        then=lambda _result: partner_tab(partner, "credit"),
        template="partners/credit/usage.html",
        context=lambda: {
            "partner": partner,
            "summary": credit_summary(partner),
            "specials": special_credits_in_force(partner),
        },
    )


def credit_apply_allowed(user, partner) -> bool:
    return credit_can_apply(user, partner) and partner.status != Partner.Status.EXITED


urlpatterns = [
    path("credit/", credit_list, name="credit-list"),
    path("credit/export/", credit_export, name="credit-export"),
    path("credit/new/", credit_create, name="credit-create"),
    path("credit/<int:pk>/", credit_detail, name="credit-detail"),
    path("credit/<int:pk>/cancel/", credit_cancel, name="credit-cancel"),
    path("<int:pk>/credit/usage/", credit_usage, name="credit-usage"),
]
