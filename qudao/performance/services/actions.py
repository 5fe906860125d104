"""Corrective actions (整改/闭环): from any finding to a verified closure.

open → submitted (the owner reports what was done, with evidence) → closed (the raiser verifies)
            ↑___________ rejected by the raiser, with a reason ___|
open / submitted → cancelled (the raiser withdraws it, with a reason)

The raiser verifies, never the owner: the database refuses an action whose owner is its raiser,
and verification by anyone else is refused here. An open action past its due date escalates to
the owner's manager once (the worker, `actions_escalate_overdue`). An action closes on time when
the owner finished by the due date and the raiser verified it; the closure rate (闭环率) counts
those among the actions due (selectors.actions.closure_counts).
"""

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import scopes, state
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import AuditEntry, Region, Role, User
from qudao.core.numbering import next_number
from qudao.core.services.audit import audit_created, audit_record, audit_updated, snapshot
from qudao.core.services.notifications import notify
from qudao.partners.models import Partner

from ..models import CorrectiveAction
from .common import is_hq_planner, region_can_manage

NUMBER_PREFIX = "ZG"
Status = CorrectiveAction.Status
# The one map of allowed moves of a corrective action (checked by core.state).
TRANSITIONS = {
    Status.OPEN: {Status.SUBMITTED, Status.CANCELLED},
    Status.SUBMITTED: {Status.CLOSED, Status.OPEN, Status.CANCELLED},
    Status.CLOSED: set(),
    Status.CANCELLED: set(),
}


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or ""))
    except ValueError:
        return None


def action_can_raise(user: User, *, partner: Partner | None, region: Region | None) -> bool:
    """Vendor staff raise actions on units in their scope; HQ also on the whole company."""
    if not user.is_authenticated or not user.is_active or user.is_partner_user:
        return False
    if partner is not None:
        return scopes.can_see(user, partner)
    if region is not None:
        return region_can_manage(user, region)
    return is_hq_planner(user) or scopes.sees_everything(user)


def action_create(
    *, actor: User, data: dict[str, Any], source: Model | None = None
) -> CorrectiveAction:
    """Raise an action: title, owner, due date (today or later), optional plan, source kind and
    reference, and the unit (partner, or region/office; neither: the company)."""
    errors: dict[str, str] = {}
    title = (data.get("title") or "").strip()
    if not title:
        errors["title"] = _("Describe the finding.")
    elif len(title) > 200:
        errors["title"] = _("Keep the finding to 200 characters.")
    source_kind = data.get("source_kind") or CorrectiveAction.SourceKind.OTHER
    if source_kind not in CorrectiveAction.SourceKind.values:
        errors["source_kind"] = _("Choose where the finding comes from.")
    partner = data.get("partner")
    if partner not in (None, "") and not isinstance(partner, Partner):
        partner = Partner.objects.filter(pk=partner).first() if str(partner).isdigit() else None
        if partner is None:
            errors["partner"] = _("Choose a partner.")
    partner = partner or None
    region = data.get("region")
    if region not in (None, "") and not isinstance(region, Region):
        region = Region.objects.filter(pk=region).first() if str(region).isdigit() else None
        if region is None:
            errors["region"] = _("Choose a region or office.")
    region = region or None
    owner = data.get("owner")
    if owner not in (None, "") and not isinstance(owner, User):
        owner = User.objects.filter(pk=owner).first() if str(owner).isdigit() else None
    if not owner:
        errors["owner"] = _("Choose who carries the action out.")
    elif not owner.is_active:
        errors["owner"] = _("This user is no longer active.")
    elif owner.pk == actor.pk:
        errors["owner"] = _("You verify the action you raise, so someone else must own it.")
    elif owner.is_partner_user and (partner is None or owner.partner_id != partner.pk):
        errors["owner"] = _("A partner's user can only own actions of their own partner.")
    due_date = _date(data.get("due_date"))
    if due_date is None:
        errors["due_date"] = _("Set the due date.")
    elif due_date < timezone.localdate():
        errors["due_date"] = _("The due date cannot be in the past.")
    plan = (data.get("plan") or "").strip()
    if len(plan) > 5000:
        errors["plan"] = _("Keep the plan under 5000 characters.")
    source_ref = (data.get("source_ref") or "").strip()[:200]
    if errors:
        raise ValidationError(errors)
    if not action_can_raise(actor, partner=partner, region=region):
        raise PermissionDenied(_("You cannot raise actions for this unit."))
    with transaction.atomic():
        action = CorrectiveAction.objects.create(
            number=next_number(NUMBER_PREFIX),
            title=title,
            source_kind=source_kind,
            source_type=ContentType.objects.get_for_model(source) if source is not None else None,
            source_id=str(source.pk) if source is not None else "",
            source_ref=source_ref,
            partner=partner,
            region=partner.region if partner else region,
            owner=owner,
            raised_by=actor,
            due_date=due_date,
            plan=plan,
        )
        audit_created(actor=actor, obj=action)
        transaction.on_commit(
            lambda: _tell(
                [action.owner],
                action,
                gettext_lazy("Corrective action for you: %(title)s (due %(due)s)"),
            )
        )
    return action


