"""The review decision (first valid registration wins unless overridden with a reason) and the
hooks of the review approval, which run in the deciding transaction."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core.errors import ConflictError, ValidationError
from qudao.core.models import ApprovalRequest, User
from qudao.core.services.approvals import (
    ApprovalKind,
    Decision,
    approval_decide,
    approval_open,
    can_decide,
    step_current,
)

from ..models import Registration
from .conflicts import Conflict, earlier_claims, registration_conflicts
from .rules import protection_terms
from .state import REVIEW, Status, is_partner_member, notify_partner, transition


def registration_can_decide(
    user: User, registration: Registration, review: ApprovalRequest | None
) -> bool:
    """`user` may decide the current step of `registration`'s open review (or None) now: the
    approval kit's rule (`can_decide`), which `approval_decide` applies under the row lock."""
    return (
        review is not None
        and review.status == ApprovalRequest.Status.PENDING
        and not is_partner_member(user, registration.partner_id)
        and can_decide(user, step_current(review))
    )


def registration_decide(
    *,
    actor: User,
    registration: Registration,
    decision: str,
    comment: str = "",
    override_reason: str = "",
    version: int | None = None,
) -> Registration:
    """Decide the current review step. Approving a registration whose customer another partner
    claimed first is refused, at every step, unless the approver gives `override_reason`
    (`_check_review_decision`, which the approvals page's decision runs too)."""
    approval = approval_open(registration, REVIEW)
    if approval is None or approval.status != ApprovalRequest.Status.PENDING:
        raise ConflictError(
            _("This registration is %(status)s; there is nothing to decide.")
            % {"status": registration.get_status_display()}
        )
    with transaction.atomic():
        locked = ApprovalRequest.objects.select_for_update().get(pk=approval.pk)
        approval_decide(
            actor=actor,
            approval=locked,
            decision=decision,
            comment=comment,
            # Without a version, the one read above, before the lock: when another decision
            # lands in between, this one lost the race (409), whoever holds the next step.
            version=approval.version if version is None else version,
            extra={"override_reason": override_reason},
        )
    return Registration.objects.get(pk=registration.pk)


def review_needs_override(registration: Registration) -> bool:
    """Approving `registration` would put it before another partner's earlier claim of the
    customer (first valid registration wins): the approver must give an override reason."""
    return bool(earlier_claims(registration, registration_conflicts(registration=registration)))


def _check_review_decision(
    approval: ApprovalRequest, actor: User, decision: str, extra: dict
) -> None:
    """Every approving step of a review that overrides an earlier claim needs the reason (not
    only the last one, whose hook ends the earlier claim); it is kept on the approval, the
    latest step's, for that hook and the history. Runs in approval_decide, under its lock."""
    reason = (extra.get("override_reason") or "").strip()[:500]
    if decision == Decision.APPROVE and not reason:
        registration = Registration.objects.get(pk=approval.object_id)
        if review_needs_override(registration):
            raise ValidationError(
                {
                    "override_reason": _(
                        "Another partner registered this customer first: give the override "
                        "reason to approve this registration."
                    )
                }
            )
    if reason and decision == Decision.APPROVE:
        approval.payload = {**(approval.payload or {}), "override_reason": reason}
        approval.save(update_fields=["payload"])


def _review_decision_fields(approval: ApprovalRequest, actor: User) -> dict:
    """The override reason, on the approvals page, when approving would need one."""
    from ..forms.review import override_reason_field

    registration = Registration.objects.filter(pk=approval.object_id).first()
    if registration is None or not review_needs_override(registration):
        return {}
    return {"override_reason": override_reason_field(required=False)}


def _review_panel(approval: ApprovalRequest, viewer: User):
    from ..selectors.approvals import review_panel

    return review_panel(approval, viewer)


