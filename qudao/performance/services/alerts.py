"""Alerts (预警), found by the worker once a day, each raised once per condition:

- sales drop: a partner's won amount of the last complete month fell by at least
  PERFORMANCE_SALES_DROP_PERCENT against the month before;
- target at risk: the linear forecast (actual so far ÷ share of the period gone by) of a current
  target is below the target — checked once PERFORMANCE_RISK_MIN_DAYS of the period have passed;
- scorecard below the warning line: raised when the scorecard is computed.

Every alert can become a corrective action with one click (`alert_act`), owned by default by the
partner's admin (else its channel manager) or the region's manager.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core import formatting
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import Role, User
from qudao.partners.models import Partner

from ..metrics import METRICS, metric_value_text
from ..models import Alert, CorrectiveAction, PartnerMonthFact, Scorecard, Target, UnitKind
from ..periods import Period, add_months, month_start

ACTION_DAYS = 14  # default time to act on an alert


def _setting(name: str, default):
    return getattr(settings, name, default)


def alerts_for_scorecards(cards: list[Scorecard]) -> int:
    """One alert per scorecard below its warning line (again on recompute: never twice)."""
    rows = [
        Alert(
            kind=Alert.Kind.BELOW_WARNING,
            key=f"below_line:{card.pk}",
            partner_id=card.partner_id,
            region_id=card.scope_region_id,
            scorecard_id=card.pk,
            period_kind=card.period_kind,
            period_start=card.period_start,
            period_end=card.period_end,
            message=card.unit_key,
            value=card.total_score,
            threshold=card.warning_line,
        )
        for card in cards
        if card.pk
    ]
    Alert.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def _sales_drops(today: datetime.date) -> list[Alert]:
    threshold = Decimal(str(_setting("PERFORMANCE_SALES_DROP_PERCENT", 30)))
    last = add_months(month_start(today), -1)
    before = add_months(last, -1)
    amounts: dict[int, dict] = {}
    for partner_id, month, amount, region_id in PartnerMonthFact.objects.filter(
        month__in=[before, last]
    ).values_list("partner_id", "month", "won_amount", "region_id"):
        amounts.setdefault(partner_id, {"region": region_id})[month] = amount
    period = Period(last, "month")
    found = []
    for partner_id, row in amounts.items():
        previous, current = row.get(before) or Decimal("0"), row.get(last) or Decimal("0")
        if previous <= 0:
            continue
        drop = ((previous - current) * 100 / previous).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if drop >= threshold:
            alert = Alert(
                kind=Alert.Kind.SALES_DROP,
                key=f"sales_drop:partner:{partner_id}:{period.label}",
                partner_id=partner_id,
                region_id=row["region"],
                message=str(previous),
                value=drop,
                threshold=threshold,
            )
            alert.set_period(period)
            found.append(alert)
    return found


def _targets_at_risk(today: datetime.date) -> list[Alert]:
    from ..selectors.targets import target_actuals

    min_days = int(_setting("PERFORMANCE_RISK_MIN_DAYS", 7))
    current = list(
        Target.objects.select_related("partner", "region")
        .filter(period_start__lte=today, period_end__gte=today)
        .exclude(unit_kind=UnitKind.PERSON)
    )
    current = [t for t in current if METRICS[t.metric].additive and t.value > 0]
    actuals = target_actuals(current)
    found = []
    for target in current:
        period = target.period
        elapsed = period.elapsed_days(today)
        if elapsed < max(min_days, 1):
            continue
        actual = actuals.get(target.pk) or Decimal("0")
        forecast = (actual * period.days / elapsed).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if forecast < target.value:
            alert = Alert(
                kind=Alert.Kind.TARGET_AT_RISK,
                key=f"target_risk:{target.pk}",
                partner=target.partner,
                region=target.scope_region,
                target=target,
                message=target.metric,
                value=forecast,
                threshold=target.value,
            )
            alert.set_period(period)
            found.append(alert)
    return found


def alerts_detect(today: datetime.date | None = None) -> dict[str, int]:
    """Find sales drops and targets at risk; alerts already raised are not raised again."""
    today = today or timezone.localdate()
    drops, risks = _sales_drops(today), _targets_at_risk(today)
    before = Alert.objects.count()
    Alert.objects.bulk_create([*drops, *risks], ignore_conflicts=True, batch_size=500)
    return {
        "new": Alert.objects.count() - before,
        "sales_drop": len(drops),
        "target_risk": len(risks),
    }


def default_owner(*, actor: User, partner: Partner | None, region) -> User | None:
    """Who acts on a finding about this unit unless someone else is chosen: the partner's admin,
    else its channel manager; a region's manager; else a channel director — never the raiser."""
    candidates: list[User] = []
    if partner is not None:
        candidates += list(
            partner.users.filter(is_active=True, roles__code=Role.Code.PARTNER_ADMIN).order_by("pk")
        )
        candidates.append(partner.owner)
    elif region is not None:
        top = region.parent_id or region.pk
        candidates += list(
            User.objects.filter(
                roles__code=Role.Code.REGIONAL_MANAGER, region_id=top, is_active=True, partner=None
            ).order_by("pk")
        )
    candidates += list(
        User.objects.filter(roles__code=Role.Code.DIRECTOR, is_active=True, partner=None).order_by(
            "pk"
        )
    )
    return next((user for user in candidates if user.is_active and user.pk != actor.pk), None)