def _tell(recipients, action: CorrectiveAction, title, body="") -> None:
    notify(
        recipients=recipients,
        title=title,
        body=body,
        params={"title": action.title, "due": action.due_date.isoformat(), "number": action.number},
        url=action.get_absolute_url(),
    )


def action_plan_update(*, actor: User, action: CorrectiveAction, plan: str) -> CorrectiveAction:
    """The owner writes or changes the plan while the action is open."""
    if actor.pk != action.owner_id:
        raise PermissionDenied(_("Only the owner writes the plan."))
    plan = (plan or "").strip()
    if len(plan) > 5000:
        raise ValidationError({"plan": _("Keep the plan under 5000 characters.")})
    with transaction.atomic():
        locked = state.locked(action)
        if locked.status != Status.OPEN:
            raise ConflictError(_("The plan can only change while the action is open."))
        before = snapshot(locked)
        locked.plan = plan
        locked.save(update_fields=["plan", "updated_at"])
        audit_updated(actor=actor, obj=locked, before=before)
    return locked


def action_submit(*, actor: User, action: CorrectiveAction, evidence: str) -> CorrectiveAction:
    """The owner reports the action done, with the evidence; the raiser then verifies it."""
    if actor.pk != action.owner_id:
        raise PermissionDenied(_("Only the owner reports the action done."))
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationError({"evidence": _("Say what was done and where the evidence is.")})
    if len(evidence) > 5000:
        raise ValidationError({"evidence": _("Keep the evidence under 5000 characters.")})
    with transaction.atomic():
        locked = state.locked(action)
        locked.evidence = evidence
        locked.submitted_at = timezone.now()
        state.transition(
            locked,
            Status.SUBMITTED,
            TRANSITIONS,
            actor=actor,
            also=("evidence", "submitted_at", "updated_at"),
        )
        transaction.on_commit(
            lambda: _tell(
                [locked.raised_by],
                locked,
                gettext_lazy("Verify the corrective action %(number)s: %(title)s"),
            )
        )
    return locked


def _require_raiser(actor: User, action: CorrectiveAction) -> None:
    if actor.pk == action.owner_id:
        raise PermissionDenied(_("The owner cannot verify their own action."))
    if actor.pk != action.raised_by_id:
        raise PermissionDenied(_("Only the person who raised the action verifies it."))


