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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qudao.core import selectors as core_selectors
from qudao.core.errors import ConflictError, ValidationError
from qudao.core.web import form_errors

from ..forms import CloseForm, DecisionForm, ExtendForm, ProgressForm
from ..models import Registration
from ..selectors import (
    approvals_with_steps,
    conflicts_for_viewer,
    level_of,
    progress_due,
    protection_countdown,
    registration_actions,
    registrations_visible_to,
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
# A registration whose review is still to be decided: the conflict hint may promise a decision.
UNDECIDED = (
    Registration.Status.DRAFT,
    Registration.Status.SUBMITTED,
    Registration.Status.INFO_REQUESTED,
)


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
        "hint": hint(level, pending=registration.status in UNDECIDED),
        "is_partner": user.is_partner_user,
        "needs_override": actions.decide and conflicts.get("earlier_claim", False),
        "countdown": protection_countdown(registration),
        "progress_due": progress_due(registration),
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
            form_errors(form, error)
        except ConflictError as conflict:
            messages.error(request, conflict.message)
            return _back(registration.pk)
        else:
            messages.success(request, done)
            return then() if then else _back(registration.pk)
    return _render_detail(request, registration, **{form_key: form})


def _action_view(form_key: str, make_form, call, done, then=None):
    """A POST action of the detail page (see `_run`): the form `make_form(data, user,
    registration)` shown under `form_key`, the service `call(user, registration, cleaned_data)`
    and, when given, `then(user, registration)` instead of the way back to the page."""

    @login_required
    @require_POST
    def view(request, pk: int):
        user = request.user
        registration = registration_or_404(user, pk)
        return _run(
            request,
            registration,
            make_form(request.POST, user, registration),
            form_key,
            lambda data: call(user, registration, data),
            done,
            then=(lambda: then(user, registration)) if then else None,
        )

    return view


registration_progress = _action_view(
    "progress_form",
    lambda data, user, registration: ProgressForm(data),
    lambda user, registration, data: registration_update_progress(
        actor=user, registration=registration, data=data
    ),
    gettext_lazy("Progress saved."),
)
registration_extend = _action_view(
    "extend_form",
    lambda data, user, registration: ExtendForm(data),
    lambda user, registration, data: registration_extend_request(
        actor=user, registration=registration, reason=data["reason"], days=data["days"]
    ),
    gettext_lazy("The extension was requested."),
)
registration_close_view = _action_view(
    "close_form",
    lambda data, user, registration: CloseForm(
        data, outcomes=registration_actions(user, registration).close_outcomes
    ),
    lambda user, registration, data: registration_close(
        actor=user, registration=registration, outcome=data["outcome"], reason=data["reason"]
    ),
    gettext_lazy("The registration is closed."),
)
registration_decide_view = _action_view(
    "decision_form",
    lambda data, user, registration: DecisionForm(data),
    lambda user, registration, data: registration_decide(
        actor=user,
        registration=registration,
        decision=data["decision"],
        comment=data["comment"],
        override_reason=data["override_reason"],
        version=data["version"],
    ),
    gettext_lazy("Your decision has been recorded."),
    then=lambda user, registration: _back_or_queue(user, registration.pk),
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
