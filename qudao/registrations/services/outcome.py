"""Outcome: won (calling the `registration_won` hooks, core.hooks), lost, cancelled."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import hooks
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, User
from qudao.core.roles import LEADERS
from qudao.core.scopes import visible
from qudao.core.services.approvals import approval_cancel, approval_open
from qudao.core.state import locked

from ..models import Registration
from .state import (
    REVIEW,
    Status,
    is_partner_member,
    notify_partner,
    registration_can_transition,
    transition,
)


class Outcome:
    WON = Status.WON
    LOST = Status.LOST
    CANCELLED = Status.CANCELLED
    ALL = (WON, LOST, CANCELLED)


def registration_can_close(user: User, registration: Registration) -> bool:
    """`user` may close `registration`: one of its partner's users, its channel manager (the
    partner's owner), or an admin or director whose scope holds it."""
    if is_partner_member(user, registration.partner_id):
        return True
    if not user.is_authenticated or user.is_partner_user:
        return False
    if registration.partner.owner_id == user.pk:
        return True
    return (
        user.has_role(*LEADERS)
        and visible(Registration.objects.filter(pk=registration.pk), user).exists()
    )


def registration_close_outcomes(
    user: User, registration: Registration, review: ApprovalRequest | None
) -> tuple[str, ...]:
    """The outcomes `user` may close `registration` with now, given its open review (or None):
    the moves the state map allows; a registration in review is withdrawn (cancelled) only by
    whoever submitted it."""
    if not registration_can_close(user, registration):
        return ()
    return tuple(
        outcome
        for outcome in Outcome.ALL
        if registration_can_transition(registration, outcome)
        and not (
            outcome == Outcome.CANCELLED
            and review is not None
            and review.requested_by_id != user.pk
        )
    )


def registration_close(
    *, actor: User, registration: Registration, outcome: str, reason: str = ""
) -> Registration:
    """Won, lost (with a reason) or cancelled (with a reason), by the partner or its channel
    manager. A won registration calls every `core.hooks.registration_won` handler in the same
    transaction."""
    if not registration_can_close(actor, registration):
        raise PermissionDenied(_("You cannot close this registration."))
    if outcome not in Outcome.ALL:
        raise ValidationError({"outcome": _("Choose won, lost or cancelled.")})
    reason = (reason or "").strip()
    if outcome != Outcome.WON and not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    with transaction.atomic():
        registration = locked(registration)
        approval = approval_open(registration, REVIEW)
        if outcome == Outcome.CANCELLED and approval is not None:
            # The review's on_cancelled hook cancels the registration with its audit row.
            if approval.requested_by_id != actor.pk:
                raise PermissionDenied(
                    _("Only the requester can withdraw a registration in review.")
                )
            approval_cancel(actor=actor, approval=approval, comment=reason)
            registration.refresh_from_db()
        else:
            transition(registration, outcome, actor=actor, note=reason[:200])
        if outcome == Outcome.WON:
            for callback in hooks.registration_won_handlers():
                callback(registration, actor)
        transaction.on_commit(
            lambda: notify_partner(
                registration,
                gettext_lazy("Registration closed: %(number)s %(customer)s"),
                gettext_lazy("%(outcome)s. %(reason)s"),
                {"outcome": Status(outcome).label, "reason": reason},
                owner=True,
            )
        )
    return registration