def _locked_with_claims(pk: int) -> tuple[Registration, list[Conflict]]:
    """The registration `pk` and every registration it conflicts with, locked in the order of
    their ids, then the claims that came first, read again under those locks.

    Two reviews of one customer approved at once (the first claim, and a later one with an
    override) each lock both registrations, in the same order: the second waits for the first
    and then sees its decision, so one claim stays live. Locking only one's own registration
    first would let each read the other as merely submitted and approve both."""
    conflicts = registration_conflicts(registration=Registration.objects.get(pk=pk))
    locked_ids: set[int] = set()
    while True:
        wanted = {pk, *(conflict.registration.pk for conflict in conflicts)} - locked_ids
        if not wanted:
            break
        locked_ids |= set(
            Registration.objects.select_for_update()
            .filter(pk__in=sorted(wanted))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # Read again under the locks: a claim may have been approved or ended meanwhile.
        registration = Registration.objects.select_related("partner").get(pk=pk)
        conflicts = registration_conflicts(registration=registration)
    return registration, earlier_claims(registration, conflicts)


def _end_claim(pk: int, *, actor: User, reason: str) -> None:
    """End an approved claim that an override put another registration before (locked by the
    caller): its protection ends (expired), the override reason goes into its history, and its
    partner and channel manager are told, without the other registration's number or partner
    (a partner learns of others' claims only that they exist).

    A claim already won is not a claim any more (a won registration leaves the conflict check,
    and its project stands: the deal is signed); it appears to the reviewer as a conflict with
    the vendor's project, which an override does not touch. Only approved claims end here; an
    earlier one still in review stays there, and approving it later needs an override in turn.
    """
    other = Registration.objects.select_related("partner").get(pk=pk)
    if other.status != Status.APPROVED:
        return
    note = _("ended by an override: %(reason)s") % {"reason": reason}
    transition(other, Status.EXPIRED, actor=actor, note=note[:200])
    transaction.on_commit(
        lambda: notify_partner(
            other,
            gettext_lazy("Protection ended: %(number)s %(customer)s"),
            gettext_lazy(
                "After review, another registration of this customer was approved instead. "
                "Reason: %(reason)s"
            ),
            {"reason": reason},
            owner=True,
        )
    )


def _on_review_approved(approval: ApprovalRequest, actor: User) -> None:
    registration, blocking = _locked_with_claims(int(approval.object_id))
    override = (approval.payload or {}).get("override_reason", "")
    if blocking and not override:
        raise ConflictError(
            _(
                "Another partner registered this customer first (%(level)s, %(number)s); "
                "give an override reason to approve this one instead."
            )
            % {"level": blocking[0].level.label, "number": blocking[0].registration.number}
        )
    terms = protection_terms(registration)
    now = timezone.now()
    registration.protection_until = timezone.localdate() + datetime.timedelta(
        days=terms.protection_days
    )
    registration.update_interval_days = terms.update_interval_days
    registration.last_progress_at = now
    registration.progress_due_at = now + datetime.timedelta(days=terms.update_interval_days)
    registration.stale_warned_at = None
    note = (_("override: %(reason)s") % {"reason": override}) if blocking else ""
    transition(registration, Status.APPROVED, actor=actor, note=note[:200])
    # One claim per customer: the approved claims this override puts it before end with it.
    ended = [c for c in blocking if c.registration.status == Status.APPROVED]
    for conflict in ended:
        _end_claim(conflict.registration.pk, actor=actor, reason=override)
    body = gettext_lazy("Protected until %(until)s.")
    if ended:
        body = gettext_lazy(
            "Protected until %(until)s. Another partner's earlier claim of this customer has ended."
        )
    transaction.on_commit(
        lambda: notify_partner(
            registration,
            gettext_lazy("Registration approved: %(number)s %(customer)s"),
            body,
            {"until": registration.protection_until.isoformat()},
        )
    )


def _last_comment(approval: ApprovalRequest) -> str:
    step = approval.steps.exclude(comment="").order_by("-decided_at", "-order").first()
    return step.comment if step else ""


def _send_back(approval: ApprovalRequest, actor: User, to: str, subject, body) -> None:
    """The review ended without approval: the registration moves `to` its state, with the
    reviewer's last comment as the reason the partner is told."""
    registration = Registration.objects.select_for_update().get(pk=approval.object_id)
    reason = _last_comment(approval)
    transition(registration, to, actor=actor, note=reason[:200])
    transaction.on_commit(lambda: notify_partner(registration, subject, body, {"reason": reason}))


def _on_review_rejected(approval: ApprovalRequest, actor: User) -> None:
    _send_back(
        approval,
        actor,
        Status.REJECTED,
        gettext_lazy("Registration rejected: %(number)s %(customer)s"),
        gettext_lazy("Reason: %(reason)s"),
    )


def _on_review_returned(approval: ApprovalRequest, actor: User) -> None:
    _send_back(
        approval,
        actor,
        Status.INFO_REQUESTED,
        gettext_lazy("More information requested: %(number)s %(customer)s"),
        gettext_lazy("%(reason)s"),
    )


def _on_review_cancelled(approval: ApprovalRequest, actor: User) -> None:
    registration = Registration.objects.select_for_update().get(pk=approval.object_id)
    if registration.status in (Status.SUBMITTED, Status.INFO_REQUESTED):
        transition(registration, Status.CANCELLED, actor=actor, note=_last_comment(approval))


# Registered in the app's ready() (core.hooks.approval_kind).
REVIEW_KIND = ApprovalKind(
    code=REVIEW,
    label=gettext_lazy("Deal registration review"),
    on_approved=_on_review_approved,
    on_rejected=_on_review_rejected,
    on_returned=_on_review_returned,
    on_cancelled=_on_review_cancelled,
    panel=_review_panel,
    decision_fields=_review_decision_fields,
    check_decision=_check_review_decision,
    amount=lambda registration: registration.estimated_amount,
)
