"""Approvals, reused by every module: start a chain on any object, decide its steps one by one.

A module registers an `ApprovalKind` with what to do when a request ends (approved, rejected,
returned); those hooks run in the deciding transaction, so the object and the approval change
together or not at all. Two people deciding the same step at once: the request row is locked
and its version checked, so exactly one decision wins and the other gets a ConflictError.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import hooks, scopes
from ..errors import ConflictError, PermissionDenied, ValidationError
from ..messages import Message, encode_params, message_key
from ..models import ApprovalEvent, ApprovalRequest, ApprovalStep, User
from .notifications import notify

Hook = Callable[[ApprovalRequest, User], None]


@dataclass(frozen=True)
class ApprovalKind:
    code: str
    label: Any
    on_approved: Hook | None = None
    on_rejected: Hook | None = None
    on_returned: Hook | None = None
    on_cancelled: Hook | None = None  # the requester withdrew it
    # What is being decided, shown on the approval page above the decision: (approval, viewer)
    # -> (template name, its context), or None. Reads only what the viewer may see.
    panel: Callable[[ApprovalRequest, User], tuple[str, dict] | None] | None = None
    # Extra fields the decision form asks for: (approval, decider) -> {name: form field}. Their
    # values reach `check_decision` as `extra` (approval_decide's `extra`).
    decision_fields: Callable[[ApprovalRequest, User], dict[str, Any]] | None = None
    # (approval, decider, decision, extra) -> None, run by approval_decide under the row lock
    # before the step is decided: raise ValidationError({field: message}) to refuse (nothing
    # changes); it may record `extra` on the approval (its payload).
    check_decision: Callable[[ApprovalRequest, User, str, dict], None] | None = None
    # The money amount a list shows for the approval's object (loaded): object -> Decimal|None.
    amount: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class StepSpec:
    """One step: decided by `approver`, or by anyone with `role` who can see the object."""

    name: Any
    role: str = ""
    approver: User | None = None


def kind_label(code: str) -> str:
    kind = hooks.approval_kinds().get(code)
    return str(kind.label) if kind else code


class Decision:
    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"
    ALL = (APPROVE, REJECT, RETURN)


def approval_start(
    *,
    actor: User,
    target: Model,
    kind: str,
    title: Any,
    steps: list[StepSpec],
    payload: dict[str, Any] | None = None,
    title_params: dict[str, Any] | None = None,
) -> ApprovalRequest:
    """`title` is best a lazy translation with %(name)s placeholders filled from `title_params`:
    the request keeps both (core.messages) and shows the title in each reader's language."""
    if kind not in hooks.approval_kinds():
        raise ValidationError(_("Unknown approval type: %(kind)s") % {"kind": kind})
    if not steps:
        raise ValidationError(_("An approval needs at least one step."))
    if any(not (step.role or step.approver) for step in steps):
        raise ValidationError(_("Every approval step needs a role or a named approver."))
    if not scopes.can_see(actor, target):
        raise PermissionDenied(_("You cannot request an approval on this object."))
    try:
        with transaction.atomic():
            approval = ApprovalRequest.objects.create(
                kind=kind,
                title=str(Message(title, title_params))[:200],
                title_key=message_key(title),
                title_params=encode_params(title_params) if message_key(title) else {},
                content_type=ContentType.objects.get_for_model(target),
                object_id=str(target.pk),
                requested_by=actor,
                payload=payload or {},
            )
            ApprovalStep.objects.bulk_create(
                ApprovalStep(
                    request=approval,
                    order=index,
                    name=str(spec.name)[:100],
                    name_key=message_key(spec.name),
                    role=spec.role,
                    approver=spec.approver,
                    status=ApprovalStep.Status.PENDING
                    if index == 0
                    else ApprovalStep.Status.WAITING,
                )
                for index, spec in enumerate(steps)
            )
            ApprovalEvent.objects.create(
                request=approval, actor=actor, action=ApprovalEvent.Action.SUBMITTED
            )
    except IntegrityError:
        raise ValidationError(
            _("An approval of this type is already open for this object.")
        ) from None
    transaction.on_commit(lambda: _notify_current_approvers(approval))
    return approval


def step_current(approval: ApprovalRequest) -> ApprovalStep | None:
    return approval.steps.filter(status=ApprovalStep.Status.PENDING).order_by("order").first()


def step_approvers(step: ApprovalStep) -> list[User]:
    """The people who may decide `step` now: its named approver, or the role holders in scope."""
    if step.approver_id:
        return [step.approver] if step.approver.is_active else []
    target = step.request.target
    holders = User.objects.filter(roles__code=step.role, is_active=True, partner__isnull=True)
    return [user for user in holders.distinct() if target and scopes.can_see(user, target)]


