"""Writes on tiers (分级): the tiers themselves (data, kept by admins and the channel director)
and tier changes of a partner, decided through an approval."""

import re
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import roles
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, Role, User
from qudao.core.services.approvals import ApprovalKind, StepSpec, approval_start
from qudao.core.services.audit import audit_created, audit_updated, snapshot
from qudao.core.services.notifications import notify
from qudao.core.state import transition

from ..models import Partner, PartnerEvaluation, ScorecardCriterion, Tier, TierChange
from ..validators import decimal_or_none
from .common import approval_hook
from .partners import partner_can_manage

TIER_CHANGE = "tier_change"
# A proposed change waits for its approval, which decides it once (cancelled: the approval was
# withdrawn).
TIER_CHANGE_MOVES = {
    TierChange.Status.PENDING: {
        TierChange.Status.APPROVED,
        TierChange.Status.REJECTED,
        TierChange.Status.CANCELLED,
    },
}
TIER_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,19}$")
TIER_FIELDS = (
    "code",
    "name",
    "rank",
    "discount_percent",
    "default_credit_limit",
    "mdf_share_percent",
    "training_seats",
    "required_certifications",
    "min_score",
    "is_active",
)
MAX_MONEY = Decimal("999999999999.99")

# The built-in tiers (the codes partners start with): code, name, rank, discount %, default
# credit limit, MDF %, training seats, minimum qualification score.
TIERS_BUILTIN = [
    ("gold", "金牌", 30, 12, 5_000_000, 5, 6, 85),
    ("silver", "银牌", 20, 8, 2_000_000, 3, 4, 70),
    ("certified", "认证", 10, 5, 500_000, 1, 2, 60),
    ("registered", "注册", 0, 0, 0, 0, 1, None),
]
# The default scorecards that decide the tiers: code, name, kind, criteria (code, name, weight).
SCORECARDS_BUILTIN = [
    (
        "qualification-default",
        "渠道准入评分表",
        "qualification",
        [
            ("management", "经营管理能力", 25),
            ("capital", "资金实力", 25),
            ("service", "售后服务能力", 20),
            ("coverage", "市场覆盖", 15),
            ("reputation", "信誉", 15),
        ],
    ),
    (
        "evaluation-default",
        "渠道年度考评表",
        "evaluation",
        [
            ("sales", "销售业绩", 40),
            ("registrations", "项目报备与转化", 20),
            ("service", "服务与客户满意度", 20),
            ("training", "培训与认证", 10),
            ("compliance", "合规与回款", 10),
        ],
    ),
]


# --- tiers ------------------------------------------------------------------------------------


def tiers_builtin_ensure(apps=None) -> None:
    """Create the built-in tiers and default scorecards that are missing (existing rows are kept
    as edited). `apps` is a migration's historical app registry; the current models by default."""
    tier_model = apps.get_model("partners", "Tier") if apps else Tier
    criterion_model = (
        apps.get_model("partners", "ScorecardCriterion") if apps else ScorecardCriterion
    )
    # The scorecard model as the criterion knows it, whatever it is called at that migration.
    scorecard_model = criterion_model._meta.get_field("scorecard").related_model
    for code, name, rank, discount, credit, mdf, seats, min_score in TIERS_BUILTIN:
        tier_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "rank": rank,
                "discount_percent": discount,
                "default_credit_limit": credit,
                "mdf_share_percent": mdf,
                "training_seats": seats,
                "min_score": min_score,
            },
        )
    for code, name, kind, criteria in SCORECARDS_BUILTIN:
        card, _created = scorecard_model.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind}
        )
        for order, (criterion_code, criterion_name, weight) in enumerate(criteria):
            criterion_model.objects.get_or_create(
                scorecard=card,
                code=criterion_code,
                defaults={
                    "name": criterion_name,
                    "weight": weight,
                    "max_score": 10,
                    "order": order,
                },
            )


def tier_can_manage(user: User) -> bool:
    """Tiers are channel policy: system admins and the channel director keep them."""
    return roles.user_in(user, roles.LEADERS)


