"""Incentives and rebates (激励/返利).

A policy is data: rebate % of the won amount by attainment band of the won-amount target (bands
never overlap; attainment in no band earns no rebate), plus a bonus per new customer and per
certification obtained in the period. Statements are computed per partner and period from the
facts, then reviewed through the core approval chain (regional manager → finance → channel
director) and issued.

A statement is recomputed only while it is a draft (or after a rejection). From submission on it
is frozen, and it keeps its lines and a snapshot of the policy as computed, so changing the policy
afterwards never changes an approved or issued statement. Changing a policy recomputes that
policy's drafts at once, so that no draft silently shows old terms.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import formatting
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, AuditEntry, Role, User
from qudao.core.numbering import next_number
from qudao.core.roles import FINANCE, LEADERS, user_in
from qudao.core.services.approvals import ApprovalKind, StepSpec, approval_start
from qudao.core.services.audit import audit_created, audit_record, audit_updated, snapshot
from qudao.partners.models import Partner, PartnerDocument

from ..metrics import attainment
from ..models import RebateBand, RebateLine, RebatePolicy, RebateStatement, Target
from ..periods import KIND_CHOICES, Period
from ..selectors.facts import empty_sums, fact_sums_by, partner_periods
from .common import (
    active_twin,
    code_of,
    partner_can_manage,
    reference_write,
    require_hq_planner,
    tier_of,
    to_decimal,
)

REBATE_APPROVAL = "rebate_statement"
NUMBER_PREFIX = "FL"
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
Status = RebateStatement.Status
# Who issues approved statements to partners: finance and the channel director (admins too).
ISSUERS = LEADERS | FINANCE


# --- policies -----------------------------------------------------------------------------------


def _bands(raw_bands: list[dict[str, Any]], errors: dict[str, str]) -> list[dict[str, Decimal]]:
    bands = []
    for index, raw in enumerate(raw_bands):
        prefix = f"bands.{index}"
        low = to_decimal(raw.get("min_attainment"))
        high_raw = raw.get("max_attainment")
        high = to_decimal(high_raw) if high_raw not in (None, "") else None
        rate = to_decimal(raw.get("rebate_percent"))
        if low is None or low < 0:
            errors[f"{prefix}.min_attainment"] = _("Enter an attainment of 0 % or more.")
        if high_raw not in (None, "") and (high is None or (low is not None and high <= low)):
            errors[f"{prefix}.max_attainment"] = _("The upper bound is above the lower one.")
        if rate is None or not 0 <= rate <= 100:
            errors[f"{prefix}.rebate_percent"] = _("Enter a rebate from 0 to 100 %.")
        bands.append({"min_attainment": low, "max_attainment": high, "rebate_percent": rate})
    if not bands:
        errors["bands"] = _("A policy needs at least one band.")
    if errors:
        return bands
    ordered = sorted(bands, key=lambda b: b["min_attainment"])
    for lower, upper in zip(ordered, ordered[1:], strict=False):
        if lower["max_attainment"] is None or lower["max_attainment"] > upper["min_attainment"]:
            errors["bands"] = _(
                "The bands from %(a)s %% and from %(b)s %% overlap; "
                "each attainment may fall in one band only."
            ) % {"a": lower["min_attainment"], "b": upper["min_attainment"]}
            break
    return ordered


def _validate_policy(data: dict[str, Any], raw_bands, policy: RebatePolicy | None):
    errors: dict[str, str] = {}
    code = code_of(data, policy, RebatePolicy, _("A policy with this code already exists."), errors)
    name = (data.get("name") or "").strip()
    if not name or len(name) > 100:
        errors["name"] = _("Give the policy a name (up to 100 characters).")
    period_kind = data.get("period_kind") or ""
    if period_kind not in dict(KIND_CHOICES):
        errors["period_kind"] = _("Choose the period type.")
    tier = tier_of(data.get("tier"), errors)
    bonuses = {}
    for field in ("bonus_per_new_customer", "bonus_per_certification"):
        value = to_decimal(data.get(field) if data.get(field) not in (None, "") else 0)
        if value is None or value < 0:
            errors[field] = _("Enter an amount of 0 or more.")
        bonuses[field] = value
    is_active = bool(data.get("is_active", True))
    bands = _bands(list(raw_bands or []), errors)
    if is_active and period_kind and "tier" not in errors:
        twin = active_twin(
            RebatePolicy.objects.filter(is_active=True, period_kind=period_kind, tier=tier), policy
        )
        if twin is not None:
            errors["__all__"] = _(
                "Policy %(code)s is already in use for these partners and periods; "
                "take it out of use first."
            ) % {"code": twin.code}
    if errors:
        raise ValidationError(errors)
    return {
        "code": code,
        "name": name,
        "period_kind": period_kind,
        "tier": tier,
        "is_active": is_active,
        **bonuses,
    }, bands


def rebate_policy_save(
    *,
    actor: User,
    data: dict[str, Any],
    bands: list[dict[str, Any]],
    policy: RebatePolicy | None = None,
) -> RebatePolicy:
    """Create or change a policy with its bands; a change bumps its version and recomputes its
    draft statements (frozen ones keep the terms they were computed with)."""
    require_hq_planner(actor)
    values, cleaned = _validate_policy(data, bands, policy)

    def write_bands(saved: RebatePolicy) -> None:
        RebateBand.objects.bulk_create(RebateBand(policy=saved, **band) for band in cleaned)
        for statement in RebateStatement.objects.filter(
            policy=saved, status__in=[Status.DRAFT, Status.REJECTED]
        ).select_related("partner"):
            _recompute(statement, saved)

    return reference_write(
        RebatePolicy,
        policy,
        values,
        actor=actor,
        lines="bands",
        then=write_bands,
        taken=_("A policy with this code already exists."),
        bump=True,
    )


def policy_snapshot(policy: RebatePolicy) -> dict[str, Any]:
    return {
        "code": policy.code,
        "name": policy.name,
        "version": policy.version,
        "period_kind": policy.period_kind,
        "tier": policy.tier_id,
        "bonus_per_new_customer": str(policy.bonus_per_new_customer),
        "bonus_per_certification": str(policy.bonus_per_certification),
        "bands": [
            {
                "min_attainment": str(b.min_attainment),
                "max_attainment": None if b.max_attainment is None else str(b.max_attainment),
                "rebate_percent": str(b.rebate_percent),
            }
            for b in policy.bands.all()
        ],
    }


def policy_for(partner: Partner, period_kind: str, policies: list[RebatePolicy] | None = None):
    """The active policy of the partner's tier for this period length, else the general one."""
    if policies is None:
        policies = list(
            RebatePolicy.objects.filter(is_active=True, period_kind=period_kind).prefetch_related(
                "bands"
            )
        )
    own = [p for p in policies if p.period_kind == period_kind and p.tier_id == partner.tier_id]
    general = [p for p in policies if p.period_kind == period_kind and p.tier_id is None]
    return (own or general or [None])[0]


