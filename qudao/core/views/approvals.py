"""The approvals inbox and an approval's page: decide, comment, resubmit, withdraw.

The page shows what is being decided (the kind's `panel`, read through the viewer's scope)
above the decision, and the decision form asks for the kind's own fields (`decision_fields`),
which its `check_decision` validates in the service, on this page as on the module's own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .. import hooks, scopes, selectors
from ..errors import ConflictError, ValidationError
from ..forms.approvals import CommentForm, DecisionForm
from ..models import ApprovalRequest
from ..paging import paginate
from ..services import approvals as approval_services
from ..web import form_errors, get_or_404, is_htmx


def _list_rows(ids: list[int]) -> dict[int, ApprovalRequest]:
    """A page of approvals with what the list shows: the kind's label, the object's link and
    its amount (the objects loaded in one query per kind of object, whatever the rows)."""
    rows = selectors.approvals_by_id(ids)
    prefetch_related_objects(list(rows.values()), "target")
    kinds = hooks.approval_kinds()
    for approval in rows.values():
        kind, target = kinds.get(approval.kind), approval.target
        approval.kind_label = str(kind.label) if kind else approval.kind
        approval.target_url = (
            target.get_absolute_url()
            if target is not None and hasattr(target, "get_absolute_url")
            else ""
        )
        approval.amount = (
            kind.amount(target) if kind and kind.amount and target is not None else None
        )
    return rows


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
    page = paginate(request, rows.order_by("-created_at", "-id"), load=_list_rows)
    context = {
        "page": page,
        "tab": tab,
        "q": q,
        "status": status,
        "statuses": ApprovalRequest.Status.choices,
    }
    template = "core/approvals/_table.html" if is_htmx(request) else "core/approvals/list.html"
    return render(request, template, context)


def _panel(request, approval: ApprovalRequest, target) -> str:
    """What is being decided, as the kind's panel renders it for this viewer ("" if none or
    if the viewer may not see the object)."""
    kind = hooks.approval_kinds().get(approval.kind)
    if kind is None or kind.panel is None or target is None:
        return ""
    if not scopes.can_see(request.user, target):
        return ""
    found = kind.panel(approval, request.user)
    if not found:
        return ""
    template, context = found
    return render_to_string(template, {"approval": approval, **context}, request=request)


@login_required
def approval_detail(request, pk: int):
    approval = get_or_404(selectors.approval_get_for_user, request.user, pk)
    detail = selectors.approval_detail(approval)
    can_decide = approval_services.can_decide(request.user, detail["current_step"])
    kind = hooks.approval_kinds().get(approval.kind)
    extra_fields = (
        kind.decision_fields(approval, request.user)
        if can_decide and kind and kind.decision_fields
        else {}
    )
    decision_form = DecisionForm(initial={"version": approval.version}, extra_fields=extra_fields)
    comment_form = CommentForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "decide":
                decision_form = DecisionForm(request.POST, extra_fields=extra_fields)
                if decision_form.is_valid():
                    approval_services.approval_decide(
                        actor=request.user,
                        approval=approval,
                        decision=decision_form.cleaned_data["decision"],
                        comment=decision_form.cleaned_data["comment"],
                        version=decision_form.cleaned_data["version"],
                        extra=decision_form.extra_values(),
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
        "panel": _panel(request, approval, target),
        "can_decide": can_decide,
        "is_requester": approval.requested_by_id == request.user.pk,
        "decision_form": decision_form,
        "comment_form": comment_form,
        **detail,
    }
    return render(request, "core/approvals/detail.html", context)
