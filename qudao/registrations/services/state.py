"""What every registration use case shares: the states and their one map of allowed moves
(`transition` checks it, records the state-change audit row and rewrites the candidate-index
keys so that only live registrations block others), locking and notifying the partner."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from qudao.core.errors import ConflictError
from qudao.core.models import ApprovalRequest, AuditEntry, User
from qudao.core.services.audit import audit_record
from qudao.core.services.notifications import notify

from ..matching import Level
from ..models import Registration
from .conflicts import Conflict, VendorConflict, registration_keys_refresh

REVIEW = "registration_review"
EXTENSION = "registration_extension"
NUMBER_PREFIX = "BB"
MAX_AMOUNT = Decimal("10000000000")  # 100亿: anything larger is a typing mistake
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
    """Move `registration` (locked by the caller) to `to`, audited, keys refreshed."""
    before = registration.status
    if to not in TRANSITIONS.get(before, set()):
        raise ConflictError(
            _("This registration is %(status)s; it cannot become %(to)s.")
            % {"status": registration.get_status_display(), "to": Status(to).label}
        )
    registration.status = to
    registration.save()
    audit_record(
        actor=actor,
        obj=registration,
        action=AuditEntry.Action.STATE,
        changes={"status": [before, to]},
        note=note,
    )
    registration_keys_refresh(registration)


def locked(registration: Registration) -> Registration:
    return Registration.objects.select_for_update().get(pk=registration.pk)


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


def open_approval(registration: Registration, kind: str) -> ApprovalRequest | None:
    return (
        ApprovalRequest.objects.filter(
            kind=kind,
            object_id=str(registration.pk),
            status__in=[ApprovalRequest.Status.PENDING, ApprovalRequest.Status.RETURNED],
        )
        .order_by("-created_at", "-id")
        .first()
    )
