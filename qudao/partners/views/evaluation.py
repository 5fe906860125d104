"""Evaluation pages: open an evaluation, enter scores and finalise it, rectifications (open,
close, escalate) and the exit request."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from qudao.core import selectors as core_selectors
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.web import form_errors, get_or_404, posted

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
from .common import form_page, partner_tab, rectifications_open


def _managed(getter, request, pk: int, partner_of=lambda obj: obj.partner):
    """The object (scoped, else 404) when the user manages its partner's evaluations."""
    obj = get_or_404(getter, request.user, pk)
    if not evaluation_can_manage(request.user, partner_of(obj)):
        raise PermissionDenied
    return obj


@login_required
def evaluation_new(request, pk: int):
    partner = _managed(partner_get_for_user, request, pk, partner_of=lambda p: p)
    return form_page(
        request,
        EvaluationCreateForm(posted(request)),
        lambda data: evaluation_create(
            actor=request.user, partner=partner, period=data["period"], comment=data["comment"]
        ),
        success=_("Evaluation opened; enter the scores."),
        then=lambda evaluation: reverse("partners:evaluation-detail", args=[evaluation.pk]),
        template="partners/evaluation/new.html",
        context=lambda: {"partner": partner, "scorecard": scorecard_for_evaluation()},
    )


@login_required
def evaluation_detail(request, pk: int):
    evaluation = get_or_404(evaluation_get_for_user, request.user, pk)
    partner = evaluation.partner
    can_manage = evaluation_can_manage(request.user, partner)
    is_draft = evaluation.status == PartnerEvaluation.Status.DRAFT
    sheet = evaluation_sheet(evaluation)
    form = ScoreForm(posted(request), sheet=sheet) if can_manage and is_draft else None
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
                form_errors(form, error)
            else:
                return redirect("partners:evaluation-detail", pk=pk)
    final = evaluation.status == PartnerEvaluation.Status.FINAL
    rectifications = list(evaluation.rectifications.select_related("created_by"))
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
        "rectifications": rectifications,
        "rectifications_open": rectifications_open(rectifications),
        "history": core_selectors.audit_rows(
            core_selectors.audit_entries_for_object(evaluation)[:50]
        ),
    }
    return render(request, "partners/evaluation/detail.html", context)


@login_required
def rectification_new(request, pk: int):
    evaluation = _managed(evaluation_get_for_user, request, pk)
    return form_page(
        request,
        RectificationForm(posted(request)),
        lambda data: rectification_open(
            actor=request.user, partner=evaluation.partner, evaluation=evaluation, **data
        ),
        success=_("Rectification opened; the partner's admins are told."),
        then=lambda _result: reverse("partners:evaluation-detail", args=[pk]),
        template="partners/evaluation/rectification_form.html",
        context={"evaluation": evaluation, "partner": evaluation.partner},
    )


def _approval_page(approval) -> str:
    return reverse("core:approval-detail", args=[approval.pk])


def _rectification_page(request, pk: int, form_class, call, *, success, then, template):
    """A form page on one rectification the user manages: `call(rectification, cleaned_data)`,
    then on to `then(rectification, result)`."""
    rectification = _managed(rectification_get_for_user, request, pk)
    return form_page(
        request,
        form_class(posted(request)),
        lambda data: call(rectification, data),
        success=success,
        then=lambda result: then(rectification, result),
        template=template,
        context={"rectification": rectification, "partner": rectification.partner},
    )


@login_required
def rectification_close_view(request, pk: int):
    return _rectification_page(
        request,
        pk,
        ClosingForm,
        lambda rectification, data: rectification_close(
            actor=request.user, rectification=rectification, closing_note=data["closing_note"]
        ),
        success=_("Rectification closed."),
        then=lambda rectification, _result: partner_tab(rectification.partner, "evaluations"),
        template="partners/evaluation/rectification_close.html",
    )


@login_required
def rectification_escalate_view(request, pk: int):
    return _rectification_page(
        request,
        pk,
        ExitForm,
        lambda rectification, data: rectification_escalate(
            actor=request.user, rectification=rectification, reason=data["reason"]
        ),
        success=_("Exit requested; the approval decides."),
        then=lambda _rectification, approval: _approval_page(approval),
        template="partners/evaluation/rectification_escalate.html",
    )


@login_required
def partner_exit(request, pk: int):
    partner = _managed(partner_get_for_user, request, pk, partner_of=lambda p: p)
    return form_page(
        request,
        ExitForm(posted(request)),
        lambda data: partner_exit_request(
            actor=request.user, partner=partner, reason=data["reason"]
        ),
        success=_("Exit requested; the approval decides."),
        then=_approval_page,
        template="partners/evaluation/exit.html",
        context={"partner": partner, "can_exit": partner.status in EXIT_FROM},
    )


@login_required
def evaluation_tier_change(request, pk: int):
    evaluation = _managed(evaluation_get_for_user, request, pk)
    if not tier_change_available():
        messages.info(request, _("Tier changes cannot be proposed yet."))
        return redirect("partners:evaluation-detail", pk=pk)
    return form_page(
        request,
        TierChangeForm(posted(request)),
        lambda data: evaluation_tier_change_propose(
            actor=request.user,
            evaluation=evaluation,
            to_tier=data["to_tier"],
            reason=data["reason"],
        ),
        success=_("Tier change proposed; the approval decides."),
        then=lambda _result: partner_tab(evaluation.partner, "tiers"),
        template="partners/evaluation/tier_change.html",
        context={"evaluation": evaluation, "partner": evaluation.partner},
    )


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
