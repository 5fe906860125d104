"""The registration detail page and the actions on it: submit, progress update, extension,
close, and the reviewer's decision (approve, with an override reason when another partner
claimed the customer first; reject; request information).

Every action is a POST that calls one service. Input errors re-render the page with the form's
errors; a state that changed meanwhile (ConflictError) is a message and changes nothing; an
action the user may not take is a 403 from the service's PermissionDenied.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core import selectors as core_selectors
from qudao.core.errors import ConflictError, ValidationError
from qudao.core.views import _form_errors

from ..forms import CloseForm, DecisionForm, ExtendForm, ProgressForm
from ..models import Registration
from ..selectors import conflicts_for_viewer, registrations_visible_to
from ..selectors_ui import (
    approvals_with_steps,
    level_of,
    protection_countdown,
    registration_actions,
)
from ..services import (
    registration_close,
    registration_decide,
    registration_extend_request,
    registration_submit,
    registration_update_progress,
)
from .base import LEVEL_COLOURS, hint, registration_or_404

HISTORY_ROWS = 50


def _labelled(row: dict) -> dict:
    """A conflict row from the selector with the labels the page shows."""
    level = level_of(row["level"])
    labels = {"level_label": level.label, "colour": LEVEL_COLOURS[level]}
    if "status" in row:
        labels["status_label"] = Registration.Status(row["status"]).label
    return row | labels


def _render_detail(request, registration, **bound):
    """The detail page; `bound` replaces an action's empty form by the one posted with errors."""
    user = request.user
    actions = registration_actions(user, registration)
    conflicts = conflicts_for_viewer(user, registration)
    level = level_of(conflicts["level"])
    approval = actions.approval
    forms = {
        "progress_form": ProgressForm(
            initial={
                "stage": registration.stage,
                "estimated_amount": registration.estimated_amount,
                "notes": registration.notes,
            }
        ),
        "extend_form": ExtendForm(),
        "close_form": CloseForm(outcomes=actions.close_outcomes),
        "decision_form": DecisionForm(initial={"version": approval.version if approval else 0}),
    } | bound
    context = {
        "registration": registration,
        "actions": actions,
        "conflicts": conflicts,
        "conflict_levels": [
            {"count": row["count"], **hint(level_of(row["level"]))} for row in conflicts["levels"]
        ],
        "candidates": [_labelled(candidate) for candidate in conflicts.get("candidates", [])],
        "vendor_hits": [_labelled(hit) for hit in conflicts.get("vendor", [])],
        "hint": hint(level),
        "is_partner": user.is_partner_user,
        "needs_override": actions.decide and conflicts.get("earlier_claim", False),
        "countdown": protection_countdown(registration),
        "approvals": approvals_with_steps(user, registration),
        "history": core_selectors.audit_rows(
            core_selectors.audit_entries_for_object(registration)[:HISTORY_ROWS]
        ),
        **forms,
    }
    return render(request, "registrations/detail.html", context)


@login_required
def registration_detail(request, pk: int):
    return _render_detail(request, registration_or_404(request.user, pk))


def _back(pk: int):
    return redirect("registrations:registration-detail", pk=pk)


@login_required
@require_POST
def registration_submit_view(request, pk: int):
    registration = registration_or_404(request.user, pk)
    try:
        registration_submit(actor=request.user, registration=registration)
    except ValidationError as error:
        # A draft saved earlier may no longer be valid (e.g. its close date has passed).
        for problem in error.messages:
            messages.error(request, problem)
        messages.error(request, _("Edit the registration, then submit it again."))
    except ConflictError as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("Submitted for review."))
    return _back(pk)


def _run(request, registration, form, form_key: str, call, done: str, then=None):
    """Run `call(cleaned_data)` when `form` is valid. Done: the message and back to the detail
    page (or to `then()`); invalid input: the page again with the form's errors; a conflict (a
    stale decision, a wrong state): its message and back to the page."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        except ConflictError as conflict:
            messages.error(request, conflict.message)
            return _back(registration.pk)
        else:
            messages.success(request, done)
            return then() if then else _back(registration.pk)
    return _render_detail(request, registration, **{form_key: form})


@login_required
@require_POST
def registration_progress(request, pk: int):
    registration = registration_or_404(request.user, pk)
    return _run(
        request,
        registration,
        ProgressForm(request.POST),
        "progress_form",
        lambda data: registration_update_progress(
            actor=request.user, registration=registration, data=data
        ),
        _("Progress saved."),
    )


@login_required
@require_POST
def registration_extend(request, pk: int):
    registration = registration_or_404(request.user, pk)
    return _run(
        request,
        registration,
        ExtendForm(request.POST),
        "extend_form",
        lambda data: registration_extend_request(
            actor=request.user, registration=registration, reason=data["reason"], days=data["days"]
        ),
        _("The extension was requested."),
    )


@login_required
@require_POST
def registration_close_view(request, pk: int):
    registration = registration_or_404(request.user, pk)
    outcomes = registration_actions(request.user, registration).close_outcomes
    return _run(
        request,
        registration,
        CloseForm(request.POST, outcomes=outcomes),
        "close_form",
        lambda data: registration_close(
            actor=request.user,
            registration=registration,
            outcome=data["outcome"],
            reason=data["reason"],
        ),
        _("The registration is closed."),
    )


@login_required
@require_POST
def registration_decide_view(request, pk: int):
    registration = registration_or_404(request.user, pk)
    return _run(
        request,
        registration,
        DecisionForm(request.POST),
        "decision_form",
        lambda data: registration_decide(
            actor=request.user,
            registration=registration,
            decision=data["decision"],
            comment=data["comment"],
            override_reason=data["override_reason"],
            version=data["version"],
        ),
        _("Your decision has been recorded."),
        then=lambda: _back_or_queue(request.user, registration.pk),
    )


def _back_or_queue(user, pk: int):
    """After a decision: the registration, or the review queue when the decider saw it only
    while their step was pending (a cross-region reviewer, see registrations/scopes.py)."""
    if registrations_visible_to(user).filter(pk=pk).exists():
        return _back(pk)
    return redirect("registrations:registration-review")


urlpatterns = [
    path("<int:pk>/", registration_detail, name="registration-detail"),
    path("<int:pk>/submit/", registration_submit_view, name="registration-submit"),
    path("<int:pk>/progress/", registration_progress, name="registration-progress"),
    path("<int:pk>/extend/", registration_extend, name="registration-extend"),
    path("<int:pk>/close/", registration_close_view, name="registration-close"),
    path("<int:pk>/decide/", registration_decide_view, name="registration-decide"),
]
