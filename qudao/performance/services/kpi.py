"""KPI schemes (考核指标) and scorecards.

A scheme is data: metrics with weights adding up to exactly 100 and a scoring rule each —
linear to target with a cap (points = attainment %, at most the cap), thresholds (the points of
the highest band reached), or a manual qualitative score (0–100, given by a manager). It applies
to one unit type and period length, and for partners optionally to one tier.

Scorecards are computed by the worker for every unit at once (`scorecards_compute`), in a fixed
number of queries whatever the number of partners: facts, targets and closure rates are read
grouped by unit, then scorecards and lines are written in bulk. Recomputing keeps the manual
scores. A scorecard below the scheme's warning line raises an alert (once).

A partner's scorecard feeds its evaluation in the partners app through partners' own services
(`evaluation_create`, `evaluation_scores_set`: criteria whose code equals a KPI metric code get
its points scaled to their maximum), and may propose a tier change through
`tier_change_propose`; the scorecard keeps links to both.
"""

import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import Region, User
from qudao.core.services.audit import audit_record, audit_updated, snapshot
from qudao.partners.models import Partner, Tier, TierChange
from qudao.partners.services.evaluation import (
    evaluation_create,
    evaluation_scores_set,
    scorecard_for_evaluation,
)
from qudao.partners.services.tiers import tier_change_propose

from ..metrics import MANUAL, METRICS, attainment, ratio
from ..models import (
    CorrectiveAction,
    KpiMetric,
    KpiScheme,
    ScopeMonthFact,
    Scorecard,
    ScorecardLine,
    Target,
    UnitKind,
    unit_key,
)
from ..periods import KIND_CHOICES, Period
from ..selectors.actions import closure_counts, rate_or_full
from ..selectors.facts import empty_sums, fact_sums, fact_sums_by, in_period, partner_periods
from .alerts import alerts_for_scorecards
from .common import (
    active_twin,
    code_of,
    is_hq_planner,
    is_manager,
    partner_can_manage,
    reference_write,
    region_can_manage,
    require_hq_planner,
    tier_of,
    to_decimal,
)

HUNDRED = Decimal("100")
CENT = Decimal("0.01")
Rule = KpiMetric.Rule
SCORED_STATUSES = (Partner.Status.ACTIVE, Partner.Status.SUSPENDED)


# --- schemes ------------------------------------------------------------------------------------


def parse_thresholds(value: Any) -> list[list[Decimal]] | None:
    """ "80:60, 100:100" or [[80, 60], [100, 100]] → [[80, 60], [100, 100]]; None if unreadable."""
    if isinstance(value, str):
        pairs = [part.split(":") for part in re.split(r"[,，;\s]+", value.strip()) if part]
    else:
        pairs = list(value or [])
    found = []
    for pair in pairs:
        if len(pair) != 2:
            return None
        start, points = to_decimal(pair[0]), to_decimal(pair[1])
        if start is None or points is None:
            return None
        found.append([start, points])
    return found