def _validate_tier(values: dict[str, Any], tier: Tier | None) -> dict[str, Any]:
    """Check and normalise the tier's values; raise with a message per field."""
    errors: dict[str, str] = {}
    cleaned = dict(values)
    code = (values.get("code") or "").strip()
    cleaned["code"] = code
    if tier is not None and code != tier.code:
        errors["code"] = _("The code of an existing tier cannot change.")
    elif not TIER_CODE.match(code):
        errors["code"] = _("Use 2–20 lower-case letters, digits, hyphens or underscores.")
    elif Tier.objects.filter(code=code).exclude(pk=tier.pk if tier else None).exists():
        errors["code"] = _("A tier with this code already exists.")
    name = (values.get("name") or "").strip()
    cleaned["name"] = name
    if not name:
        errors["name"] = _("Give the tier a name.")
    elif len(name) > 50:
        errors["name"] = _("Keep the name to 50 characters.")
    for field in ("discount_percent", "mdf_share_percent"):
        number = decimal_or_none(values.get(field, 0))
        if number is None or not (0 <= number <= 100):
            errors[field] = _("Enter a percentage from 0 to 100.")
        else:
            cleaned[field] = number.quantize(Decimal("0.01"))
    credit = decimal_or_none(values.get("default_credit_limit", 0))
    if credit is None or credit < 0:
        errors["default_credit_limit"] = _("Enter an amount of 0 or more.")
    elif credit > MAX_MONEY:
        errors["default_credit_limit"] = _("The amount is too large.")
    else:
        cleaned["default_credit_limit"] = credit.quantize(Decimal("0.01"))
    min_score = values.get("min_score")
    if min_score not in (None, ""):
        score = decimal_or_none(min_score)
        if score is None or not (0 <= score <= 100):
            errors["min_score"] = _("Enter a score from 0 to 100, or leave it empty.")
        else:
            cleaned["min_score"] = score.quantize(Decimal("0.01"))
    else:
        cleaned["min_score"] = None
    for field, upper in (("rank", 32767), ("training_seats", 2_147_483_647)):
        number = values.get(field, 0)
        if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number <= upper:
            errors[field] = _("Enter a whole number of 0 or more.")
    cleaned["required_certifications"] = (values.get("required_certifications") or "").strip()
    is_active = bool(values.get("is_active", True))
    cleaned["is_active"] = is_active
    if tier is not None and tier.is_active and not is_active:
        in_use = tier.partners.count()
        if in_use:
            errors["is_active"] = _(
                "%(count)s partners are in this tier; move them to another tier first."
            ) % {"count": in_use}
        elif tier.code == Partner._meta.get_field("tier").get_default():
            errors["is_active"] = _("New partners start in this tier; it must stay in use.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def tier_create(*, actor: User, data: dict[str, Any]) -> Tier:
    if not tier_can_manage(actor):
        raise PermissionDenied(_("Only system admins and the channel director manage tiers."))
    values = _validate_tier({key: data[key] for key in TIER_FIELDS if key in data}, None)
    tier = Tier(**{key: values[key] for key in TIER_FIELDS if key in values})
    try:
        with transaction.atomic():
            tier.save()
            audit_created(actor=actor, obj=tier)
    except IntegrityError:
        raise ValidationError({"code": _("A tier with this code already exists.")}) from None
    return tier


def tier_update(*, actor: User, tier: Tier, data: dict[str, Any]) -> Tier:
    """Change a tier; keys left out of `data` keep their value. There is no delete: a tier
    that is no longer offered is taken out of use."""
    if not tier_can_manage(actor):
        raise PermissionDenied(_("Only system admins and the channel director manage tiers."))
    with transaction.atomic():
        locked = Tier.objects.select_for_update().get(pk=tier.pk)
        current = {key: getattr(locked, key) for key in TIER_FIELDS}
        values = _validate_tier({**current, **data}, locked)
        before = snapshot(locked)
        for key in TIER_FIELDS:
            setattr(locked, key, values[key])
        locked.save()
        audit_updated(actor=actor, obj=locked, before=before)
    return locked


# --- tier changes -----------------------------------------------------------------------------


def _release_stale_pending(partner: Partner) -> None:
    """A pending change whose approval was withdrawn on the approvals page is cancelled, so it
    no longer blocks a new proposal."""
    for change in TierChange.objects.filter(partner=partner, status=TierChange.Status.PENDING):
        still_open = ApprovalRequest.objects.filter(
            kind=TIER_CHANGE,
            content_type__app_label="partners",
            content_type__model="tierchange",
            object_id=str(change.pk),
            status__in=[ApprovalRequest.Status.PENDING, ApprovalRequest.Status.RETURNED],
        ).exists()
        if not still_open:
            _decide(
                change,
                TierChange.Status.CANCELLED,
                actor=None,
                note=_("its approval was withdrawn"),
            )


def _pending_message(change: TierChange) -> str:
    return _(
        "A tier change for this partner is already in approval (%(from)s → %(to)s); "
        "wait for its decision."
    ) % {"from": change.from_tier or "—", "to": change.to_tier}


def tier_change_propose(
    *,
    actor: User,
    partner: Partner,
    to_tier: Tier,
    reason: str,
    source: str = TierChange.Source.MANUAL,
    evaluation: PartnerEvaluation | None = None,
) -> TierChange:
    """Propose moving `partner` to `to_tier`: a pending TierChange and its approval (the
    partner's regional manager, then the channel director). Evaluations call this with
    source="evaluation"."""
    if not partner_can_manage(actor, partner):
        raise PermissionDenied(_("You cannot propose tier changes for this partner."))
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if source not in TierChange.Source.values:
        errors["source"] = _("Unknown source of the proposal.")
    if to_tier is None or not to_tier.is_active:
        errors["to_tier"] = _("Choose a tier that is in use.")
    elif to_tier.code == partner.tier_id:
        errors["to_tier"] = _("The partner is already in this tier.")
    if not reason:
        errors["reason"] = _("Give the reason for the change.")
    if partner.status == Partner.Status.EXITED:
        errors["__all__"] = _("This partner has exited; its tier no longer changes.")
    if evaluation is not None and evaluation.partner_id != partner.pk:
        errors["evaluation"] = _("The evaluation belongs to another partner.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            locked = Partner.objects.select_for_update().select_related("tier").get(pk=partner.pk)
            _release_stale_pending(locked)
            pending = (
                TierChange.objects.select_related("from_tier", "to_tier")
                .filter(partner=locked, status=TierChange.Status.PENDING)
                .first()
            )
            if pending is not None:
                raise ValidationError({"__all__": _pending_message(pending)})
            change = TierChange.objects.create(
                partner=locked,
                from_tier=locked.tier,
                to_tier=to_tier,
                source=source,
                evaluation=evaluation,
                reason=reason,
                requested_by=actor,
            )
            audit_created(actor=actor, obj=change)
            approval_start(
                actor=actor,
                target=change,
                kind=TIER_CHANGE,
                title=gettext_lazy("Tier change of %(partner)s: %(from)s → %(to)s"),
                title_params={"partner": locked.name, "from": locked.tier, "to": to_tier},
                steps=[
                    StepSpec(
                        name=gettext_lazy("Regional manager review"),
                        role=Role.Code.REGIONAL_MANAGER,
                    ),
                    StepSpec(
                        name=gettext_lazy("Channel director approval"), role=Role.Code.DIRECTOR
                    ),
                ],
                payload={
                    "partner": locked.name,
                    "from_tier": locked.tier_id,
                    "to_tier": to_tier.code,
                    "source": source,
                    "reason": reason[:500],
                },
            )
    except IntegrityError:
        # Someone proposed one at the same moment: the database's one-pending rule caught it.
        pending = TierChange.objects.filter(
            partner=partner, status=TierChange.Status.PENDING
        ).first()
        raise ValidationError(
            {"__all__": _pending_message(pending) if pending else _("Try again.")}
        ) from None
    return change


def tier_change_approved(*, approval: ApprovalRequest, actor: User) -> None:
    """Approval hook, in the deciding transaction: the partner moves to the new tier."""
    change = (
        TierChange.objects.select_for_update().select_related("to_tier").get(pk=approval.object_id)
    )
    if change.status != TierChange.Status.PENDING:
        raise ValidationError(_("This tier change has already been decided."))
    partner = Partner.objects.select_for_update().select_related("tier").get(pk=change.partner_id)
    before = snapshot(partner)
    partner.tier = change.to_tier
    partner.save(update_fields=["tier", "updated_at"])
    note = _("tier change #%(pk)s, approval #%(approval)s") % {
        "pk": change.pk,
        "approval": approval.pk,
    }
    audit_updated(actor=actor, obj=partner, before=before, note=note)
    _decide(change, TierChange.Status.APPROVED, actor=actor, note=note)
    admins = list(
        partner.users.filter(is_active=True, roles__code=Role.Code.PARTNER_ADMIN).distinct()
    )
    transaction.on_commit(
        lambda: notify(
            recipients=[partner.owner, *admins],
            title=gettext_lazy("%(partner)s is now in tier %(tier)s"),
            params={"partner": partner.name, "tier": change.to_tier.name},
            url=reverse("partners:partner-detail", args=[partner.pk]),
        )
    )


def tier_change_rejected(*, approval: ApprovalRequest, actor: User) -> None:
    """Approval hook: the change is refused; the partner keeps its tier."""
    change = TierChange.objects.select_for_update().get(pk=approval.object_id)
    if change.status != TierChange.Status.PENDING:
        raise ValidationError(_("This tier change has already been decided."))
    _decide(
        change,
        TierChange.Status.REJECTED,
        actor=actor,
        note=_("approval #%(pk)s") % {"pk": approval.pk},
    )


def _decide(change: TierChange, status: str, *, actor: User | None, note: str) -> None:
    """Move a pending change to its decision, with the decision time and the audit row."""
    change.decided_at = timezone.now()
    transition(change, status, TIER_CHANGE_MOVES, actor=actor, note=note, also=("decided_at",))


def _tier_change_panel(approval, viewer):
    from ..selectors.approvals import tier_change_panel

    return tier_change_panel(approval, viewer)


# Registered in the app's ready() (core.hooks.approval_kind).
TIER_CHANGE_KIND = ApprovalKind(
    code=TIER_CHANGE,
    label=gettext_lazy("Tier change"),
    on_approved=approval_hook(tier_change_approved),
    on_rejected=approval_hook(tier_change_rejected),
    panel=_tier_change_panel,
)
