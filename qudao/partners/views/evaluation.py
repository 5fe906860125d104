"""Evaluation pages: open an evaluation, enter scores and finalise it, rectifications (open,
close, escalate) and the exit request."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from qudao.core import selectors as core_selectors
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.views import _form_errors

from ..forms.evaluation import (
    ClosingForm,
    EvaluationCreateForm,
    ExitForm,
    RectificationForm,
    ScoreForm,
    TierChangeForm,
)
from ..models import Partner, PartnerEvaluation
from ..selectors import partner_get_for_user
from ..selectors.evaluation import (
    evaluation_get_for_user,
    evaluation_sheet,
    rectification_get_for_user,
)
from ..services.evaluation import (
    EXIT_FROM,
    NEEDS_RECTIFICATION,
    evaluation_can_manage,
    evaluation_create,
    evaluation_finalise,
    evaluation_scores_set,
    evaluation_tier_change_propose,
    partner_exit_request,
    rectification_close,
    rectification_escalate,
    rectification_open,
    scorecard_for_evaluation,
    tier_change_available,
)


def _posted(request):
    """The submitted data, or None for a GET: an empty POST still shows the required fields."""
    return request.POST if request.method == "POST" else None


def _or_404(getter, user, pk):
    try:
        return getter(user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def _tab(partner: Partner, tab: str) -> str:
    return reverse("partners:partner-detail", args=[partner.pk]) + f"?tab={tab}"


@login_required
def evaluation_new(request, pk: int):
    partner = _or_404(partner_get_for_user, request.user, pk)
    if not evaluation_can_manage(request.user, partner):
        raise PermissionDenied
    form = EvaluationCreateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = evaluation_create(
                actor=request.user,
                partner=partner,
                period=form.cleaned_data["period"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Evaluation opened; enter the scores."))
            return redirect("partners:evaluation-detail", pk=evaluation.pk)
    context = {"form": form, "partner": partner, "scorecard": scorecard_for_evaluation()}
    return render(request, "partners/evaluation/new.html", context)


@login_required
def evaluation_detail(request, pk: int):
    evaluation = _or_404(evaluation_get_for_user, request.user, pk)
    partner = evaluation.partner
    can_manage = evaluation_can_manage(request.user, partner)
    is_draft = evaluation.status == PartnerEvaluation.Status.DRAFT
    sheet = evaluation_sheet(evaluation)
    form = ScoreForm(_posted(request), sheet=sheet) if can_manage and is_draft else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                evaluation_scores_set(
                    actor=request.user,
                    evaluation=evaluation,
                    scores=form.scores(),
                    comments=form.comments(),
                )
                if request.POST.get("action") == "finalise":
                    evaluation = evaluation_finalise(actor=request.user, evaluation=evaluation)
                    messages.success(
                        request,
                        _("Evaluation finalised: %(total)s, %(grade)s.")
                        % {
                            "total": evaluation.total_score,
                            "grade": evaluation.get_grade_display(),
                        },
                    )
                else:
                    messages.success(request, _("Scores saved."))
            except ValidationError as error:
                _form_errors(form, error)
            else:
                return redirect("partners:evaluation-detail", pk=pk)
    final = evaluation.status == PartnerEvaluation.Status.FINAL
    context = {
        "evaluation": evaluation,
        "partner": partner,
        "sheet": sheet,
        "form": form,
        "can_manage": can_manage,
        "can_rectify": can_manage
        and final
        and evaluation.grade in NEEDS_RECTIFICATION
        and partner.status != Partner.Status.EXITED,
        "can_propose_tier": can_manage and final and tier_change_available(),
        "rectifications": evaluation.rectifications.select_related("created_by"),
        "history": core_selectors.audit_rows(
            core_selectors.audit_entries_for_object(evaluation)[:50]
        ),
    }
    return render(request, "partners/evaluation/detail.html", context)


@login_required
def rectification_new(request, pk: int):
    evaluation = _or_404(evaluation_get_for_user, request.user, pk)
    if not evaluation_can_manage(request.user, evaluation.partner):
        raise PermissionDenied
    form = RectificationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            rectification_open(
                actor=request.user,
                partner=evaluation.partner,
                evaluation=evaluation,
                **form.cleaned_data,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Rectification opened; the partner's admins are told."))
            return redirect("partners:evaluation-detail", pk=pk)
    context = {"form": form, "evaluation": evaluation, "partner": evaluation.partner}
    return render(request, "partners/evaluation/rectification_form.html", context)


def _rectification_action(
    request, pk: int, form_class, act, template: str, done: str, *, starts_approval: bool
):
    rectification = _or_404(rectification_get_for_user, request.user, pk)
    partner = rectification.partner
    if not evaluation_can_manage(request.user, partner):
        raise PermissionDenied
    form = form_class(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            result = act(rectification, form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, done)
            if starts_approval:
                return redirect("core:approval-detail", pk=result.pk)
            return redirect(_tab(partner, "evaluations"))
    context = {"form": form, "rectification": rectification, "partner": partner}
    return render(request, template, context)


@login_required
def rectification_close_view(request, pk: int):
    return _rectification_action(
        request,
        pk,
        ClosingForm,
        lambda r, data: rectification_close(
            actor=request.user, rectification=r, closing_note=data["closing_note"]
        ),
        "partners/evaluation/rectification_close.html",
        _("Rectification closed."),
        starts_approval=False,
    )


@login_required
def rectification_escalate_view(request, pk: int):
    return _rectification_action(
        request,
        pk,
        ExitForm,
        lambda r, data: rectification_escalate(
            actor=request.user, rectification=r, reason=data["reason"]
        ),
        "partners/evaluation/rectification_escalate.html",
        _("Exit requested; the approval decides."),
        starts_approval=True,
    )


@login_required
def partner_exit(request, pk: int):
    partner = _or_404(partner_get_for_user, request.user, pk)
    if not evaluation_can_manage(request.user, partner):
        raise PermissionDenied
    form = ExitForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            approval = partner_exit_request(
                actor=request.user, partner=partner, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Exit requested; the approval decides."))
            return redirect("core:approval-detail", pk=approval.pk)
    context = {"form": form, "partner": partner, "can_exit": partner.status in EXIT_FROM}
    return render(request, "partners/evaluation/exit.html", context)


@login_required
def evaluation_tier_change(request, pk: int):
    evaluation = _or_404(evaluation_get_for_user, request.user, pk)
    if not evaluation_can_manage(request.user, evaluation.partner):
        raise PermissionDenied
    if not tier_change_available():
        messages.info(request, _("Tier changes cannot be proposed yet."))
        return redirect("partners:evaluation-detail", pk=pk)
    form = TierChangeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_tier_change_propose(
                actor=request.user,
                evaluation=evaluation,
                to_tier=form.cleaned_data["to_tier"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Tier change proposed; the approval decides."))
            return redirect(_tab(evaluation.partner, "tiers"))
    context = {"form": form, "evaluation": evaluation, "partner": evaluation.partner}
    return render(request, "partners/evaluation/tier_change.html", context)


urlpatterns = [
    path("<int:pk>/evaluations/new/", evaluation_new, name="evaluation-create"),
    path("<int:pk>/exit/", partner_exit, name="partner-exit"),
    path("evaluations/<int:pk>/", evaluation_detail, name="evaluation-detail"),
    path(
        "evaluations/<int:pk>/rectifications/new/",
        rectification_new,
        name="rectification-create",
    ),
    path(
        "evaluations/<int:pk>/tier-change/", evaluation_tier_change, name="evaluation-tier-change"
    ),
    path("rectifications/<int:pk>/close/", rectification_close_view, name="rectification-close"),
    path(
        "rectifications/<int:pk>/escalate/",
        rectification_escalate_view,
        name="rectification-escalate",
    ),
]