def _line(index: int, raw: dict[str, Any], errors: dict[str, str]) -> dict[str, Any] | None:
    prefix = f"lines.{index}"
    metric = raw.get("metric") or ""
    rule = raw.get("rule") or ""
    name = (raw.get("name") or "").strip()
    weight = to_decimal(raw.get("weight"))
    if metric != MANUAL and metric not in METRICS:
        errors[f"{prefix}.metric"] = _("Choose a metric.")
    if rule not in Rule.values:
        errors[f"{prefix}.rule"] = _("Choose a scoring rule.")
    elif (rule == Rule.MANUAL) != (metric == MANUAL):
        errors[f"{prefix}.rule"] = _("Qualitative lines, and only they, are scored manually.")
    if metric == MANUAL and not name:
        errors[f"{prefix}.name"] = _("Name the qualitative criterion.")
    if len(name) > 100:
        errors[f"{prefix}.name"] = _("Keep the name to 100 characters.")
    if weight is None or weight <= 0 or weight > 100:
        errors[f"{prefix}.weight"] = _("Enter a weight above 0 and at most 100.")
    cap = to_decimal(raw.get("cap")) if raw.get("cap") not in (None, "") else None
    if rule == Rule.LINEAR:
        cap = HUNDRED if cap is None else cap
        if cap < HUNDRED or cap > 200:
            errors[f"{prefix}.cap"] = _("The cap is from 100 to 200 points.")
    thresholds = parse_thresholds(raw.get("thresholds"))
    if rule == Rule.THRESHOLD:
        if not thresholds:
            errors[f"{prefix}.thresholds"] = _(
                "Write the bands as attainment:points, e.g. 80:60, 100:100."
            )
        elif any(b[0] >= a[0] for b, a in zip(thresholds, thresholds[1:], strict=False)) or any(
            t[0] < 0 or t[1] < 0 or t[1] > 200 for t in thresholds
        ):
            errors[f"{prefix}.thresholds"] = _(
                "Bands go up in attainment; points are from 0 to 200."
            )
    standard = raw.get("standard")
    standard = to_decimal(standard) if standard not in (None, "") else None
    if raw.get("standard") not in (None, "") and (standard is None or standard < 0):
        errors[f"{prefix}.standard"] = _("Enter a number of 0 or more.")
    return {
        "metric": metric,
        "name": name,
        "weight": weight,
        "rule": rule,
        "cap": cap if rule == Rule.LINEAR else None,
        "thresholds": [[str(a), str(b)] for a, b in thresholds or []]
        if rule == Rule.THRESHOLD
        else [],
        "standard": standard,
        "order": index,
    }


def _validate_scheme(data: dict[str, Any], lines: list[dict[str, Any]], scheme: KpiScheme | None):
    errors: dict[str, str] = {}
    code = code_of(data, scheme, KpiScheme, _("A scheme with this code already exists."), errors)
    name = (data.get("name") or "").strip()
    if not name or len(name) > 100:
        errors["name"] = _("Give the scheme a name (up to 100 characters).")
    unit_kind = data.get("unit_kind") or UnitKind.PARTNER
    if unit_kind not in (UnitKind.PARTNER, UnitKind.REGION, UnitKind.OFFICE, UnitKind.COMPANY):
        errors["unit_kind"] = _("Choose the kind of unit.")
    period_kind = data.get("period_kind") or ""
    if period_kind not in dict(KIND_CHOICES):
        errors["period_kind"] = _("Choose the period type.")
    tier = tier_of(data.get("tier"), errors)
    if tier is not None and unit_kind != UnitKind.PARTNER:
        errors["tier"] = _("Only partner schemes apply per tier.")
    warning = to_decimal(data.get("warning_line"))
    if warning is None or not 0 <= warning <= 200:
        errors["warning_line"] = _("Enter a line from 0 to 200 points.")
    promotion = data.get("promotion_line")
    promotion = to_decimal(promotion) if promotion not in (None, "") else None
    if data.get("promotion_line") not in (None, "") and (
        promotion is None or warning is None or not warning < promotion <= 200
    ):
        errors["promotion_line"] = _("The promotion line is above the warning line, at most 200.")
    is_active = bool(data.get("is_active", True))
    cleaned = [_line(index, raw, errors) for index, raw in enumerate(lines)]
    if not cleaned:
        errors["lines"] = _("A scheme needs at least one metric.")
    else:
        weights = [line["weight"] for line in cleaned if line["weight"] is not None]
        if len(weights) == len(cleaned) and sum(weights) != HUNDRED:
            errors["lines"] = _("The weights add up to %(total)s; they must add up to 100.") % {
                "total": sum(weights)
            }
        seen = [(line["metric"], line["name"]) for line in cleaned if line["metric"] != MANUAL]
        if len(seen) != len(set(seen)):
            errors["lines"] = _("Each metric appears once in a scheme.")
    if is_active and unit_kind and period_kind and "tier" not in errors:
        twin = active_twin(
            KpiScheme.objects.filter(
                is_active=True, unit_kind=unit_kind, period_kind=period_kind, tier=tier
            ),
            scheme,
        )
        if twin is not None:
            errors["__all__"] = _(
                "Scheme %(code)s is already in use for these units and periods; "
                "take it out of use first."
            ) % {"code": twin.code}
    if errors:
        raise ValidationError(errors)
    return {
        "code": code,
        "name": name,
        "unit_kind": unit_kind,
        "period_kind": period_kind,
        "tier": tier,
        "warning_line": warning,
        "promotion_line": promotion,
        "is_active": is_active,
    }, cleaned


