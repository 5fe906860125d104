"""Corrective action pages: the list (mine, overdue, by status and source), raising one, and
one action with what its owner and its raiser can do next."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core import selectors as core_selectors
from qudao.core.errors import PermissionDenied
from qudao.core.listing import render_list
from qudao.core.models import User
from qudao.core.paging import paginate
from qudao.core.web import attempt_message, get_or_404, posted
from qudao.partners.selectors import partners_visible_to

from ..forms.actions import ActionFilterForm, ActionForm
from ..forms.common import TextForm
from ..models import CorrectiveAction
from ..selectors.actions import action_get_for_user, actions_search
from ..services import (
    action_cancel,
    action_create,
    action_plan_update,
    action_reject,
    action_submit,
    action_verify,
)
from .common import create_page


@login_required
def action_list(request):
    form = ActionFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows, sort = actions_search(
        request.user,
        q=(data.get("q") or "").strip(),
        status=data.get("status") or "",
        source_kind=data.get("source_kind") or "",
        mine=bool(data.get("mine")),
        overdue=bool(data.get("overdue")),
        sort=data.get("sort") or "",
    )
    if data.get("region"):
        rows = rows.filter(region_id=data["region"]) | rows.filter(region__parent_id=data["region"])
    context = {
        "form": form,
        "page": paginate(request, rows),
        "sort": sort,
        "can_create": not request.user.is_partner_user,
    }
    return render_list(
        request, "performance/actions/list.html", "performance/actions/_table.html", context
    )


def _owners():
    return User.objects.filter(is_active=True).order_by("username")


@login_required
def action_new(request):
    if request.user.is_partner_user:
        raise PermissionDenied
    partners = partners_visible_to(request.user).select_related(None).only("pk", "name")
    initial = {
        k: request.GET[k]
        for k in ("title", "source_kind", "source_ref", "partner", "region")
        if request.GET.get(k)
    }
    form = ActionForm(posted(request), initial=initial, partners=partners, owners=_owners())
    return create_page(
        request,
        form,
        lambda: action_create(actor=request.user, data=form.cleaned_data),
        success=_("Corrective action raised."),
        detail="performance:action-detail",
        template="performance/actions/form.html",
    )


@login_required
def action_detail(request, pk: int):
    action = get_or_404(action_get_for_user, request.user, pk)
    user = request.user
    is_owner, is_raiser = user.pk == action.owner_id, user.pk == action.raised_by_id
    Status = CorrectiveAction.Status
    context = {
        "action": action,
        "is_owner": is_owner,
        "is_raiser": is_raiser,
        "can_plan": is_owner and action.status == Status.OPEN,
        "can_submit": is_owner and action.status == Status.OPEN,
        "can_verify": is_raiser and action.status == Status.SUBMITTED,
        "can_cancel": is_raiser and action.is_open,
        "plan_form": TextForm(initial={"text": action.plan}, label=_("Plan")),
        "evidence_form": TextForm(label=_("What was done, and the evidence")),
        "verify_form": TextForm(label=_("Verification note")),
        "source_url": _source_url(action),
        "history": core_selectors.audit_rows(core_selectors.audit_entries_for_object(action)[:50]),
    }
    return render(request, "performance/actions/detail.html", context)


def _source_url(action: CorrectiveAction) -> str:
    if action.source_type_id is None or not action.source_id:
        return ""
    model = action.source_type.model_class()
    target = model._default_manager.filter(pk=action.source_id).first() if model else None
    return (
        target.get_absolute_url()
        if target is not None and hasattr(target, "get_absolute_url")
        else ""
    )


def _text(request) -> str:
    return (request.POST.get("text") or "").strip()


def _step(request, pk: int, step: Callable[..., Any], field: str, success: str):
    """Run the service `step` on the caller's action with the posted text as `field`; back to
    the action's page with its message."""
    action = get_or_404(action_get_for_user, request.user, pk)
    text = _text(request)
    attempt_message(
        request, lambda: step(actor=request.user, action=action, **{field: text}), success
    )
    return redirect("performance:action-detail", pk=pk)


@login_required
@require_POST
def action_plan(request, pk: int):
    return _step(request, pk, action_plan_update, "plan", _("Saved."))


@login_required
@require_POST
def action_done(request, pk: int):
    return _step(
        request, pk, action_submit, "evidence", _("Reported as done; the raiser verifies it.")
    )


@login_required
@require_POST
def action_check(request, pk: int):
    if request.POST.get("decision") == "reject":
        return _step(request, pk, action_reject, "note", _("Sent back to the owner."))
    return _step(request, pk, action_verify, "note", _("Verified and closed."))


@login_required
@require_POST
def action_withdraw(request, pk: int):
    return _step(request, pk, action_cancel, "reason", _("Cancelled."))


urlpatterns = [
    path("actions/", action_list, name="action-list"),
    path("actions/new/", action_new, name="action-create"),
    path("actions/<int:pk>/", action_detail, name="action-detail"),
    path("actions/<int:pk>/plan/", action_plan, name="action-plan"),
    path("actions/<int:pk>/done/", action_done, name="action-submit"),
    path("actions/<int:pk>/verify/", action_check, name="action-verify"),
    path("actions/<int:pk>/cancel/", action_withdraw, name="action-cancel"),
]
