"""KPI schemes (read by every vendor user, kept by HQ) and scorecards: the list for a period, the
computation (here for a small scope, else by the worker), and one scorecard with its lines,
manual scores, and what follows from it: a corrective action, the partner's evaluation, a tier
change."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qudao.core.listing import query_text
from qudao.core.paging import paginate
from qudao.core.web import attempt_form_message, attempt_message, get_or_404, posted

from ..forms.kpi import ManualScoreForm, SchemeForm, TierProposalForm, scheme_line_forms
from ..models import Scorecard, ScorecardLine
from ..selectors.actions import actions_for_source
from ..selectors.dashboard import in_filters
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
from .common import filters_from, reference_edit, reference_page


@login_required
def scheme_list(request):
    return reference_page(
        request, "performance/schemes/list.html", schemes=schemes_visible_to(request.user)
    )


@login_required
def scheme_detail(request, pk: int):
    scheme = get_or_404(scheme_get_for_user, request.user, pk)
    return reference_page(request, "performance/schemes/detail.html", scheme=scheme)


@login_required
def scheme_edit(request, pk: int | None = None):
    require_hq_planner(request.user)  # the rule kpi_scheme_save applies, checked before the form
    scheme = get_or_404(scheme_get_for_user, request.user, pk) if pk else None
    initial = lines_initial = None
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
    form = SchemeForm(posted(request), initial=initial)
    lines = scheme_line_forms(posted(request), lines_initial)
    return reference_edit(
        request,
        form,
        lines,
        lambda data, rows: kpi_scheme_save(
            actor=request.user, data=data, lines=rows, scheme=scheme
        ),
        current=scheme,
        success=_("Scheme saved."),
        detail="performance:scheme-detail",
        template="performance/schemes/form.html",
        context={"lines": lines, "scheme": scheme},
    )


@login_required
def scorecard_list(request):
    form, filters = filters_from(request)
    rows, sort = scorecards_search(
        request.user,
        period=filters.period,
        below=request.GET.get("below") == "on",
        q=query_text(request),
        sort=request.GET.get("sort", ""),
    )
    rows = in_filters(rows, filters)
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


def _card_step_view(step: Callable[..., Any], success, then: str = ""):
    """A POST view that runs the service `step` on the caller's scorecard; on to the page
    `then` of what it created when it created something, else back to the scorecard."""

    @login_required
    @require_POST
    def view(request, pk: int):
        card = _card_for_post(request, pk)
        created = attempt_message(
            request, lambda: step(actor=request.user, scorecard=card), success
        )
        if then and created is not None:
            return redirect(then, pk=created.pk)
        return redirect("performance:scorecard-detail", pk=pk)

    return view


scorecard_recompute_view = _card_step_view(scorecard_recompute, gettext_lazy("Recomputed."))
scorecard_action = _card_step_view(
    scorecard_action_create,
    gettext_lazy("Corrective action raised."),
    then="performance:action-detail",
)
scorecard_evaluation = _card_step_view(
    scorecard_feed_evaluation,
    gettext_lazy("The partner's evaluation has the scorecard's results."),
    then="partners:evaluation-detail",
)


def _card_form_view(form_class, call, success, invalid):
    """A POST view with a small form on the caller's scorecard: when it is valid,
    `call(user, scorecard, cleaned_data)` (invalid: the `invalid` message); back to the
    scorecard."""

    @login_required
    @require_POST
    def view(request, pk: int):
        card = _card_for_post(request, pk)
        attempt_form_message(
            request,
            form_class(request.POST),
            lambda data: call(request.user, card, data),
            success,
            invalid=invalid,
        )
        return redirect("performance:scorecard-detail", pk=pk)

    return view


scorecard_score = _card_form_view(
    ManualScoreForm,
    lambda user, card, data: scorecard_manual_score_set(
        actor=user,
        scorecard=card,
        line=card.lines.filter(pk=data["line"]).first() or ScorecardLine(pk=0),
        score=data["score"],
        note=data["note"],
    ),
    gettext_lazy("Score saved."),
    invalid=gettext_lazy("Enter points from 0 to 100."),
)
scorecard_tier = _card_form_view(
    TierProposalForm,
    lambda user, card, data: scorecard_tier_change_propose(
        actor=user, scorecard=card, to_tier=data["to_tier"], reason=data["reason"]
    ),
    gettext_lazy("Tier change proposed; it goes through its approval."),
    invalid=gettext_lazy("Choose the tier and give the reason."),
)


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