def kpi_scheme_save(
    *,
    actor: User,
    data: dict[str, Any],
    lines: list[dict[str, Any]],
    scheme: KpiScheme | None = None,
) -> KpiScheme:
    """Create or replace a scheme with its metrics. Weights must add up to exactly 100; the
    scorecards already computed keep their own copy of the lines until they are recomputed."""
    require_hq_planner(actor)
    values, cleaned = _validate_scheme(data, lines, scheme)

    def write_metrics(saved: KpiScheme) -> None:
        KpiMetric.objects.bulk_create(KpiMetric(scheme=saved, **line) for line in cleaned)
        audit_record(
            actor=actor,
            obj=saved,
            action="update",
            changes={"metrics": [None, [f"{line['metric']} {line['weight']}" for line in cleaned]]},
            note=_("metrics"),
        )

    return reference_write(
        KpiScheme,
        scheme,
        values,
        actor=actor,
        lines="metrics",
        then=write_metrics,
        taken=_("A scheme with this code already exists."),
    )


# --- scoring ------------------------------------------------------------------------------------


def points_for(line: dict[str, Any], attained: Decimal | None, manual: Decimal | None) -> Decimal:
    """The points of one line (see the module docstring for the rules)."""
    rule = line["rule"]
    if rule == Rule.MANUAL:
        return manual if manual is not None else Decimal("0")
    if attained is None:
        return Decimal("0")
    if rule == Rule.LINEAR:
        cap = Decimal(line["cap"] or HUNDRED)
        return max(Decimal("0"), min(attained, cap)).quantize(CENT)
    points = Decimal("0")
    for start, value in line["thresholds"]:
        if attained >= Decimal(start):
            points = Decimal(value)
    return points.quantize(CENT)


