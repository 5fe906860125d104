"""Rebate pages: policies (read by vendor users, kept by HQ), statements (list, compute, detail
with its approval, issue, Excel)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from qudao.core import selectors as core_selectors
from qudao.core.errors import PermissionDenied
from qudao.core.exports import workbook_from_rows, xlsx_response
from qudao.core.formatting import money, num, pct
from qudao.core.listing import query_choice, query_text
from qudao.core.paging import paginate
from qudao.core.web import attempt_message, get_or_404, posted
from qudao.partners.models import Partner
from qudao.partners.selectors import partners_visible_to

from ..forms.rebates import PolicyForm, StatementComputeForm, band_forms
from ..models import RebateStatement
from ..selectors.rebates import (
    policies_visible_to,
    policy_get_for_user,
    policy_summary,
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
from ..services.rebates import statement_can_issue
from .common import filters_from, reference_edit, reference_page


@login_required
def policy_list(request):
    return reference_page(
        request, "performance/rebates/policies.html", policies=policies_visible_to(request.user)
    )


@login_required
def policy_detail(request, pk: int):
    policy = get_or_404(policy_get_for_user, request.user, pk)
    return reference_page(request, "performance/rebates/policy.html", policy=policy)


@login_required
def policy_edit(request, pk: int | None = None):
    require_hq_planner(request.user)  # the rule rebate_policy_save applies, before the form
    policy = get_or_404(policy_get_for_user, request.user, pk) if pk else None
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
    form = PolicyForm(posted(request), initial=initial)
    bands = band_forms(posted(request), bands_initial)
    return reference_edit(
        request,
        form,
        bands,
        lambda data, rows: rebate_policy_save(
            actor=request.user, data=data, bands=rows, policy=policy
        ),
        current=policy,
        success=_("Policy saved."),
        detail="performance:policy-detail",
        template="performance/rebates/policy_form.html",
        context={"bands": bands, "policy": policy},
    )


@login_required
def statement_list(request):
    form, filters = filters_from(request)
    rows, sort = statements_search(
        request.user,
        period=filters.period,
        status=query_choice(request, "status", RebateStatement.Status.values),
        q=query_text(request),
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
    statement = attempt_message(
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
        "can_issue": statement_can_issue(user, statement),
        "history": _readable_history(
            core_selectors.audit_rows(core_selectors.audit_entries_for_object(statement)[:50])
        ),
        "policy_summary": policy_summary(statement.policy_snapshot),
    }
    return render(request, "performance/rebates/statement.html", context)


def _readable_history(rows: list[dict]) -> list[dict]:
    """The statement's history with the policy it was computed with as a sentence, not as the
    stored snapshot's keys and values."""
    for row in rows:
        for change in row["changes"]:
            if change["name"] == "policy_snapshot":
                change["before"] = (
                    policy_summary(change["stored_before"]) if change["stored_before"] else None
                )
                change["after"] = (
                    policy_summary(change["stored_after"]) if change["stored_after"] else None
                )
    return rows


def _statement_step_view(step: Callable[..., Any], success):
    """A POST view that runs `step(user, statement)` on the caller's statement; back to its
    page with the message."""

    @login_required
    @require_POST
    def view(request, pk: int):
        statement = get_or_404(statement_get_for_user, request.user, pk)
        attempt_message(request, lambda: step(request.user, statement), success)
        return redirect("performance:statement-detail", pk=pk)

    return view


statement_submit = _statement_step_view(
    lambda user, statement: rebate_statement_submit(actor=user, statement=statement),
    gettext_lazy("Submitted for approval."),
)
statement_recompute = _statement_step_view(
    lambda user, statement: rebate_statement_compute(
        actor=user, partner=statement.partner, period=statement.period
    ),
    gettext_lazy("Statement computed."),
)
statement_issue = _statement_step_view(
    lambda user, statement: rebate_statement_issue(actor=user, statement=statement),
    gettext_lazy("Issued."),
)


@login_required
def statement_export(request, pk: int):
    statement = get_or_404(statement_get_for_user, request.user, pk)
    rows = [
        [
            line.get_kind_display(),
            # a bonus: the count times the amount each; a rebate: the % of the won amount
            _("%(count)s × %(each)s each") % {"count": num(line.base), "each": money(line.rate)}
            if line.is_bonus
            else _("%(rate)s of %(base)s") % {"rate": pct(line.rate, 2), "base": money(line.base)},
            float(line.base),
            float(line.rate),
            float(line.amount),
        ]
        for line in statement.lines.all()
    ]
    rows.append([pgettext("money", "Total"), "", None, None, float(statement.total_amount)])
    book = workbook_from_rows(
        title=f"{statement.number}",
        headers=[
            _("Type"),
            _("Description"),
            _("Base (CNY, or a count for a bonus)"),
            _("Rate % (or CNY each for a bonus)"),
            _("Amount (CNY)"),
        ],
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