def alert_can_act(user: User, alert: Alert) -> bool:
    from .actions import action_can_raise

    return action_can_raise(user, partner=alert.partner, region=alert.region)


def alert_act(
    *, actor: User, alert: Alert, owner: User | None = None, due_date=None, plan: str = ""
) -> CorrectiveAction:
    """Turn an alert into a corrective action (one click: owner and due date have defaults)."""
    from .actions import action_create

    if not alert_can_act(actor, alert):
        raise PermissionDenied(_("You cannot act on this alert."))
    owner = owner or default_owner(actor=actor, partner=alert.partner, region=alert.region)
    due_date = due_date or timezone.localdate() + datetime.timedelta(days=ACTION_DAYS)
    source = alert.scorecard if alert.scorecard_id else alert
    kind = (
        CorrectiveAction.SourceKind.SCORECARD
        if alert.scorecard_id
        else CorrectiveAction.SourceKind.ALERT
    )
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.status != Alert.Status.OPEN:
            raise ConflictError(_("Someone has already acted on this alert."))
        action = action_create(
            actor=actor,
            data={
                "title": alert_text(alert)[:200],
                "source_kind": kind,
                "source_ref": alert.key,
                "partner": alert.partner,
                "region": alert.region,
                "owner": owner,
                "due_date": due_date,
                "plan": plan,
            },
            source=source,
        )
        locked.status, locked.action = Alert.Status.ACTED, action
        locked.save(update_fields=["status", "action"])
    return action


def alert_dismiss(*, actor: User, alert: Alert) -> Alert:
    if not alert_can_act(actor, alert):
        raise PermissionDenied(_("You cannot act on this alert."))
    updated = Alert.objects.filter(pk=alert.pk, status=Alert.Status.OPEN).update(
        status=Alert.Status.DISMISSED
    )
    if not updated:
        raise ConflictError(_("Someone has already acted on this alert."))
    alert.status = Alert.Status.DISMISSED
    return alert


def alert_text(alert: Alert) -> str:
    """The alert in the reader's language."""
    params = {
        "unit": alert.unit_label,
        "period": alert.period_label,
        "value": formatting.num(alert.value, 2),
        "threshold": formatting.num(alert.threshold, 2),
    }
    if alert.kind == Alert.Kind.SALES_DROP:
        params["value"] = formatting.num(alert.value, 1)
        return (
            _("%(unit)s: won amount in %(period)s fell %(value)s%% from the month before.") % params
        )
    if alert.kind == Alert.Kind.TARGET_AT_RISK:
        metric = METRICS.get(alert.message)
        params["metric"] = metric.label if metric else alert.message
        params["value"] = metric_value_text(alert.message, alert.value)
        params["threshold"] = metric_value_text(alert.message, alert.threshold)
        return (
            _(
                "%(unit)s: %(metric)s forecast for %(period)s is %(value)s, "
                "below the target %(threshold)s."
            )
            % params
        )
    return (
        _("%(unit)s scored %(value)s in %(period)s, below the warning line %(threshold)s.") % params
    )


def scorecard_action_create(
    *, actor: User, scorecard: Scorecard, owner: User | None = None, due_date=None, plan: str = ""
) -> CorrectiveAction:
    """A corrective action straight from a scorecard (e.g. below the warning line); its open
    alert, if any, is marked as acted on."""
    from .actions import action_create

    alert = Alert.objects.filter(scorecard=scorecard, status=Alert.Status.OPEN).first()
    if alert is not None:
        return alert_act(actor=actor, alert=alert, owner=owner, due_date=due_date, plan=plan)
    owner = owner or default_owner(actor=actor, partner=scorecard.partner, region=scorecard.region)
    if owner is None:
        raise ValidationError({"owner": _("Choose who carries the action out.")})
    return action_create(
        actor=actor,
        data={
            "title": _("Scorecard %(period)s of %(unit)s: %(total)s points")
            % {
                "period": scorecard.period_label,
                "unit": scorecard.unit_label,
                "total": scorecard.total_score,
            },
            "source_kind": CorrectiveAction.SourceKind.SCORECARD,
            "source_ref": f"scorecard:{scorecard.pk}",
            "partner": scorecard.partner,
            "region": scorecard.region,
            "owner": owner,
            "due_date": due_date or timezone.localdate() + datetime.timedelta(days=ACTION_DAYS),
            "plan": plan,
        },
        source=scorecard,
    )