def action_verify(*, actor: User, action: CorrectiveAction, note: str = "") -> CorrectiveAction:
    """The raiser confirms the action is done: it is closed, on time if the owner finished by the
    due date."""
    _require_raiser(actor, action)
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": _("Keep the note under 2000 characters.")})
    with transaction.atomic():
        locked = state.locked(action)
        # Checked first: only a submitted action has the finishing date read below.
        state.transition_check(locked, Status.CLOSED, TRANSITIONS)
        locked.closed_at = timezone.now()
        done_on = timezone.localtime(locked.submitted_at).date()
        locked.closed_on_time = done_on <= locked.due_date
        locked.verification_note = note
        state.transition(
            locked,
            Status.CLOSED,
            TRANSITIONS,
            actor=actor,
            note=note[:200],
            also=("closed_at", "closed_on_time", "verification_note", "updated_at"),
        )
        transaction.on_commit(
            lambda: _tell(
                [locked.owner], locked, gettext_lazy("Action %(number)s verified and closed")
            )
        )
    return locked


def action_reject(*, actor: User, action: CorrectiveAction, note: str) -> CorrectiveAction:
    """The raiser is not satisfied: the action goes back to the owner, with the reason."""
    _require_raiser(actor, action)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what is still missing.")})
    with transaction.atomic():
        locked = state.locked(action)
        locked.verification_note = note
        state.transition(
            locked,
            Status.OPEN,
            TRANSITIONS,
            actor=actor,
            note=note[:200],
            also=("verification_note", "updated_at"),
        )
        transaction.on_commit(
            lambda: _tell(
                [locked.owner],
                locked,
                gettext_lazy("Action %(number)s sent back: %(title)s"),
                note,
            )
        )
    return locked


def action_cancel(*, actor: User, action: CorrectiveAction, reason: str) -> CorrectiveAction:
    if actor.pk != action.raised_by_id:
        raise PermissionDenied(_("Only the person who raised the action withdraws it."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    with transaction.atomic():
        locked = state.locked(action)
        locked.verification_note = reason
        state.transition(
            locked,
            Status.CANCELLED,
            TRANSITIONS,
            actor=actor,
            note=reason[:200],
            also=("verification_note", "updated_at"),
        )
    return locked


def manager_of(owner: User, action: CorrectiveAction) -> User | None:
    """Whom an overdue action escalates to: a partner user's channel manager; a vendor user's
    regional manager (of the owner's region, else the action's); else a channel director."""
    if owner.is_partner_user:
        partner = owner.partner
        if partner and partner.owner.is_active and partner.owner_id != owner.pk:
            return partner.owner
    for region in (owner.region, action.region):
        if region is None:
            continue
        top = region.parent_id or region.pk
        manager = (
            User.objects.filter(
                roles__code=Role.Code.REGIONAL_MANAGER, region_id=top, is_active=True, partner=None
            )
            .exclude(pk=owner.pk)
            .order_by("pk")
            .first()
        )
        if manager is not None:
            return manager
    return (
        User.objects.filter(roles__code=Role.Code.DIRECTOR, is_active=True, partner=None)
        .exclude(pk=owner.pk)
        .order_by("pk")
        .first()
    )


def actions_escalate_overdue(today: datetime.date | None = None) -> int:
    """Escalate each open action past its due date to the owner's manager — once."""
    today = today or timezone.localdate()
    overdue = CorrectiveAction.objects.select_related(
        "owner__partner__owner", "owner__region", "region"
    ).filter(status=Status.OPEN, due_date__lt=today, escalated_at=None)
    count = 0
    for action in overdue:
        manager = manager_of(action.owner, action)
        with transaction.atomic():
            won = CorrectiveAction.objects.filter(pk=action.pk, escalated_at=None).update(
                escalated_at=timezone.now(), escalated_to=manager
            )
            if not won:
                continue
            audit_record(
                actor=None,
                obj=action,
                action=AuditEntry.Action.UPDATE,
                changes={"escalated_to": [None, str(manager) if manager else None]},
                note=_("overdue"),
            )
            recipients = [action.owner] + ([manager] if manager else [])
            transaction.on_commit(
                lambda a=action, r=recipients: _tell(
                    r,
                    a,
                    gettext_lazy("Overdue corrective action %(number)s: %(title)s (due %(due)s)"),
                )
            )
        count += 1
    return count