def _weighted(points: Decimal, weight: Decimal) -> Decimal:
    return (points * weight / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def _scheme_lines(scheme: KpiScheme) -> list[dict[str, Any]]:
    return [
        {
            "kpi_metric_id": m.pk,
            "metric": m.metric,
            "name": m.display_name,
            "weight": m.weight,
            "rule": m.rule,
            "cap": m.cap,
            "thresholds": m.thresholds,
            "standard": m.standard,
            "order": m.order,
        }
        for m in scheme.metrics.all()
    ]


def _units(scheme: KpiScheme, schemes: list[KpiScheme], keys: set[str] | None) -> list[dict]:
    """The units a scheme scores: partners of its tier (or of tiers without their own scheme),
    or every region / office, or the company."""
    if scheme.unit_kind == UnitKind.PARTNER:
        partners = Partner.objects.filter(status__in=SCORED_STATUSES)
        if scheme.tier_id:
            partners = partners.filter(tier_id=scheme.tier_id)
        else:
            own = [s.tier_id for s in schemes if s.unit_kind == UnitKind.PARTNER and s.tier_id]
            partners = partners.exclude(tier_id__in=own)
        if keys is not None:
            partners = partners.filter(
                pk__in=[int(k.split(":")[1]) for k in keys if k.startswith("partner:")]
            )
        return [
            {
                "unit_key": unit_key(UnitKind.PARTNER, partner_id=pk),
                "partner_id": pk,
                "region_id": None,
                "scope_region_id": region_id,
                "owner_id": owner_id,
            }
            for pk, region_id, owner_id in partners.values_list("pk", "region_id", "owner_id")
        ]
    if scheme.unit_kind == UnitKind.COMPANY:
        return (
            []
            if keys is not None and "company" not in keys
            else [
                {
                    "unit_key": "company",
                    "partner_id": None,
                    "region_id": None,
                    "scope_region_id": None,
                    "owner_id": None,
                }
            ]
        )
    kind = Region.Kind.REGION if scheme.unit_kind == UnitKind.REGION else Region.Kind.OFFICE
    units = []
    for pk in Region.objects.filter(kind=kind).values_list("pk", flat=True):
        key = unit_key(scheme.unit_kind, region_id=pk)
        if keys is None or key in keys:
            units.append(
                {
                    "unit_key": key,
                    "partner_id": None,
                    "region_id": pk,
                    "scope_region_id": pk,
                    "owner_id": None,
                }
            )
    return units


def _sums_and_closure(scheme: KpiScheme, period: Period) -> tuple[dict, dict]:
    """Fact sums and closure counts per unit key, each in one grouped query."""
    facts = partner_periods(period)  # one row per partner
    cube = ScopeMonthFact.objects.filter(in_period(period))  # regions, offices, the company
    actions = CorrectiveAction.objects.all()
    kind = scheme.unit_kind
    if kind == UnitKind.PARTNER:
        sums = {f"partner:{k}": v for k, v in fact_sums_by(facts, "partner_id").items()}
        closure = {
            f"partner:{k}": v for k, v in closure_counts(actions, period, "partner_id").items()
        }
    elif kind == UnitKind.REGION:
        sums = {f"region:{k}": v for k, v in fact_sums_by(cube, "top_region_id").items()}
        closure = defaultdict(lambda: {"due": 0, "on_time": 0, "rate": None})
        offices = dict(Region.objects.values_list("pk", "parent_id"))
        for region_id, found in closure_counts(actions, period, "region_id").items():
            if region_id is None:
                continue
            top = offices.get(region_id) or region_id
            closure[f"region:{top}"]["due"] += found["due"]
            closure[f"region:{top}"]["on_time"] += found["on_time"]
        for found in closure.values():
            found["rate"] = ratio(found["on_time"], found["due"])
    elif kind == UnitKind.OFFICE:
        sums = {f"office:{k}": v for k, v in fact_sums_by(cube, "region_id").items()}
        closure = {
            f"office:{k}": v for k, v in closure_counts(actions, period, "region_id").items()
        }
    else:
        sums = {"company": fact_sums(cube)}
        closure = {"company": closure_counts(actions, period)[None]}
    return sums, closure


SYNC_UNITS = 300  # computed while the user waits up to this many partners; else by the worker


def scorecards_compute_request(*, actor: User, period: Period) -> dict[str, Any]:
    """HQ asks for the scorecards of `period` (the page's button, the API): computed at once
    while the channel is small (settings.PERFORMANCE_SYNC_UNITS partners), else by the worker.
    Returns the counts, or {"enqueued": period label}. Only HQ planners may ask."""
    require_hq_planner(actor)
    if Partner.objects.count() <= getattr(settings, "PERFORMANCE_SYNC_UNITS", SYNC_UNITS):
        return scorecards_compute(period=period)
    from ..tasks import scorecards_compute_task

    scorecards_compute_task.enqueue(period.label)
    return {"enqueued": period.label}


def scorecards_compute(
    *,
    period: Period,
    scheme: KpiScheme | None = None,
    unit_keys: set[str] | None = None,
) -> dict[str, int]:
    """Compute (or recompute) the scorecards of `period` for every active scheme of its length,
    or only `scheme`, or only the units in `unit_keys`. Manual scores are kept."""
    schemes = list(
        KpiScheme.objects.filter(is_active=True, period_kind=period.kind).prefetch_related(
            "metrics"
        )
    )
    todo = [scheme] if scheme is not None else schemes
    now = timezone.now()
    counts = {"scorecards": 0, "below_warning": 0}
    for current in todo:
        units = _units(current, schemes, unit_keys)
        if not units:
            continue
        lines = _scheme_lines(current)
        sums, closure = _sums_and_closure(current, period)
        keys = [unit["unit_key"] for unit in units]
        targets = (
            {
                (unit, metric): value
                for unit, metric, value in Target.objects.filter(
                    unit_key__in=keys, period_kind=period.kind, period_start=period.start
                ).values_list("unit_key", "metric", "value")
            }
            if len(keys) <= 900
            else {
                (unit, metric): value
                for unit, metric, value in Target.objects.filter(
                    period_kind=period.kind, period_start=period.start
                ).values_list("unit_key", "metric", "value")
            }
        )
        existing = (
            {
                card.unit_key: card
                for card in Scorecard.objects.filter(
                    scheme=current, period_start=period.start, unit_key__in=keys
                )
            }
            if len(keys) <= 900
            else {
                card.unit_key: card
                for card in Scorecard.objects.filter(scheme=current, period_start=period.start)
            }
        )
        manual = (
            {
                (scorecard_id, kpi_metric_id): (score, note, by)
                for scorecard_id, kpi_metric_id, score, note, by in ScorecardLine.objects.filter(
                    scorecard__in=[card.pk for card in existing.values()],
                    rule=Rule.MANUAL,
                ).values_list(
                    "scorecard_id", "kpi_metric_id", "manual_score", "manual_note", "manual_by"
                )
            }
            if existing
            else {}
        )
        cards, new_lines = [], {}
        for unit in units:
            key = unit["unit_key"]
            card = existing.get(key) or Scorecard(scheme=current, unit_key=key)
            card.unit_kind = current.unit_kind
            card.partner_id = unit["partner_id"]
            card.region_id = unit["region_id"]
            card.scope_region_id = unit["scope_region_id"]
            card.owner_id = unit["owner_id"]
            card.set_period(period)
            card.warning_line = current.warning_line
            card.computed_at = now
            unit_sums = sums.get(key) or empty_sums()
            unit_closure = closure.get(key) or {"due": 0, "on_time": 0, "rate": None}
            built, total = [], Decimal("0")
            for line in lines:
                kept = manual.get((card.pk, line["kpi_metric_id"])) if card.pk else None
                manual_score = kept[0] if kept else None
                target = actual = attained = None
                if line["rule"] != Rule.MANUAL:
                    if line["metric"] == "closure_rate":
                        actual = rate_or_full(unit_closure)
                    else:
                        actual = METRICS[line["metric"]].actual(unit_sums)
                    target = targets.get((key, line["metric"]), line["standard"])
                    attained = attainment(actual, target)
                points = points_for(line, attained, manual_score)
                weighted = _weighted(points, line["weight"])
                total += weighted
                built.append(
                    ScorecardLine(
                        kpi_metric_id=line["kpi_metric_id"],
                        metric=line["metric"],
                        name=line["name"][:100],
                        weight=line["weight"],
                        rule=line["rule"],
                        target=target,
                        actual=actual,
                        attainment=attained,
                        score=points,
                        weighted=weighted,
                        manual_score=manual_score,
                        manual_note=kept[1] if kept else "",
                        manual_by_id=kept[2] if kept else None,
                        order=line["order"],
                    )
                )
            _set_total(card, current, total)
            cards.append(card)
            new_lines[key] = built
        with transaction.atomic():
            fresh = [card for card in cards if card.pk is None]
            old = [card for card in cards if card.pk is not None]
            Scorecard.objects.bulk_create(fresh, batch_size=500)
            Scorecard.objects.bulk_update(
                old,
                [
                    "partner",
                    "region",
                    "scope_region",
                    "owner",
                    "unit_kind",
                    "period_kind",
                    "period_end",
                    "warning_line",
                    "computed_at",
                    "total_score",
                    "below_warning",
                    "suggestion",
                ],
                batch_size=500,
            )
            if not fresh or fresh[0].pk is None:  # backends that do not return ids
                ids = dict(
                    Scorecard.objects.filter(scheme=current, period_start=period.start).values_list(
                        "unit_key", "pk"
                    )
                )
                for card in fresh:
                    card.pk = ids[card.unit_key]
            ScorecardLine.objects.filter(scorecard__in=[card.pk for card in old]).delete()
            rows = []
            for card in cards:
                for line in new_lines[card.unit_key]:
                    line.scorecard_id = card.pk
                    rows.append(line)
            ScorecardLine.objects.bulk_create(rows, batch_size=1000)
            alerts_for_scorecards([card for card in cards if card.below_warning])
        counts["scorecards"] += len(cards)
        counts["below_warning"] += sum(1 for card in cards if card.below_warning)
    return counts


def _set_total(card: Scorecard, scheme: KpiScheme, total: Decimal) -> None:
    card.total_score = total.quantize(CENT)
    card.below_warning = card.total_score < scheme.warning_line
    if card.unit_kind != UnitKind.PARTNER:
        card.suggestion = ""
    elif card.below_warning:
        card.suggestion = Scorecard.Suggestion.DOWN
    elif scheme.promotion_line is not None and card.total_score >= scheme.promotion_line:
        card.suggestion = Scorecard.Suggestion.UP
    else:
        card.suggestion = ""


def scorecard_can_manage(user: User, scorecard: Scorecard) -> bool:
    if scorecard.partner_id:
        return partner_can_manage(user, scorecard.partner)
    if scorecard.region_id:
        return is_manager(user) and region_can_manage(user, scorecard.region)
    return is_hq_planner(user)


def scorecard_recompute(*, actor: User, scorecard: Scorecard) -> Scorecard:
    """Recompute one scorecard now (the worker recomputes all of them)."""
    if not scorecard_can_manage(actor, scorecard):
        raise PermissionDenied(_("You cannot recompute this scorecard."))
    if not scorecard.scheme.is_active:
        raise ValidationError(_("Its scheme is no longer in use."))
    scorecards_compute(
        period=scorecard.period, scheme=scorecard.scheme, unit_keys={scorecard.unit_key}
    )
    return Scorecard.objects.get(pk=scorecard.pk)


def scorecard_manual_score_set(
    *, actor: User, scorecard: Scorecard, line: ScorecardLine, score: Any, note: str = ""
) -> Scorecard:
    """A manager gives the qualitative points (0–100) of a manual line; the total follows."""
    if not scorecard_can_manage(actor, scorecard):
        raise PermissionDenied(_("You cannot score this scorecard."))
    if line.scorecard_id != scorecard.pk or line.rule != Rule.MANUAL:
        raise ValidationError({"score": _("Only qualitative lines are scored by hand.")})
    points = to_decimal(score)
    if points is None or not 0 <= points <= 100:
        raise ValidationError({"score": _("Enter points from 0 to 100.")})
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": _("Keep the comment under 500 characters.")})
    with transaction.atomic():
        card = Scorecard.objects.select_for_update().select_related("scheme").get(pk=scorecard.pk)
        before = snapshot(card)
        line = ScorecardLine.objects.get(pk=line.pk)
        line.manual_score, line.manual_note, line.manual_by = points, note, actor
        line.score = points
        line.weighted = _weighted(points, line.weight)
        line.save(update_fields=["manual_score", "manual_note", "manual_by", "score", "weighted"])
        total = sum((row.weighted for row in card.lines.all()), Decimal("0"))
        _set_total(card, card.scheme, total)
        card.save(update_fields=["total_score", "below_warning", "suggestion"])
        audit_updated(actor=actor, obj=card, before=before, note=line.name)
        if card.below_warning:
            alerts_for_scorecards([card])
    return card


def scorecard_feed_evaluation(*, actor: User, scorecard: Scorecard):
    """Open (or reuse) the partner's draft evaluation for the period in the partners app and fill
    the criteria whose code equals a KPI metric code; link it to the scorecard."""
    if scorecard.partner_id is None:
        raise ValidationError(_("Only a partner's scorecard feeds an evaluation."))
    if not partner_can_manage(actor, scorecard.partner):
        raise PermissionDenied(_("You cannot evaluate this partner."))
    card_scheme = scorecard_for_evaluation()
    if card_scheme is None:
        raise ValidationError(_("No evaluation scorecard is in use; ask an admin to set one."))
    from qudao.partners.models import PartnerEvaluation

    with transaction.atomic():
        evaluation = PartnerEvaluation.objects.filter(
            partner_id=scorecard.partner_id, scorecard=card_scheme, period=scorecard.period_label
        ).first()
        comment = _("KPI scorecard %(period)s: %(total)s points (scheme %(scheme)s).") % {
            "period": scorecard.period_label,
            "total": scorecard.total_score,
            "scheme": scorecard.scheme.name,
        }
        if evaluation is None:
            evaluation = evaluation_create(
                actor=actor,
                partner=scorecard.partner,
                period=scorecard.period_label,
                comment=comment,
            )
        if evaluation.status == PartnerEvaluation.Status.DRAFT:
            criteria = {c.code: c for c in card_scheme.criteria.all()}
            scores = {}
            for line in scorecard.lines.all():
                criterion = criteria.get(line.metric)
                if criterion is not None:
                    share = min(line.score, HUNDRED) / HUNDRED
                    scores[criterion.code] = (share * criterion.max_score).quantize(CENT)
            if scores:
                evaluation_scores_set(actor=actor, evaluation=evaluation, scores=scores)
        before = snapshot(scorecard)
        scorecard.evaluation = evaluation
        scorecard.save(update_fields=["evaluation"])
        audit_updated(actor=actor, obj=scorecard, before=before)
    return evaluation


def scorecard_tier_change_propose(
    *, actor: User, scorecard: Scorecard, to_tier: Tier, reason: str
) -> TierChange:
    """Propose the partner's tier change from its scorecard, through the partners app."""
    if scorecard.partner_id is None:
        raise ValidationError(_("Only a partner's scorecard proposes a tier change."))
    reason = (reason or "").strip()
    evaluation = scorecard.evaluation
    final = evaluation is not None and evaluation.status == evaluation.Status.FINAL
    with transaction.atomic():
        change = tier_change_propose(
            actor=actor,
            partner=scorecard.partner,
            to_tier=to_tier,
            reason=reason,
            source=TierChange.Source.EVALUATION if final else TierChange.Source.MANUAL,
            evaluation=evaluation if final else None,
        )
        before = snapshot(scorecard)
        scorecard.tier_change = change
        scorecard.save(update_fields=["tier_change"])
        audit_updated(actor=actor, obj=scorecard, before=before)
    return change


def suggested_tier(scorecard: Scorecard) -> Tier | None:
    """The next tier up or down from the partner's, by rank, as the scorecard suggests."""
    if not scorecard.partner_id or not scorecard.suggestion:
        return None
    current = scorecard.partner.tier
    tiers = Tier.objects.filter(is_active=True)
    if scorecard.suggestion == Scorecard.Suggestion.UP:
        return tiers.filter(rank__gt=current.rank).order_by("rank").first()
    return tiers.filter(rank__lt=current.rank).order_by("-rank").first()
