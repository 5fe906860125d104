"""Outcome: won (with the `on_won` hook point for the projects module), lost, cancelled."""

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import Role, User
from qudao.core.scopes import visible
from qudao.core.services.approvals import approval_cancel

from ..models import Registration
from .state import (
    REVIEW,
    Status,
    is_partner_member,
    locked,
    notify_partner,
    open_approval,
    transition,
)

# Hook point for later modules (projects): called inside the closing transaction with
# (registration, actor) when a registration is won. Append at import time of your app.
on_won: list[Callable[[Registration, User], None]] = []


class Outcome:
    WON = Status.WON
    LOST = Status.LOST
    CANCELLED = Status.CANCELLED
    ALL = (WON, LOST, CANCELLED)


def registration_close(
    *, actor: User, registration: Registration, outcome: str, reason: str = ""
) -> Registration:
    """Won, lost (with a reason) or cancelled (with a reason), by the partner or its channel
    manager. A won registration calls every `on_won` hook in the same transaction."""
    member = is_partner_member(actor, registration.partner_id)
    manager = not actor.is_partner_user and (
        registration.partner.owner_id == actor.pk
        or visible(Registration.objects.filter(pk=registration.pk), actor).exists()
        and actor.has_role(Role.Code.ADMIN, Role.Code.DIRECTOR)
    )
    if not (member or manager):
        raise PermissionDenied(_("You cannot close this registration."))
    if outcome not in Outcome.ALL:
        raise ValidationError({"outcome": _("Choose won, lost or cancelled.")})
    reason = (reason or "").strip()
    if outcome != Outcome.WON and not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    with transaction.atomic():
        registration = locked(registration)
        approval = open_approval(registration, REVIEW)
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
            for callback in on_won:
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