# --- statements ---------------------------------------------------------------------------------


def _band_rate(snap: dict[str, Any], attained: Decimal | None) -> Decimal:
    if attained is None:
        return Decimal("0")
    for band in snap["bands"]:
        low = Decimal(band["min_attainment"])
        high = None if band["max_attainment"] is None else Decimal(band["max_attainment"])
        if attained >= low and (high is None or attained < high):
            return Decimal(band["rebate_percent"])
    return Decimal("0")


def _lines(snap, won: Decimal, target: Decimal | None, new_customers: int, certifications: int):
    attained = attainment(won, target)
    rate = _band_rate(snap, attained)
    lines = [
        RebateLine(
            kind=RebateLine.Kind.REBATE,
            description=str(RebateLine.Kind.REBATE.label),
            base=won,
            rate=rate,
            amount=(won * rate / HUNDRED).quantize(CENT, ROUND_HALF_UP),
        )
    ]
    for kind, count, bonus in (
        (RebateLine.Kind.NEW_CUSTOMER, new_customers, Decimal(snap["bonus_per_new_customer"])),
        (RebateLine.Kind.CERTIFICATION, certifications, Decimal(snap["bonus_per_certification"])),
    ):
        if count and bonus:
            lines.append(
                RebateLine(
                    kind=kind,
                    description=str(kind.label),
                    base=Decimal(count),
                    rate=bonus,
                    amount=(bonus * count).quantize(CENT),
                )
            )
    return lines, attained, rate


def _inputs(partner_ids: list[int], period: Period):
    """Won amounts and new customers (facts), won-amount targets and certifications, grouped by
    partner in one query each."""
    sums = fact_sums_by(partner_periods(period).filter(partner_id__in=partner_ids), "partner_id")
    targets = dict(
        Target.objects.filter(
            unit_kind="partner",
            partner_id__in=partner_ids,
            metric="won_amount",
            period_kind=period.kind,
            period_start=period.start,
        ).values_list("partner_id", "value")
    )
    certifications: dict[int, int] = {}
    for partner_id in PartnerDocument.objects.filter(
        partner_id__in=partner_ids,
        kind=PartnerDocument.Kind.CERTIFICATE,
        uploaded_at__date__gte=period.start,
        uploaded_at__date__lte=period.end,
    ).values_list("partner_id", flat=True):
        certifications[partner_id] = certifications.get(partner_id, 0) + 1
    return sums, targets, certifications


