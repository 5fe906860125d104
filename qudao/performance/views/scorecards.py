"""KPI schemes (read by every vendor user, kept by HQ) and scorecards: the list for a period, the
computation (here for a small scope, else by the worker), and one scorecard with its lines,
manual scores, and what follows from it: a corrective action, the partner's evaluation, a tier
change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.errors import ValidationError
from qudao.core.paging import paginate
from qudao.core.views import _form_errors

from ..forms import ManualScoreForm, SchemeForm, TierProposalForm, scheme_line_forms
from ..models import Scorecard, ScorecardLine
from ..selectors.actions import actions_for_source
from ..selectors.kpi import (
    scheme_get_for_user,
    schemes_visible_to,
    scorecard_get_for_user,
    scorecards_search,
)
from ..services import (
    kpi_scheme_save,
    scorecard_action_create,
    scorecard_feed_evaluation,
    scorecard_manual_score_set,
    scorecard_recompute,
    scorecard_tier_change_propose,
    scorecards_compute_request,
)
from ..services.common import is_hq_planner, require_hq_planner
from ..services.kpi import scorecard_can_manage, suggested_tier
from .common import attempt, filters_from, get_or_404


@login_required
def scheme_list(request):
    return render(
        request,
        "performance/schemes/list.html",
        {"schemes": schemes_visible_to(request.user), "can_edit": is_hq_planner(request.user)},
    )


@login_required
def scheme_detail(request, pk: int):
    scheme = get_or_404(scheme_get_for_user, request.user, pk)
    return render(
        request,
        "performance/schemes/detail.html",
        {"scheme": scheme, "can_edit": is_hq_planner(request.user)},
    )


@login_required
def scheme_edit(request, pk: int | None = None):
    require_hq_planner(request.user)  # the rule kpi_scheme_save applies, checked before the form
    scheme = get_or_404(scheme_get_for_user, request.user, pk) if pk else None
    posted = request.POST if request.method == "POST" else None
    initial = None
    lines_initial = None
    if scheme is not None:
        initial = {
            "code": scheme.code,
            "name": scheme.name,
            "unit_kind": scheme.unit_kind,
            "tier": scheme.tier_id,
            "period_kind": scheme.period_kind,
            "warning_line": scheme.warning_line,
            "promotion_line": scheme.promotion_line or "",
            "is_active": scheme.is_active,
        }
        lines_initial = [
            {
                "metric": m.metric,
                "name": m.name,
                "weight": m.weight,
                "rule": m.rule,
                "cap": m.cap or "",
                "thresholds": ", ".join(f"{a}:{b}" for a, b in m.thresholds),
                "standard": m.standard if m.standard is not None else "",
            }
            for m in scheme.metrics.all()
        ]
    form = SchemeForm(posted, initial=initial)
    lines = scheme_line_forms(posted, lines_initial)
    if scheme is not None:
        form.fields["code"].disabled = True
    if posted is not None and form.is_valid() and all(line.is_valid() for line in lines):
        data = dict(form.cleaned_data)
        data["tier"] = data["tier"].code if data.get("tier") else None
        rows = [line.line() for line in lines]
        try:
            saved = kpi_scheme_save(
                actor=request.user, data=data, lines=[r for r in rows if r], scheme=scheme
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Scheme saved."))
            return redirect("performance:scheme-detail", pk=saved.pk)
    return render(
        request, "performance/schemes/form.html", {"form": form, "lines": lines, "scheme": scheme}
    )


@login_required
def scorecard_list(request):
    form, filters = filters_from(request)
    rows, sort = scorecards_search(
        request.user,
        period=filters.period,
        below=request.GET.get("below") == "on",
        q=(request.GET.get("q") or "").strip(),
        sort=request.GET.get("sort", ""),
    )
    if filters.region is not None:
        rows = rows.filter(
            scope_region__in=[
                filters.region.pk,
                *filters.region.children.values_list("pk", flat=True),
            ]
        )
    if filters.tier:
        rows = rows.filter(partner__tier_id=filters.tier)
    context = {
        "form": form,
        "filters": filters,
        "page": paginate(request, rows),
        "sort": sort,
        "can_compute": is_hq_planner(request.user),
    }
    return render(request, "performance/scorecards/list.html", context)


@login_required
@require_POST
def scorecard_compute(request):
    """Compute the period's scorecards: now when the scope is small, else by the worker."""
    _form, filters = filters_from(request)
    period = filters.period
    result = scorecards_compute_request(actor=request.user, period=period)
    if "enqueued" in result:
        messages.success(
            request,
            _("The worker is computing the scorecards of %(period)s.") % {"period": period.label},
        )
    else:
        messages.success(
            request,
            _("%(count)s scorecards computed for %(period)s.")
            % {"count": result["scorecards"], "period": period.label},
        )
    return redirect(f"{reverse('performance:scorecard-list')}?period={period.label}")


