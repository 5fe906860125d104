"""Evaluation (考评) and exit (退出): periodic scorecards, warnings with rectification plans
(整改), and the exit of a partner through an approval.

warning/failed evaluation → rectification (open) → closed when done, or escalated → exit
approval → the partner is exited, its users can no longer log in; nothing is deleted.
"""

import inspect
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import state
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, AuditEntry, Role, User
from qudao.core.services.approvals import ApprovalKind, StepSpec, approval_start
from qudao.core.services.audit import audit_created, audit_record, audit_updated, snapshot
from qudao.core.services.notifications import notify

from ..models import (
    EvaluationScore,
    Partner,
    PartnerEvaluation,
    PartnerScorecard,
    Rectification,
    ScorecardCriterion,
    Tier,
    TierChange,
)
from .common import approval_hook
from .partners import partner_can_manage

PARTNER_EXIT = "partner_exit"
PERIOD_PATTERN = re.compile(r"^(20\d{2})(Q[1-4]|H[12]|-(0[1-9]|1[0-2]))?$")
# Lower bounds of each grade on the 0–100 total, best first.
GRADE_BOUNDS = (
    (Decimal("90"), PartnerEvaluation.Grade.EXCELLENT),
    (Decimal("70"), PartnerEvaluation.Grade.QUALIFIED),
    (Decimal("60"), PartnerEvaluation.Grade.WARNING),
)
NEEDS_RECTIFICATION = (PartnerEvaluation.Grade.WARNING, PartnerEvaluation.Grade.FAILED)
# The partner states an exit may start from.
EXIT_FROM = (Partner.Status.PROSPECT, Partner.Status.ACTIVE, Partner.Status.SUSPENDED)

RectStatus = Rectification.Status
# The one map of allowed moves of a rectification (checked by core.state). Its moves are
# recorded as updates (every changed field), not as bare state changes.
RECTIFICATION_TRANSITIONS = {
    RectStatus.OPEN: {RectStatus.CLOSED, RectStatus.EXIT},
    RectStatus.CLOSED: set(),
    RectStatus.EXIT: set(),
}


# --- permissions ------------------------------------------------------------------------------


def evaluation_can_manage(user: User, partner: Partner) -> bool:
    """Vendor managers in scope evaluate partners; partner users only read their final ones."""
    return partner_can_manage(user, partner)


def _require_manager(actor: User, partner: Partner) -> None:
    if not evaluation_can_manage(actor, partner):
        raise PermissionDenied(_("You cannot evaluate this partner."))


def _require_not_exited(partner: Partner) -> None:
    if partner.status == Partner.Status.EXITED:
        raise ValidationError(_("This partner has left the channel."))


# --- evaluation -------------------------------------------------------------------------------


def scorecard_for_evaluation() -> PartnerScorecard | None:
    return PartnerScorecard.objects.filter(
        kind=PartnerScorecard.Kind.EVALUATION, is_active=True
    ).first()


def grade_for(total: Decimal) -> str:
    for bound, grade in GRADE_BOUNDS:
        if total >= bound:
            return grade
    return PartnerEvaluation.Grade.FAILED


def total_for(scores: list[tuple[ScorecardCriterion, Decimal]]) -> Decimal:
    """Σ score/max × weight, on 0–100 (scaled if the weights do not add up to exactly 100)."""
    weights = sum((criterion.weight for criterion, _score in scores), Decimal("0"))
    if not weights:
        return Decimal("0.00")
    raw = sum(
        (score / Decimal(criterion.max_score) * criterion.weight for criterion, score in scores),
        Decimal("0"),
    )
    return (raw * Decimal("100") / weights).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def evaluation_create(
    *, actor: User, partner: Partner, period: str, comment: str = ""
) -> PartnerEvaluation:
    """Open a draft evaluation of `partner` for `period` on the active evaluation scorecard."""
    _require_manager(actor, partner)
    _require_not_exited(partner)
    period = (period or "").strip().upper()
    if not PERIOD_PATTERN.match(period):
        raise ValidationError(
            {"period": _("Write the period as a year, a quarter or a half: 2026, 2026Q3, 2026H1.")}
        )
    scorecard = scorecard_for_evaluation()
    if scorecard is None:
        raise ValidationError(_("No evaluation scorecard is in use; ask an admin to set one."))
    duplicate = _("%(partner)s already has an evaluation for %(period)s.") % {
        "partner": partner.name,
        "period": period,
    }
    if PartnerEvaluation.objects.filter(
        partner=partner, scorecard=scorecard, period=period
    ).exists():
        raise ValidationError({"period": duplicate})
    try:
        with transaction.atomic():
            evaluation = PartnerEvaluation.objects.create(
                partner=partner,
                scorecard=scorecard,
                period=period,
                comment=(comment or "").strip(),
                evaluator=actor,
            )
            audit_created(actor=actor, obj=evaluation)
    except IntegrityError:  # two people opened the same period at once: the database decides
        raise ValidationError({"period": duplicate}) from None
    return evaluation