def _fill(statement: RebateStatement, policy: RebatePolicy, sums, target, certifications):
    snap = policy_snapshot(policy)
    won = sums["won_amount"] or Decimal("0")
    lines, attained, rate = _lines(snap, won, target, sums["new_customers"], certifications)
    statement.policy = policy
    statement.policy_version = policy.version
    statement.policy_snapshot = snap
    statement.won_amount = won
    statement.target_amount = target
    statement.attainment = attained
    statement.rebate_percent = rate
    statement.total_amount = sum((line.amount for line in lines), Decimal("0"))
    statement.computed_at = timezone.now()
    return lines


def _recompute(statement: RebateStatement, policy: RebatePolicy) -> RebateStatement:
    period = statement.period
    sums, targets, certs = _inputs([statement.partner_id], period)
    lines = _fill(
        statement,
        policy,
        sums.get(statement.partner_id) or empty_sums(),
        targets.get(statement.partner_id),
        certs.get(statement.partner_id, 0),
    )
    if statement.status == Status.REJECTED:
        statement.status = Status.DRAFT
    statement.save()
    statement.lines.all().delete()
    for line in lines:
        line.statement = statement
    RebateLine.objects.bulk_create(lines)
    return statement


def rebate_statement_compute(*, actor: User, partner: Partner, period: Period) -> RebateStatement:
    """Compute the partner's statement for the period (a new draft, or the draft again)."""
    if not partner_can_manage(actor, partner):
        raise PermissionDenied(_("You cannot compute rebates for this partner."))
    policy = policy_for(partner, period.kind)
    if policy is None:
        raise ValidationError(
            _("No rebate policy is in use for this partner's tier and this period type.")
        )
    with transaction.atomic():
        statement = (
            RebateStatement.objects.select_for_update()
            .filter(partner=partner, period_kind=period.kind, period_start=period.start)
            .first()
        )
        if statement is not None and statement.is_frozen:
            raise ConflictError(
                _("Statement %(number)s is %(status)s; it no longer changes.")
                % {"number": statement.number, "status": statement.get_status_display()}
            )
        created = statement is None
        if created:
            statement = RebateStatement(
                number=next_number(NUMBER_PREFIX),
                partner=partner,
                scope_region=partner.region,
                created_by=actor,
            )
            statement.set_period(period)
        _recompute(statement, policy)
        if created:
            audit_created(actor=actor, obj=statement)
        else:
            audit_record(
                actor=actor, obj=statement, action=AuditEntry.Action.UPDATE, note=_("recomputed")
            )
    return statement


def rebates_compute_request(*, actor: User, period: Period) -> dict[str, str]:
    """HQ asks the worker for every partner's draft statement of `period`. Only HQ planners."""
    require_hq_planner(actor)
    from ..tasks import rebates_compute_task

    rebates_compute_task.enqueue(period.label)
    return {"enqueued": period.label}


def rebates_compute(*, period: Period, actor: User | None = None) -> dict[str, int]:
    """The worker: draft statements of every active partner that has a policy, in bulk (frozen
    statements are left alone)."""
    policies = list(
        RebatePolicy.objects.filter(is_active=True, period_kind=period.kind).prefetch_related(
            "bands"
        )
    )
    if not policies:
        return {"statements": 0, "frozen": 0}
    partners = list(
        Partner.objects.filter(status=Partner.Status.ACTIVE).only("pk", "tier", "region")
    )
    existing = {
        s.partner_id: s
        for s in RebateStatement.objects.filter(period_kind=period.kind, period_start=period.start)
    }
    ids = [p.pk for p in partners]
    sums, targets, certs = _inputs(ids, period)
    fresh, changed, all_lines, frozen = [], [], {}, 0
    creator = (
        actor or User.objects.filter(is_superuser=True).order_by("pk").first() or _any_director()
    )
    for partner in partners:
        policy = policy_for(partner, period.kind, policies)
        if policy is None:
            continue
        statement = existing.get(partner.pk)
        if statement is not None and statement.is_frozen:
            frozen += 1
            continue
        if statement is None:
            statement = RebateStatement(
                number=next_number(NUMBER_PREFIX),
                partner_id=partner.pk,
                scope_region_id=partner.region_id,
                created_by=creator,
            )
            statement.set_period(period)
            fresh.append(statement)
        else:
            statement.status = Status.DRAFT
            changed.append(statement)
        all_lines[partner.pk] = _fill(
            statement,
            policy,
            sums.get(partner.pk) or empty_sums(),
            targets.get(partner.pk),
            certs.get(partner.pk, 0),
        )
    fields = [
        "policy",
        "policy_version",
        "policy_snapshot",
        "won_amount",
        "target_amount",
        "attainment",
        "rebate_percent",
        "total_amount",
        "computed_at",
        "status",
    ]
    with transaction.atomic():
        RebateStatement.objects.bulk_create(fresh, batch_size=500)
        RebateStatement.objects.bulk_update(changed, fields, batch_size=500)
        ids_by_partner = dict(
            RebateStatement.objects.filter(
                period_kind=period.kind, period_start=period.start, partner_id__in=list(all_lines)
            ).values_list("partner_id", "pk")
        )
        RebateLine.objects.filter(statement_id__in=[s.pk for s in changed]).delete()
        rows = []
        for partner_id, lines in all_lines.items():
            for line in lines:
                line.statement_id = ids_by_partner[partner_id]
                rows.append(line)
        RebateLine.objects.bulk_create(rows, batch_size=1000)
    return {"statements": len(fresh) + len(changed), "frozen": frozen}