def can_decide(user: User, step: ApprovalStep | None) -> bool:
    if step is None or step.status != ApprovalStep.Status.PENDING or not user.is_active:
        return False
    if step.approver_id:
        return step.approver_id == user.pk
    if user.is_partner_user or not user.has_role(step.role):
        return False
    target = step.request.target
    return target is not None and scopes.can_see(user, target)


def approval_decide(
    *,
    actor: User,
    approval: ApprovalRequest,
    decision: str,
    comment: str = "",
    version: int | None = None,
    extra: dict[str, Any] | None = None,
) -> ApprovalRequest:
    """Approve, reject or return the current step. Reject and return need a reason; the
    kind's `check_decision` may ask for more (`extra`: its `decision_fields`' values).

    `version` is the approval's version the decider saw; another one is a ConflictError. A
    caller that sends none (the API's `version` is optional) should pass its own read's: the
    pages and the API do, so that the loser of a race is told it lost (409) whether or not the
    client sent a version. Without one, the loser still gets a ConflictError rather than a
    refusal when the winner moved the chain on to a step the loser may not decide."""
    comment = (comment or "").strip()
    if decision not in Decision.ALL:
        raise ValidationError({"decision": _("Choose approve, reject or return.")})
    if decision != Decision.APPROVE and not comment:
        raise ValidationError({"comment": _("Give a reason when you reject or return.")})
    with transaction.atomic():
        locked = ApprovalRequest.objects.select_for_update().get(pk=approval.pk)
        if locked.status != ApprovalRequest.Status.PENDING:
            raise ConflictError(
                _("This approval has already been decided (%(status)s).")
                % {"status": locked.get_status_display()}
            )
        if version is not None and locked.version != version:
            raise ConflictError(
                _("Someone else has acted on this approval meanwhile; reload and try again.")
            )
        step = step_current(locked)
        if not can_decide(actor, step):
            if locked.version != approval.version:
                # The chain moved on after the caller read `approval` (without a `version`):
                # they lost a race for the step they saw, which is a conflict, not a refusal.
                raise ConflictError(
                    _("Someone else has acted on this approval meanwhile; reload and try again.")
                )
            raise PermissionDenied(_("You are not an approver of the current step."))
        kind = hooks.approval_kinds().get(locked.kind)
        if kind and kind.check_decision:
            kind.check_decision(locked, actor, decision, dict(extra or {}))
        now = timezone.now()
        new_status = {
            Decision.APPROVE: ApprovalStep.Status.APPROVED,
            Decision.REJECT: ApprovalStep.Status.REJECTED,
            Decision.RETURN: ApprovalStep.Status.RETURNED,
        }[decision]
        won = ApprovalStep.objects.filter(pk=step.pk, status=ApprovalStep.Status.PENDING).update(
            status=new_status, decided_by=actor, decided_at=now, comment=comment
        )
        bumped = ApprovalRequest.objects.filter(pk=locked.pk, version=locked.version).update(
            version=F("version") + 1, updated_at=now
        )
        if not (won and bumped):
            raise ConflictError(_("Someone else decided this step first; reload to see it."))
        ApprovalEvent.objects.create(
            request=locked, step=step, actor=actor, action=new_status, comment=comment
        )
        locked.refresh_from_db()
        if decision == Decision.APPROVE:
            following = locked.steps.filter(status=ApprovalStep.Status.WAITING).order_by("order")
            next_step = following.first()
            if next_step is not None:
                next_step.status = ApprovalStep.Status.PENDING
                next_step.save(update_fields=["status"])
                transaction.on_commit(lambda: _notify_current_approvers(locked))
            else:
                _finish(locked, ApprovalRequest.Status.APPROVED, now)
                if kind and kind.on_approved:
                    kind.on_approved(locked, actor)
                transaction.on_commit(lambda: _notify_requester(locked, actor))
        else:
            if decision == Decision.REJECT:
                locked.steps.filter(status=ApprovalStep.Status.WAITING).update(
                    status=ApprovalStep.Status.CANCELLED
                )
                _finish(locked, ApprovalRequest.Status.REJECTED, now)
                hook = kind.on_rejected if kind else None
            else:
                locked.status = ApprovalRequest.Status.RETURNED
                locked.save(update_fields=["status"])
                hook = kind.on_returned if kind else None
            if hook:
                hook(locked, actor)
            transaction.on_commit(lambda: _notify_requester(locked, actor))
    return locked