def _require_draft(evaluation: PartnerEvaluation) -> None:
    if evaluation.status != PartnerEvaluation.Status.DRAFT:
        raise ValidationError(_("This evaluation is final and can no longer change."))


def score_field(criterion: ScorecardCriterion) -> str:
    return f"score_{criterion.code}"


def evaluation_scores_set(
    *,
    actor: User,
    evaluation: PartnerEvaluation,
    scores: dict[str, Any],
    comments: dict[str, str] | None = None,
) -> PartnerEvaluation:
    """Enter or change scores of a draft evaluation: {criterion code: score (0..max)}."""
    _require_manager(actor, evaluation.partner)
    comments = comments or {}
    criteria = {c.code: c for c in evaluation.scorecard.criteria.all()}
    errors: dict[str, str] = {}
    clean: dict[str, Decimal] = {}
    for code, value in scores.items():
        criterion = criteria.get(code)
        if criterion is None:
            errors[f"score_{code}"] = _("Unknown criterion.")
            continue
        if value in (None, ""):
            continue
        field = score_field(criterion)
        try:
            score = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            errors[field] = _("Enter a number.")
            continue
        if not score.is_finite() or score < 0 or score > criterion.max_score:
            errors[field] = _("Enter a score from 0 to %(max)s.") % {"max": criterion.max_score}
        elif score != score.quantize(Decimal("0.01")):
            errors[field] = _("Use at most two decimal places.")
        else:
            clean[code] = score
    for code, text in comments.items():
        if len(text or "") > 500:
            errors[f"comment_{code}"] = _("Keep the comment under 500 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = PartnerEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        _require_draft(locked)
        existing = {s.criterion_id: s for s in locked.scores.all()}
        changes: dict[str, list[Any]] = {}
        for code, score in clean.items():
            criterion = criteria[code]
            row = existing.get(criterion.pk)
            comment = (comments.get(code) or "").strip()
            if row is None:
                EvaluationScore.objects.create(
                    evaluation=locked, criterion=criterion, score=score, comment=comment
                )
                changes[criterion.name] = [None, str(score)]
            elif row.score != score or (code in comments and row.comment != comment):
                if row.score != score:
                    changes[criterion.name] = [str(row.score), str(score)]
                row.score = score
                if code in comments:
                    row.comment = comment
                row.save(update_fields=["score", "comment"])
        if changes:
            audit_record(
                actor=actor,
                obj=locked,
                action=AuditEntry.Action.UPDATE,
                changes=changes,
                note=_("scores"),
            )
    return locked


def evaluation_finalise(*, actor: User, evaluation: PartnerEvaluation) -> PartnerEvaluation:
    """Compute the total and grade and put the evaluation in the archive, where it stays."""
    _require_manager(actor, evaluation.partner)
    with transaction.atomic():
        locked = (
            PartnerEvaluation.objects.select_for_update()
            .select_related("partner", "scorecard")
            .get(pk=evaluation.pk)
        )
        _require_draft(locked)
        criteria = list(locked.scorecard.criteria.all())
        given = {s.criterion_id: s.score for s in locked.scores.all()}
        missing = {score_field(c): _("Enter this score.") for c in criteria if c.pk not in given}
        if missing or not criteria:
            raise ValidationError(missing or _("The scorecard has no criteria."))
        before = snapshot(locked)
        locked.total_score = total_for([(c, given[c.pk]) for c in criteria])
        locked.grade = grade_for(locked.total_score)
        locked.status = PartnerEvaluation.Status.FINAL
        locked.finalised_at = timezone.now()
        locked.save(update_fields=["total_score", "grade", "status", "finalised_at"])
        audit_updated(actor=actor, obj=locked, before=before, note=_("finalised"))
        transaction.on_commit(lambda: _notify_final(locked))
    return locked


def _partner_admins(partner: Partner) -> list[User]:
    return list(
        partner.users.filter(is_active=True, roles__code=Role.Code.PARTNER_ADMIN).distinct()
    )


def _notify_final(evaluation: PartnerEvaluation) -> None:
    partner = evaluation.partner
    notify(
        recipients=[partner.owner, *_partner_admins(partner)],
        title=gettext_lazy("Evaluation %(period)s of %(partner)s: %(grade)s"),
        body=gettext_lazy("Total score %(total)s."),
        params={
            "period": evaluation.period,
            "partner": partner.name,
            "grade": PartnerEvaluation.Grade(evaluation.grade).label,
            "total": evaluation.total_score,
        },
        url=partner.get_absolute_url() + "?tab=evaluations",
    )


# --- tier change from an evaluation --------------------------------------------------------------


def _tier_change_propose_function():
    try:
        from . import tiers
    except ImportError:
        return None
    propose = getattr(tiers, "tier_change_propose", None)
    return propose if callable(propose) else None


def tier_change_available() -> bool:
    """Whether the tiers module offers proposals yet (it is built separately)."""
    return _tier_change_propose_function() is not None


def evaluation_tier_change_propose(
    *, actor: User, evaluation: PartnerEvaluation, to_tier: Tier, reason: str
) -> TierChange:
    """Propose moving the partner to another tier because of a final evaluation."""
    _require_manager(actor, evaluation.partner)
    if evaluation.status != PartnerEvaluation.Status.FINAL:
        raise ValidationError(_("Finalise the evaluation before proposing a tier change."))
    propose = _tier_change_propose_function()
    if propose is None:
        raise ValidationError(_("Tier changes cannot be proposed yet."))
    offered = {
        "actor": actor,
        "partner": evaluation.partner,
        "to_tier": to_tier,
        "reason": reason,
        "source": TierChange.Source.EVALUATION,
        "evaluation": evaluation,
    }
    parameters = inspect.signature(propose).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    return propose(**{k: v for k, v in offered.items() if takes_any or k in parameters})


# --- rectification ------------------------------------------------------------------------------


def rectification_open(
    *,
    actor: User,
    partner: Partner,
    warning: str,
    plan: str,
    deadline,
    evaluation: PartnerEvaluation | None = None,
) -> Rectification:
    """Warn the partner and set a rectification plan with a deadline (整改)."""
    _require_manager(actor, partner)
    _require_not_exited(partner)
    if evaluation is not None:
        if evaluation.partner_id != partner.pk:
            raise ValidationError(_("The evaluation belongs to another partner."))
        if evaluation.status != PartnerEvaluation.Status.FINAL:
            raise ValidationError(_("Finalise the evaluation first."))
        if evaluation.grade not in NEEDS_RECTIFICATION:
            raise ValidationError(
                _("Only a warning or failed evaluation leads to a rectification.")
            )
    errors = {}
    warning, plan = (warning or "").strip(), (plan or "").strip()
    if not warning:
        errors["warning"] = _("Write the warning the partner receives.")
    if not plan:
        errors["plan"] = _("Write what the partner must do.")
    if deadline is None:
        errors["deadline"] = _("Set the deadline.")
    elif deadline <= timezone.localdate():
        errors["deadline"] = _("The deadline must be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rectification = Rectification.objects.create(
            partner=partner,
            evaluation=evaluation,
            warning=warning,
            plan=plan,
            deadline=deadline,
            created_by=actor,
        )
        audit_created(actor=actor, obj=rectification)
        transaction.on_commit(lambda: _notify_rectification(rectification))
    return rectification


def _notify_rectification(rectification: Rectification) -> None:
    partner = rectification.partner
    notify(
        recipients=_partner_admins(partner),
        title=gettext_lazy("Rectification required by %(deadline)s"),
        body=gettext_lazy("%(warning)s"),
        params={"deadline": rectification.deadline.isoformat(), "warning": rectification.warning},
        url=partner.get_absolute_url() + "?tab=evaluations",
    )


def rectification_close(
    *, actor: User, rectification: Rectification, closing_note: str
) -> Rectification:
    """The rectification is verified as done."""
    _require_manager(actor, rectification.partner)
    closing_note = (closing_note or "").strip()
    if not closing_note:
        raise ValidationError({"closing_note": _("Say how the rectification was verified.")})
    with transaction.atomic():
        locked = state.locked(rectification)
        state.transition_check(locked, RectStatus.CLOSED, RECTIFICATION_TRANSITIONS)
        before = snapshot(locked)
        locked.status = RectStatus.CLOSED
        locked.closing_note = closing_note
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closing_note", "closed_at"])
        audit_updated(actor=actor, obj=locked, before=before)
    return locked


def rectification_escalate(
    *, actor: User, rectification: Rectification, reason: str
) -> ApprovalRequest:
    """The rectification was not done: ask for the partner's exit. The rectification is set
    to "led to exit" when the exit is approved."""
    state.transition_check(rectification, RectStatus.EXIT, RECTIFICATION_TRANSITIONS)
    return partner_exit_request(
        actor=actor, partner=rectification.partner, reason=reason, rectification=rectification
    )


# --- exit -----------------------------------------------------------------------------------


def partner_exit_request(
    *, actor: User, partner: Partner, reason: str, rectification: Rectification | None = None
) -> ApprovalRequest:
    """Ask for the partner to leave the channel: its regional manager, then the director."""
    if not partner_can_manage(actor, partner):
        raise PermissionDenied(_("You cannot change this partner."))
    if partner.status not in EXIT_FROM:
        raise ValidationError(_("This partner has already left the channel."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the exit.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("Keep the reason under 2000 characters.")})
    with transaction.atomic():
        approval = approval_start(
            actor=actor,
            target=partner,
            kind=PARTNER_EXIT,
            title=gettext_lazy("Exit of partner %(name)s"),
            title_params={"name": partner.name},
            steps=[
                StepSpec(
                    name=gettext_lazy("Regional manager review"), role=Role.Code.REGIONAL_MANAGER
                ),
                StepSpec(name=gettext_lazy("Channel director approval"), role=Role.Code.DIRECTOR),
            ],
            payload={
                "reason": reason,
                "rectification": rectification.pk if rectification else None,
            },
        )
        audit_record(
            actor=actor,
            obj=partner,
            action=AuditEntry.Action.UPDATE,
            note=_("exit requested: approval #%(pk)s") % {"pk": approval.pk},
        )
    return approval


def partner_exit_approved(*, approval: ApprovalRequest, actor: User) -> None:
    """Approval hook (inside the deciding transaction): the partner leaves, its users are
    deactivated and its open rectifications end in the exit. Nothing is deleted."""
    partner = Partner.objects.select_for_update().get(pk=approval.object_id)
    if partner.status not in EXIT_FROM:
        raise ConflictError(_("This partner has already left the channel."))
    now = timezone.now()
    before = snapshot(partner)
    partner.status = Partner.Status.EXITED
    partner.exited_at = now
    partner.exit_reason = (approval.payload or {}).get("reason", "")
    partner.save(update_fields=["status", "exited_at", "exit_reason", "updated_at"])
    audit_updated(
        actor=actor, obj=partner, before=before, note=_("approval #%(pk)s") % {"pk": approval.pk}
    )
    for user in partner.users.filter(is_active=True):
        user_before = snapshot(user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_updated(actor=actor, obj=user, before=user_before, note=_("partner exited"))
    for rectification in partner.rectifications.select_for_update().filter(status=RectStatus.OPEN):
        state.transition_check(rectification, RectStatus.EXIT, RECTIFICATION_TRANSITIONS)
        rect_before = snapshot(rectification)
        rectification.status = RectStatus.EXIT
        rectification.closed_at = now
        rectification.save(update_fields=["status", "closed_at"])
        audit_updated(actor=actor, obj=rectification, before=rect_before)
    transaction.on_commit(lambda: _notify_exit(partner))


def _notify_exit(partner: Partner) -> None:
    notify(
        recipients=[partner.owner],
        title=gettext_lazy("%(partner)s has left the channel"),
        body=gettext_lazy("Its users can no longer log in. Reason: %(reason)s"),
        params={"partner": partner.name, "reason": partner.exit_reason},
        url=partner.get_absolute_url(),
    )


def _partner_exit_panel(approval, viewer):
    from ..selectors.approvals import partner_exit_panel

    return partner_exit_panel(approval, viewer)


# Registered in the app's ready() (core.hooks.approval_kind).
PARTNER_EXIT_KIND = ApprovalKind(
    code=PARTNER_EXIT,
    label=gettext_lazy("Partner exit"),
    on_approved=approval_hook(partner_exit_approved),
    panel=_partner_exit_panel,
)