@login_required
def scorecard_detail(request, pk: int):
    card = get_or_404(scorecard_get_for_user, request.user, pk)
    manage = scorecard_can_manage(request.user, card)
    lines = list(card.lines.all())
    context = {
        "card": card,
        "lines": lines,
        "can_manage": manage,
        "actions": actions_for_source(request.user, card),
        "score_form": ManualScoreForm(),
        "tier_form": TierProposalForm(
            initial={"to_tier": getattr(suggested_tier(card), "code", None)}
        )
        if manage and card.partner_id
        else None,
        "suggested": suggested_tier(card),
    }
    return render(request, "performance/scorecards/detail.html", context)


def _card_for_post(request, pk: int) -> Scorecard:
    return get_or_404(scorecard_get_for_user, request.user, pk)


@login_required
@require_POST
def scorecard_recompute_view(request, pk: int):
    card = _card_for_post(request, pk)
    attempt(
        request, lambda: scorecard_recompute(actor=request.user, scorecard=card), _("Recomputed.")
    )
    return redirect("performance:scorecard-detail", pk=pk)


@login_required
@require_POST
def scorecard_score(request, pk: int):
    card = _card_for_post(request, pk)
    form = ManualScoreForm(request.POST)
    if form.is_valid():
        line = card.lines.filter(pk=form.cleaned_data["line"]).first() or ScorecardLine(pk=0)
        attempt(
            request,
            lambda: scorecard_manual_score_set(
                actor=request.user,
                scorecard=card,
                line=line,
                score=form.cleaned_data["score"],
                note=form.cleaned_data["note"],
            ),
            _("Score saved."),
        )
    else:
        messages.error(request, _("Enter points from 0 to 100."))
    return redirect("performance:scorecard-detail", pk=pk)


@login_required
@require_POST
def scorecard_action(request, pk: int):
    card = _card_for_post(request, pk)
    action = attempt(
        request,
        lambda: scorecard_action_create(actor=request.user, scorecard=card),
        _("Corrective action raised."),
    )
    if action is not None:
        return redirect("performance:action-detail", pk=action.pk)
    return redirect("performance:scorecard-detail", pk=pk)


@login_required
@require_POST
def scorecard_evaluation(request, pk: int):
    card = _card_for_post(request, pk)
    evaluation = attempt(
        request,
        lambda: scorecard_feed_evaluation(actor=request.user, scorecard=card),
        _("The partner's evaluation has the scorecard's results."),
    )
    if evaluation is not None:
        return redirect("partners:evaluation-detail", pk=evaluation.pk)
    return redirect("performance:scorecard-detail", pk=pk)


@login_required
@require_POST
def scorecard_tier(request, pk: int):
    card = _card_for_post(request, pk)
    form = TierProposalForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: scorecard_tier_change_propose(
                actor=request.user,
                scorecard=card,
                to_tier=form.cleaned_data["to_tier"],
                reason=form.cleaned_data["reason"],
            ),
            _("Tier change proposed; it goes through its approval."),
        )
    else:
        messages.error(request, _("Choose the tier and give the reason."))
    return redirect("performance:scorecard-detail", pk=pk)


urlpatterns = [
    path("schemes/", scheme_list, name="scheme-list"),
    path("schemes/new/", scheme_edit, name="scheme-create"),
    path("schemes/<int:pk>/", scheme_detail, name="scheme-detail"),
    path("schemes/<int:pk>/edit/", scheme_edit, name="scheme-edit"),
    path("scorecards/", scorecard_list, name="scorecard-list"),
    path("scorecards/compute/", scorecard_compute, name="scorecard-compute"),
    path("scorecards/<int:pk>/", scorecard_detail, name="scorecard-detail"),
    path("scorecards/<int:pk>/recompute/", scorecard_recompute_view, name="scorecard-recompute"),
    path("scorecards/<int:pk>/score/", scorecard_score, name="scorecard-score"),
    path("scorecards/<int:pk>/action/", scorecard_action, name="scorecard-action"),
    path("scorecards/<int:pk>/evaluation/", scorecard_evaluation, name="scorecard-evaluation"),
    path("scorecards/<int:pk>/tier/", scorecard_tier, name="scorecard-tier"),
]