def _any_director() -> User | None:
    return User.objects.filter(roles__code=Role.Code.DIRECTOR).order_by("pk").first()


def rebate_statement_submit(*, actor: User, statement: RebateStatement) -> ApprovalRequest:
    """Send a draft statement into approval: regional manager, finance, channel director."""
    if not partner_can_manage(actor, statement.partner):
        raise PermissionDenied(_("You cannot submit this statement."))
    with transaction.atomic():
        locked = RebateStatement.objects.select_for_update().get(pk=statement.pk)
        if locked.status != Status.DRAFT:
            raise ConflictError(
                _("Only a draft statement can be submitted; this one is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        before = snapshot(locked)
        locked.status = Status.IN_APPROVAL
        locked.save(update_fields=["status"])
        audit_updated(actor=actor, obj=locked, before=before)
        return approval_start(
            actor=actor,
            target=locked,
            kind=REBATE_APPROVAL,
            title=gettext_lazy("Rebate statement %(number)s of %(partner)s, %(period)s: %(total)s"),
            title_params={
                "number": locked.number,
                "partner": locked.partner.name,
                "period": locked.period_label,
                "total": formatting.money(locked.total_amount),  # as the pages write money
            },
            steps=[
                StepSpec(
                    name=gettext_lazy("Regional manager review"), role=Role.Code.REGIONAL_MANAGER
                ),
                StepSpec(name=gettext_lazy("Finance review"), role=Role.Code.FINANCE),
                StepSpec(name=gettext_lazy("Channel director approval"), role=Role.Code.DIRECTOR),
            ],
            payload={"partner": locked.partner.name, "total": str(locked.total_amount)},
        )


def _decided(approval: ApprovalRequest, actor: User, status: str) -> None:
    statement = RebateStatement.objects.select_for_update().get(pk=approval.object_id)
    before = snapshot(statement)
    statement.status = status
    if status == Status.APPROVED:
        statement.approved_at = timezone.now()
    statement.save(update_fields=["status", "approved_at"])
    audit_updated(
        actor=actor, obj=statement, before=before, note=_("approval #%(pk)s") % {"pk": approval.pk}
    )


def statement_can_issue(user: User, statement: RebateStatement) -> bool:
    return user_in(user, ISSUERS) and statement.status == Status.APPROVED


def rebate_statement_issue(*, actor: User, statement: RebateStatement) -> RebateStatement:
    """Finance (or the director) issues an approved statement to the partner."""
    if not user_in(actor, ISSUERS):
        raise PermissionDenied(_("Only finance or the channel director issues statements."))
    with transaction.atomic():
        locked = RebateStatement.objects.select_for_update().get(pk=statement.pk)
        if locked.status != Status.APPROVED:
            raise ConflictError(_("Only an approved statement can be issued."))
        before = snapshot(locked)
        locked.status = Status.ISSUED
        locked.issued_at = timezone.now()
        locked.save(update_fields=["status", "issued_at"])
        audit_updated(actor=actor, obj=locked, before=before)
    return locked


def _rebate_panel(approval, viewer):
    from ..selectors.approvals import rebate_panel

    return rebate_panel(approval, viewer)


# Registered in the app's ready() (core.hooks.approval_kind).
REBATE_APPROVAL_KIND = ApprovalKind(
    code=REBATE_APPROVAL,
    label=gettext_lazy("Rebate statement"),
    on_approved=lambda approval, actor: _decided(approval, actor, Status.APPROVED),
    on_rejected=lambda approval, actor: _decided(approval, actor, Status.REJECTED),
    on_cancelled=lambda approval, actor: _decided(approval, actor, Status.DRAFT),
    panel=_rebate_panel,
    amount=lambda statement: statement.total_amount,
)
