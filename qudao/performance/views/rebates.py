"""Rebate pages: policies (read by vendor users, kept by HQ), statements (list, compute, detail
with its approval, issue, Excel)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core import selectors as core_selectors
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.exports import workbook_from_rows, xlsx_response
from qudao.core.paging import paginate
from qudao.core.views import _form_errors
from qudao.partners.models import Partner
from qudao.partners.selectors import partners_visible_to

from ..forms import PolicyForm, StatementComputeForm, band_forms
from ..models import RebateStatement
from ..selectors.rebates import (
    policies_visible_to,
    policy_get_for_user,
    statement_get_for_user,
    statements_search,
)
from ..services import (
    rebate_policy_save,
    rebate_statement_compute,
    rebate_statement_issue,
    rebate_statement_submit,
    rebates_compute_request,
)
from ..services.common import is_hq_planner, is_manager, parse_period, require_hq_planner
from ..services.rebates import ISSUERS
from .common import attempt, filters_from, get_or_404


@login_required
def policy_list(request):
    return render(
        request,
        "performance/rebates/policies.html",
        {"policies": policies_visible_to(request.user), "can_edit": is_hq_planner(request.user)},
    )


@login_required
def policy_detail(request, pk: int):
    policy = get_or_404(policy_get_for_user, request.user, pk)
    return render(
        request,
        "performance/rebates/policy.html",
        {"policy": policy, "can_edit": is_hq_planner(request.user)},
    )


@login_required
def policy_edit(request, pk: int | None = None):
    require_hq_planner(request.user)  # the rule rebate_policy_save applies, before the form
    policy = get_or_404(policy_get_for_user, request.user, pk) if pk else None
    posted = request.POST if request.method == "POST" else None
    initial = bands_initial = None
    if policy is not None:
        initial = {
            "code": policy.code,
            "name": policy.name,
            "period_kind": policy.period_kind,
            "tier": policy.tier_id,
            "bonus_per_new_customer": policy.bonus_per_new_customer,
            "bonus_per_certification": policy.bonus_per_certification,
            "is_active": policy.is_active,
        }
        bands_initial = [
            {
                "min_attainment": b.min_attainment,
                "max_attainment": b.max_attainment if b.max_attainment is not None else "",
                "rebate_percent": b.rebate_percent,
            }
            for b in policy.bands.all()
        ]
    form = PolicyForm(posted, initial=initial)
    if policy is not None:
        form.fields["code"].disabled = True
    bands = band_forms(posted, bands_initial)
    if posted is not None and form.is_valid() and all(b.is_valid() for b in bands):
        data = dict(form.cleaned_data)
        data["tier"] = data["tier"].code if data.get("tier") else None
        try:
            saved = rebate_policy_save(
                actor=request.user,
                data=data,
                bands=[b for b in (band.band() for band in bands) if b],
                policy=policy,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Policy saved."))
            return redirect("performance:policy-detail", pk=saved.pk)
    return render(
        request,
        "performance/rebates/policy_form.html",
        {"form": form, "bands": bands, "policy": policy},
    )


@login_required
def statement_list(request):
    form, filters = filters_from(request)
    rows, sort = statements_search(
        request.user,
        period=filters.period,
        status=request.GET.get("status", "")
        if request.GET.get("status") in RebateStatement.Status.values
        else "",
        q=(request.GET.get("q") or "").strip(),
        sort=request.GET.get("sort", ""),
    )
    partners = (
        partners_visible_to(request.user).filter(status=Partner.Status.ACTIVE).select_related(None)
    )
    context = {
        "form": form,
        "filters": filters,
        "page": paginate(request, rows),
        "sort": sort,
        "statuses": RebateStatement.Status.choices,
        "compute_form": StatementComputeForm(
            initial={"period": filters.period.label}, partners=partners.only("pk", "name")
        )
        if is_manager(request.user)
        else None,
        "can_compute_all": is_hq_planner(request.user),
    }
    return render(request, "performance/rebates/statements.html", context)


@login_required
@require_POST
def statement_compute(request):
    if not is_manager(request.user):
        raise PermissionDenied
    partners = partners_visible_to(request.user).filter(status=Partner.Status.ACTIVE)
    if request.POST.get("all") == "1":
        _form, filters = filters_from(request)
        period = parse_period(request.POST.get("period")) or filters.period
        rebates_compute_request(actor=request.user, period=period)
        messages.success(request, _("The worker is computing the statements."))
        return redirect("performance:statement-list")
    form = StatementComputeForm(request.POST, partners=partners)
    if not form.is_valid():
        messages.error(request, _("Choose the partner and the period."))
        return redirect("performance:statement-list")
    statement = attempt(
        request,
        lambda: rebate_statement_compute(
            actor=request.user,
            partner=form.cleaned_data["partner"],
            period=form.cleaned_data["period"],
        ),
        _("Statement computed."),
    )
    if statement is not None:
        return redirect("performance:statement-detail", pk=statement.pk)
    return redirect("performance:statement-list")


@login_required
def statement_detail(request, pk: int):
    statement = get_or_404(statement_get_for_user, request.user, pk)
    user = request.user
    context = {
        "statement": statement,
        "lines": statement.lines.all(),
        "snapshot": statement.policy_snapshot,
        "approvals": list(core_selectors.approvals_for_object(user, statement)),
        "can_submit": is_manager(user) and statement.status == RebateStatement.Status.DRAFT,
        "can_recompute": is_manager(user) and not statement.is_frozen,
        "can_issue": not user.is_partner_user
        and (user.is_superuser or user.has_role(*ISSUERS))
        and statement.status == RebateStatement.Status.APPROVED,
        "history": core_selectors.audit_rows(
            core_selectors.audit_entries_for_object(statement)[:50]
        ),
    }
    return render(request, "performance/rebates/statement.html", context)


@login_required
@require_POST
def statement_submit(request, pk: int):
    statement = get_or_404(statement_get_for_user, request.user, pk)
    attempt(
        request,
        lambda: rebate_statement_submit(actor=request.user, statement=statement),
        _("Submitted for approval."),
    )
    return redirect("performance:statement-detail", pk=pk)


@login_required
@require_POST
def statement_recompute(request, pk: int):
    statement = get_or_404(statement_get_for_user, request.user, pk)
    attempt(
        request,
        lambda: rebate_statement_compute(
            actor=request.user, partner=statement.partner, period=statement.period
        ),
        _("Statement computed."),
    )
    return redirect("performance:statement-detail", pk=pk)


@login_required
@require_POST
def statement_issue(request, pk: int):
    statement = get_or_404(statement_get_for_user, request.user, pk)
    attempt(
        request,
        lambda: rebate_statement_issue(actor=request.user, statement=statement),
        _("Issued."),
    )
    return redirect("performance:statement-detail", pk=pk)


@login_required
def statement_export(request, pk: int):
    statement = get_or_404(statement_get_for_user, request.user, pk)
    rows = [
        [
            line.get_kind_display(),
            line.description,
            float(line.base),
            float(line.rate),
            float(line.amount),
        ]
        for line in statement.lines.all()
    ]
    rows.append([_("Total"), "", None, None, float(statement.total_amount)])
    book = workbook_from_rows(
        title=f"{statement.number}",
        headers=[_("Type"), _("Description"), _("Base"), _("Rate"), _("Amount (CNY)")],
        rows=rows,
        widths=[20, 32, 16, 12, 16],
    )
    return xlsx_response(filename=f"rebate-{statement.number}.xlsx", book=book)


urlpatterns = [
    path("rebates/policies/", policy_list, name="policy-list"),
    path("rebates/policies/new/", policy_edit, name="policy-create"),
    path("rebates/policies/<int:pk>/", policy_detail, name="policy-detail"),
    path("rebates/policies/<int:pk>/edit/", policy_edit, name="policy-edit"),
    path("rebates/", statement_list, name="statement-list"),
    path("rebates/compute/", statement_compute, name="statement-compute"),
    path("rebates/<int:pk>/", statement_detail, name="statement-detail"),
    path("rebates/<int:pk>/submit/", statement_submit, name="statement-submit"),
    path("rebates/<int:pk>/recompute/", statement_recompute, name="statement-recompute"),
    path("rebates/<int:pk>/issue/", statement_issue, name="statement-issue"),
    path("rebates/<int:pk>/export/", statement_export, name="statement-export"),
]
