"""Corrective action pages: the list (mine, overdue, by status and source), raising one, and
one action with what its owner and its raiser can do next."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core import selectors as core_selectors
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import User
from qudao.core.paging import paginate
from qudao.core.views import _form_errors, is_htmx
from qudao.partners.selectors import partners_visible_to

from ..forms import ActionFilterForm, ActionForm, TextForm
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
from .common import attempt, get_or_404


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
    template = (
        "performance/actions/_table.html" if is_htmx(request) else "performance/actions/list.html"
    )
    return render(request, template, context)


def _owners():
    return User.objects.filter(is_active=True).order_by("username")


@login_required
def action_new(request):
    if request.user.is_partner_user:
        raise PermissionDenied
    partners = partners_visible_to(request.user).select_related(None).only("pk", "name")
    posted = request.POST if request.method == "POST" else None
    initial = {
        k: request.GET[k]
        for k in ("title", "source_kind", "source_ref", "partner", "region")
        if request.GET.get(k)
    }
    form = ActionForm(posted, initial=initial, partners=partners, owners=_owners())
    if posted is not None and form.is_valid():
        try:
            action = action_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(request, _("Corrective action raised."))
            return redirect("performance:action-detail", pk=action.pk)
    return render(request, "performance/actions/form.html", {"form": form})


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


def _posted_action(request, pk: int) -> CorrectiveAction:
    return get_or_404(action_get_for_user, request.user, pk)


def _text(request) -> str:
    return (request.POST.get("text") or "").strip()


@login_required
@require_POST
def action_plan(request, pk: int):
    action = _posted_action(request, pk)
    attempt(
        request,
        lambda: action_plan_update(actor=request.user, action=action, plan=_text(request)),
        _("Saved."),
    )
    return redirect("performance:action-detail", pk=pk)


@login_required
@require_POST
def action_done(request, pk: int):
    action = _posted_action(request, pk)
    attempt(
        request,
        lambda: action_submit(actor=request.user, action=action, evidence=_text(request)),
        _("Reported as done; the raiser verifies it."),
    )
    return redirect("performance:action-detail", pk=pk)


@login_required
@require_POST
def action_check(request, pk: int):
    action = _posted_action(request, pk)
    if request.POST.get("decision") == "reject":
        attempt(
            request,
            lambda: action_reject(actor=request.user, action=action, note=_text(request)),
            _("Sent back to the owner."),
        )
    else:
        attempt(
            request,
            lambda: action_verify(actor=request.user, action=action, note=_text(request)),
            _("Verified and closed."),
        )
    return redirect("performance:action-detail", pk=pk)


@login_required
@require_POST
def action_withdraw(request, pk: int):
    action = _posted_action(request, pk)
    attempt(
        request,
        lambda: action_cancel(actor=request.user, action=action, reason=_text(request)),
        _("Cancelled."),
    )
    return redirect("performance:action-detail", pk=pk)


urlpatterns = [
    path("actions/", action_list, name="action-list"),
    path("actions/new/", action_new, name="action-create"),
    path("actions/<int:pk>/", action_detail, name="action-detail"),
    path("actions/<int:pk>/plan/", action_plan, name="action-plan"),
    path("actions/<int:pk>/done/", action_done, name="action-submit"),
    path("actions/<int:pk>/verify/", action_check, name="action-verify"),
    path("actions/<int:pk>/cancel/", action_withdraw, name="action-cancel"),
]
