"""Agreement pages: list (with export), detail, create/edit, actions, and the signed file."""

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.downloads import download_name, private_file_response
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.exports import workbook_from_rows, xlsx_response
from qudao.core.paging import paginate
from qudao.core.uploads import FORM_ALLOWANCE, upload_size_limit
from qudao.core.web import attempt, refusal

from ..forms.agreements import AgreementFilterForm, AgreementForm, TerminateForm
from ..models import Agreement
from ..selectors import agreements as selectors
from ..selectors.partners import partners_visible_to
from ..services import agreements as services
from .common import page_or_fragment

EXPORT_LIMIT = 50_000


def _agreement_or_404(user, pk: int) -> Agreement:
    try:
        return selectors.agreement_get_for_user(user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def _detail_url(agreement: Agreement) -> str:
    return reverse("partners:agreement-detail", args=[agreement.pk])


def _filtered(request):
    partners = partners_visible_to(request.user).order_by("code")
    form = AgreementFilterForm(request.GET or None, partners=partners)
    filters = form.cleaned_data if form.is_valid() else {}
    rows, sort = selectors.agreements_search(
        request.user,
        q=(filters.get("q") or "").strip(),
        status=filters.get("status") or "",
        partner=filters["partner"].pk if filters.get("partner") else None,
        region=filters["region"].pk if filters.get("region") else None,
        expiring=bool(filters.get("expiring")),
        sort=filters.get("sort") or "",
    )
    return form, rows, sort


@login_required
def agreement_list(request):
    form, rows, sort = _filtered(request)
    context = {
        "form": form,
        "page": paginate(request, rows),
        "sort": sort,
        "can_create": services.agreement_can_manage(request.user),
    }
    return page_or_fragment(
        request, "partners/agreements/list.html", "partners/agreements/_table.html", context
    )


@login_required
def agreement_export(request):
    _form, rows, _sort = _filtered(request)
    headers = [
        _("Number"),
        _("Partner"),
        _("Status"),
        _("Start date"),
        _("End date"),
        _("Territory"),
        _("Product lines"),
        _("Annual sales target"),
        _("Rebate policy"),
        _("Renewal of"),
    ]
    book = workbook_from_rows(
        title=_("Agreements"),
        headers=headers,
        rows=(
            [
                a.number,
                a.partner.name,
                a.get_status_display(),
                a.start_date,
                a.end_date,
                ", ".join(str(r) for r in a.territory.all()),
                ", ".join(str(p) for p in a.product_lines.all()),
                float(a.annual_target),
                a.rebate_policy,
                a.renewed_from.number if a.renewed_from_id else "",
            ]
            for a in rows[:EXPORT_LIMIT]
        ),
        widths=[18, 36, 10, 12, 12, 30, 30, 16, 16, 18],
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(filename=f"agreements-{stamp}.xlsx", book=book)


@login_required
def agreement_detail(request, pk: int):
    agreement = _agreement_or_404(request.user, pk)
    can_manage = services.agreement_can_manage(request.user, agreement.partner)
    context = {
        "agreement": agreement,
        "can_manage": can_manage,
        "can_edit": can_manage and agreement.status == Agreement.Status.DRAFT,
        "can_submit": can_manage
        and services.agreement_can_transition(agreement, Agreement.Status.IN_APPROVAL),
        "can_withdraw": can_manage and agreement.status == Agreement.Status.IN_APPROVAL,
        "can_terminate": can_manage
        and services.agreement_can_transition(agreement, Agreement.Status.TERMINATED),
        "can_renew": can_manage
        and agreement.status in (Agreement.Status.ACTIVE, Agreement.Status.EXPIRED),
        "renewals": agreement.renewals.order_by("-start_date"),
        "approvals": selectors.agreement_approvals(request.user, agreement),
        "history": selectors.agreement_history(agreement),
        "file_name": os.path.basename(agreement.signed_file.name) if agreement.signed_file else "",
    }
    return render(request, "partners/agreements/detail.html", context)


@upload_size_limit(services.SIGNED_FILE_MAX_BYTES + FORM_ALLOWANCE)
@login_required
def agreement_edit(request, pk: int | None = None):
    user = request.user
    agreement = _agreement_or_404(user, pk) if pk else None
    if agreement is not None:
        if not services.agreement_can_manage(user, agreement.partner):
            raise PermissionDenied
        if agreement.status != Agreement.Status.DRAFT:
            messages.error(request, _("Only a draft agreement can be changed."))
            return redirect(_detail_url(agreement))
    elif not services.agreement_can_manage(user):
        raise PermissionDenied
    partners = selectors.agreement_partners_writable(user)
    initial = None
    if agreement is None and request.GET.get("partner", "").isdigit():
        initial = {"partner": int(request.GET["partner"])}
    form = AgreementForm(
        request.POST or None,
        request.FILES or None,
        partners=partners,
        agreement=agreement,
        **({"initial": initial} if initial else {}),
    )
    if request.method == "POST" and form.is_valid():
        if agreement is None:
            saved = attempt(
                form,
                lambda: services.agreement_create(
                    actor=user, partner=form.cleaned_data["partner"], data=form.service_data()
                ),
            )
        else:
            saved = attempt(
                form,
                lambda: services.agreement_update(
                    actor=user, agreement=agreement, data=form.service_data()
                ),
            )
        if saved:
            messages.success(request, _("Saved."))
            return redirect(_detail_url(saved))
    return render(request, "partners/agreements/form.html", {"form": form, "agreement": agreement})


def _act(request, pk: int, action) -> Agreement:
    agreement = _agreement_or_404(request.user, pk)
    try:
        result = action(agreement)
    except (ValidationError, ConflictError) as error:
        messages.error(request, refusal(error))
        return redirect(_detail_url(agreement))
    return result


@login_required
@require_POST
def agreement_submit(request, pk: int):
    def submit(agreement):
        approval = services.agreement_submit(actor=request.user, agreement=agreement)
        messages.success(request, _("Submitted for approval."))
        return redirect("core:approval-detail", pk=approval.pk)

    return _act(request, pk, submit)


@login_required
@require_POST
def agreement_withdraw(request, pk: int):
    def withdraw(agreement):
        services.agreement_withdraw(actor=request.user, agreement=agreement)
        messages.success(request, _("Withdrawn from approval; the agreement is a draft again."))
        return redirect(_detail_url(agreement))

    return _act(request, pk, withdraw)


@login_required
@require_POST
def agreement_renew(request, pk: int):
    def renew(agreement):
        renewal = services.agreement_renew(actor=request.user, agreement=agreement)
        messages.success(
            request, _("Renewal %(number)s created as a draft.") % {"number": renewal.number}
        )
        return redirect(_detail_url(renewal))

    return _act(request, pk, renew)


@login_required
def agreement_terminate(request, pk: int):
    agreement = _agreement_or_404(request.user, pk)
    if not services.agreement_can_manage(request.user, agreement.partner):
        raise PermissionDenied
    form = TerminateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        terminated = attempt(
            form,
            lambda: services.agreement_terminate(
                actor=request.user, agreement=agreement, reason=form.cleaned_data["reason"]
            ),
        )
        if terminated:
            messages.success(request, _("The agreement was terminated."))
            return redirect(_detail_url(agreement))
    return render(
        request, "partners/agreements/terminate.html", {"form": form, "agreement": agreement}
    )


@login_required
def agreement_download(request, pk: int):
    """The signed file, for those who may see the agreement only (never a public media URL)."""
    agreement = _agreement_or_404(request.user, pk)
    return private_file_response(
        agreement.signed_file, download_name(agreement.number, agreement.signed_file)
    )


urlpatterns = [
    path("agreements/", agreement_list, name="agreement-list"),
    path("agreements/export/", agreement_export, name="agreement-export"),
    path("agreements/new/", agreement_edit, name="agreement-create"),
    path("agreements/<int:pk>/", agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/edit/", agreement_edit, name="agreement-edit"),
    path("agreements/<int:pk>/submit/", agreement_submit, name="agreement-submit"),
    path("agreements/<int:pk>/withdraw/", agreement_withdraw, name="agreement-withdraw"),
    path("agreements/<int:pk>/terminate/", agreement_terminate, name="agreement-terminate"),
    path("agreements/<int:pk>/renew/", agreement_renew, name="agreement-renew"),
    path("agreements/<int:pk>/file/", agreement_download, name="agreement-download"),
]
