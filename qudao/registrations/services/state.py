"""What every registration use case shares: the states and their one map of allowed moves
(`transition` checks it with `core.state`, records the state-change audit row and rewrites the
candidate-index keys so that only live registrations block others) and notifying the partner."""

from dataclasses import dataclass, field

from qudao.core import state
from qudao.core.models import User
from qudao.core.services.notifications import notify
from qudao.customers.matching import Level

from ..models import Registration
from .conflicts import Conflict, VendorConflict, registration_keys_refresh

REVIEW = "registration_review"
EXTENSION = "registration_extension"
NUMBER_PREFIX = "BB"
EXTENSION_DAYS = 30
MAX_EXTENSION_DAYS = 180
EXPIRY_NOTICE_DAYS = 7
EXPIRY_NOTICE_NOTE = "expiry notice for %s"
MAX_PRODUCTS = 50

Status = Registration.Status
# The one map of allowed moves of a registration.
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SUBMITTED, Status.CANCELLED},
    Status.SUBMITTED: {Status.APPROVED, Status.REJECTED, Status.INFO_REQUESTED, Status.CANCELLED},
    Status.INFO_REQUESTED: {Status.SUBMITTED, Status.CANCELLED},
    Status.APPROVED: {Status.EXPIRED, Status.WON, Status.LOST, Status.CANCELLED},
    Status.REJECTED: set(),
    Status.EXPIRED: set(),
    Status.WON: set(),
    Status.LOST: set(),
    Status.CANCELLED: set(),
}
EDITABLE = (Status.DRAFT, Status.INFO_REQUESTED)


@dataclass(frozen=True)
class RegistrationResult:
    """A saved or submitted registration with its conflicts at that moment."""

    registration: Registration
    conflicts: list[Conflict]
    vendor_conflicts: list[VendorConflict] = field(default_factory=list)

    @property
    def conflict_level(self) -> Level:
        found = [*self.conflicts, *self.vendor_conflicts]
        return max((c.level for c in found), default=Level.NONE)

    @property
    def conflict_count(self) -> int:
        return len(self.conflicts) + len(self.vendor_conflicts)


# --- permission and state ----------------------------------------------------------------------


def is_partner_member(user: User, partner_id: int) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.is_partner_user
        and user.partner_id == partner_id
    )


def transition(registration: Registration, to: str, *, actor: User | None, note: str = "") -> None:
    """Move `registration` (locked by the caller) to `to` through `core.state.transition` (the
    move checked against TRANSITIONS, saved, audited), then rewrite its candidate-index keys so
    that only live registrations block others."""
    state.transition(registration, to, TRANSITIONS, actor=actor, note=note)
    registration_keys_refresh(registration)


def registration_can_transition(registration: Registration, to: str) -> bool:
    return to in TRANSITIONS.get(registration.status, set())


def _partner_users(partner_id: int) -> list[User]:
    return list(User.objects.filter(partner_id=partner_id, is_active=True))


def notify_partner(registration: Registration, title, body="", params=None, *, owner=False):
    recipients = _partner_users(registration.partner_id)
    if owner:
        recipients.append(registration.partner.owner)
    notify(
        recipients=recipients,
        title=title,
        body=body,
        params={"number": registration.number, "customer": registration.customer_name}
        | (params or {}),
    )