def _finish(approval: ApprovalRequest, status: str, now) -> None:
    approval.status = status
    approval.decided_at = now
    approval.save(update_fields=["status", "decided_at"])


def approval_resubmit(
    *, actor: User, approval: ApprovalRequest, comment: str = ""
) -> ApprovalRequest:
    """The requester sends a returned request again; the chain starts over from its first step."""
    with transaction.atomic():
        locked = ApprovalRequest.objects.select_for_update().get(pk=approval.pk)
        if locked.requested_by_id != actor.pk:
            raise PermissionDenied(_("Only the requester can resubmit."))
        if locked.status != ApprovalRequest.Status.RETURNED:
            raise ConflictError(_("Only a returned approval can be resubmitted."))
        steps = list(locked.steps.order_by("order"))
        for index, step in enumerate(steps):
            step.status = ApprovalStep.Status.PENDING if index == 0 else ApprovalStep.Status.WAITING
            step.decided_by, step.decided_at, step.comment = None, None, ""
        ApprovalStep.objects.bulk_update(steps, ["status", "decided_by", "decided_at", "comment"])
        locked.status = ApprovalRequest.Status.PENDING
        locked.version = F("version") + 1
        locked.save(update_fields=["status", "version", "updated_at"])
        locked.refresh_from_db()
        ApprovalEvent.objects.create(
            request=locked, actor=actor, action=ApprovalEvent.Action.RESUBMITTED, comment=comment
        )
    transaction.on_commit(lambda: _notify_current_approvers(locked))
    return locked


def approval_cancel(
    *, actor: User, approval: ApprovalRequest, comment: str = ""
) -> ApprovalRequest:
    with transaction.atomic():
        locked = ApprovalRequest.objects.select_for_update().get(pk=approval.pk)
        if locked.requested_by_id != actor.pk:
            raise PermissionDenied(_("Only the requester can withdraw an approval."))
        if not locked.is_open:
            raise ConflictError(_("This approval is already closed."))
        locked.steps.filter(
            status__in=[ApprovalStep.Status.PENDING, ApprovalStep.Status.WAITING]
        ).update(status=ApprovalStep.Status.CANCELLED)
        _finish(locked, ApprovalRequest.Status.CANCELLED, timezone.now())
        ApprovalRequest.objects.filter(pk=locked.pk).update(version=F("version") + 1)
        ApprovalEvent.objects.create(
            request=locked, actor=actor, action=ApprovalEvent.Action.CANCELLED, comment=comment
        )
        kind = hooks.approval_kinds().get(locked.kind)
        if kind and kind.on_cancelled:
            kind.on_cancelled(locked, actor)
    return locked


def approval_comment(*, actor: User, approval: ApprovalRequest, comment: str) -> ApprovalEvent:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("The comment is empty.")})
    if len(comment) > 2000:
        raise ValidationError({"comment": _("Keep the comment under 2000 characters.")})
    return ApprovalEvent.objects.create(
        request=approval, actor=actor, action=ApprovalEvent.Action.COMMENTED, comment=comment
    )


def _approval_url(approval: ApprovalRequest) -> str:
    return reverse("core:approval-detail", args=[approval.pk])


def _notify_current_approvers(approval: ApprovalRequest) -> None:
    step = step_current(approval)
    if step is None:
        return
    notify(
        recipients=step_approvers(step),
        title=gettext_lazy("Approval waiting for you: %(title)s"),
        body=gettext_lazy("Step: %(step)s. Requested by %(requester)s."),
        params={
            "title": approval.title_message,
            "step": step.name_message,
            "requester": approval.requested_by,
        },
        url=_approval_url(approval),
    )


def _notify_requester(approval: ApprovalRequest, actor: User) -> None:
    notify(
        recipients=[approval.requested_by],
        title=gettext_lazy("Your approval was decided: %(title)s"),
        body=gettext_lazy("%(actor)s: %(status)s."),
        params={
            "title": approval.title_message,
            "actor": actor,
            "status": ApprovalRequest.Status(approval.status).label,
        },
        url=_approval_url(approval),
    )


def approval_open(obj: Model, kind: str) -> ApprovalRequest | None:
    """The pending or returned approval of `kind` on `obj`, the latest if there are several (a
    kind belongs to one model, so the kind and the id find it)."""
    return (
        ApprovalRequest.objects.filter(
            kind=kind,
            object_id=str(obj.pk),
            status__in=[ApprovalRequest.Status.PENDING, ApprovalRequest.Status.RETURNED],
        )
        .order_by("-created_at", "-id")
        .first()
    )
