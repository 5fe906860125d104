"""The approvals inbox and an approval's page: decide, comment, resubmit, withdraw."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import selectors
from ..errors import ConflictError, ValidationError
from ..forms.approvals import CommentForm, DecisionForm
from ..models import ApprovalRequest
from ..paging import paginate
from ..services import approvals as approval_services
from ..web import form_errors, get_or_404, is_htmx


@login_required
def approval_list(request):
    user, tab = request.user, request.GET.get("tab", "awaiting")
    if tab == "mine":
        rows = selectors.approvals_visible_to(user).filter(requested_by=user)
    elif tab == "all":
        rows = selectors.approvals_visible_to(user)
    else:
        tab, rows = "awaiting", selectors.approvals_awaiting(user)
    q, status = request.GET.get("q", "").strip(), request.GET.get("status", "")
    if q:
        rows = rows.filter(title__icontains=q)
    if status in ApprovalRequest.Status.values:
        rows = rows.filter(status=status)
    page = paginate(request, rows.order_by("-created_at", "-id"), load=selectors.approvals_by_id)
    context = {
        "page": page,
        "tab": tab,
        "q": q,
        "status": status,
        "statuses": ApprovalRequest.Status.choices,
    }
    template = "core/approvals/_table.html" if is_htmx(request) else "core/approvals/list.html"
    return render(request, template, context)


@login_required
def approval_detail(request, pk: int):
    approval = get_or_404(selectors.approval_get_for_user, request.user, pk)
    detail = selectors.approval_detail(approval)
    decision_form = DecisionForm(initial={"version": approval.version})
    comment_form = CommentForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "decide":
                decision_form = DecisionForm(request.POST)
                if decision_form.is_valid():
                    approval_services.approval_decide(
                        actor=request.user,
                        approval=approval,
                        decision=decision_form.cleaned_data["decision"],
                        comment=decision_form.cleaned_data["comment"],
                        version=decision_form.cleaned_data["version"],
                    )
                    messages.success(request, _("Your decision has been recorded."))
                    return redirect("core:approval-detail", pk=pk)
            elif action == "comment":
                comment_form = CommentForm(request.POST)
                if comment_form.is_valid():
                    approval_services.approval_comment(
                        actor=request.user,
                        approval=approval,
                        comment=comment_form.cleaned_data["comment"],
                    )
                    return redirect("core:approval-detail", pk=pk)
            elif action == "resubmit":
                approval_services.approval_resubmit(
                    actor=request.user, approval=approval, comment=request.POST.get("comment", "")
                )
                messages.success(request, _("Resubmitted."))
                return redirect("core:approval-detail", pk=pk)
            elif action == "cancel":
                approval_services.approval_cancel(actor=request.user, approval=approval)
                messages.success(request, _("Withdrawn."))
                return redirect("core:approval-detail", pk=pk)
        except ValidationError as error:
            form_errors(decision_form if action == "decide" else comment_form, error)
        except ConflictError as conflict:
            messages.error(request, conflict.message)
            return redirect("core:approval-detail", pk=pk)
    target = approval.target
    context = {
        "approval": approval,
        "target": target,
        "target_url": target.get_absolute_url() if hasattr(target, "get_absolute_url") else "",
        "kind_label": approval_services.kind_label(approval.kind),
        "can_decide": approval_services.can_decide(request.user, detail["current_step"]),
        "is_requester": approval.requested_by_id == request.user.pk,
        "decision_form": decision_form,
        "comment_form": comment_form,
        **detail,
    }
    return render(request, "core/approvals/detail.html", context)
