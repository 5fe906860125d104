"""Reads that only the HTML pages need: which actions a user may take on a registration, the
protection countdown, the review queue and the home-page counters.

Kept apart from `selectors.py` (shared with the API) so that the pages can grow without touching
it; everything here starts from the scoped selectors and mirrors the services' own checks, so a
button is shown exactly when the service would accept the action.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from qudao.core import selectors as core_selectors
from qudao.core.models import ApprovalRequest, Role, User
from qudao.core.scopes import visible
from qudao.core.services.approvals import can_decide, step_current

from .matching import Level
from .models import Registration
from .selectors import registrations_search, registrations_visible_to
from .services import EXPIRY_NOTICE_DAYS, EXTENSION, REVIEW, TRANSITIONS, Outcome
from .services.state import EDITABLE, is_partner_member, open_approval

Status = Registration.Status
# Vendor roles that decide registrations (and so get the review queue).
REVIEWER_ROLES = frozenset(
    {
        Role.Code.ADMIN,
        Role.Code.DIRECTOR,
        Role.Code.REGIONAL_MANAGER,
        Role.Code.CHANNEL_MANAGER,
    }
)
# The countdown turns red when the expiry notice goes out.
URGENT_DAYS = EXPIRY_NOTICE_DAYS


def level_of(name: str | None) -> Level:
    """A level stored by name ("likely") back to the enum; unknown names count as none."""
    try:
        return Level[str(name or "none").upper()]
    except KeyError:
        return Level.NONE


# --- detail --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Actions:
    """What `user` may do with one registration now (each flag mirrors a service's check)."""

    edit: bool = False
    submit: bool = False
    progress: bool = False
    extend: bool = False
    extension_pending: bool = False
    close_outcomes: tuple[str, ...] = ()
    decide: bool = False
    approval: ApprovalRequest | None = None  # the open review, for its version


def _can_close_as_manager(user: User, registration: Registration) -> bool:
    # As registration_close: the partner's channel manager, or HQ roles within their scope (the
    # caller has already loaded the registration through the user's scope).
    if user.is_partner_user:
        return False
    return registration.partner.owner_id == user.pk or user.has_role(
        Role.Code.ADMIN, Role.Code.DIRECTOR
    )


def registration_actions(user: User, registration: Registration) -> Actions:
    """The actions to offer on the detail page; a few small queries whatever the data size."""
    member = is_partner_member(user, registration.partner_id)
    status = registration.status
    review = open_approval(registration, REVIEW) if registration.is_live else None
    pending = review if review and review.status == ApprovalRequest.Status.PENDING else None
    decide = bool(pending) and not member and can_decide(user, step_current(pending))
    extension = (
        open_approval(registration, EXTENSION) if member and status == Status.APPROVED else None
    )
    outcomes: tuple[str, ...] = ()
    if member or _can_close_as_manager(user, registration):
        allowed = TRANSITIONS.get(status, set())
        outcomes = tuple(
            outcome
            for outcome in Outcome.ALL
            if outcome in allowed
            # A registration in review is withdrawn by whoever submitted it (the service's rule).
            and not (
                outcome == Outcome.CANCELLED
                and review is not None
                and review.requested_by_id != user.pk
            )
        )
    return Actions(
        edit=member and status in EDITABLE,
        submit=member and status in EDITABLE,
        progress=member and status in (Status.SUBMITTED, Status.APPROVED),
        extend=member and status == Status.APPROVED and extension is None,
        extension_pending=extension is not None,
        close_outcomes=outcomes,
        decide=decide,
        approval=pending,
    )


def protection_countdown(
    registration: Registration, today: datetime.date | None = None
) -> dict[str, Any] | None:
    """Days left of an approved registration's protection; `urgent` from URGENT_DAYS down."""
    if registration.status != Status.APPROVED or registration.protection_until is None:
        return None
    days = (registration.protection_until - (today or timezone.localdate())).days
    return {"until": registration.protection_until, "days": days, "urgent": days <= URGENT_DAYS}


def approvals_with_steps(user: User, registration: Registration) -> list[ApprovalRequest]:
    """The registration's approvals (review, extensions) the user may see, with their steps."""
    return list(
        core_selectors.approvals_for_object(user, registration)
        .prefetch_related("steps__approver", "steps__decided_by")
        .order_by("-created_at", "-id")
    )


# --- review queue ------------------------------------------------------------------------------


@dataclass
class QueueEntry:
    approval_id: int
    version: int
    level: Level
    conflict_ids: list[int]


def _queue(user: User) -> dict[int, QueueEntry]:
    """Registrations whose review waits for `user`, with the conflicts stored at submit.

    One query: the levels come from the approvals' payload (other partners' registrations and
    the vendor's own projects), never from a conflict check per row. A conflict between two
    registrations is shown on both sides when both wait for this user.
    """
    rows = [
        (pk, version, int(object_id), payload)
        for pk, version, object_id, payload in core_selectors.approvals_awaiting(user)
        .filter(kind=REVIEW)
        .values_list("pk", "version", "object_id", "payload")
        if str(object_id).isdigit()
    ]
    entries = {
        object_id: QueueEntry(pk, version, Level.NONE, []) for pk, version, object_id, _p in rows
    }
    for _pk, _version, object_id, payload in rows:
        own = entries[object_id]
        for conflict in (payload or {}).get("vendor_conflicts", []):
            own.level = max(own.level, level_of(conflict.get("level")))
        for conflict in (payload or {}).get("conflicts", []):
            other_id, level = conflict.get("registration_id"), level_of(conflict.get("level"))
            if not isinstance(other_id, int) or other_id in own.conflict_ids:
                continue
            own.level = max(own.level, level)
            own.conflict_ids.append(other_id)
            other = entries.get(other_id)
            if other is not None and object_id not in other.conflict_ids:
                other.level = max(other.level, level)
                other.conflict_ids.append(object_id)
    return entries


QUEUE_LEVELS = ("conflict", "none", "possible", "likely", "certain")


def review_queue(
    user: User,
    *,
    q: str = "",
    partner: int | None = None,
    partner_name: str = "",
    level: str = "",
    sort: str = "",
) -> tuple[QuerySet[Registration], str, dict[int, QueueEntry]]:
    """The user's review queue as scoped registrations, filtered and sorted, and the queue
    entries (approval, version, level, conflicting registrations) by registration id."""
    entries = _queue(user)
    wanted = entries
    if level == "conflict":
        wanted = {pk: e for pk, e in entries.items() if e.level > Level.NONE}
    elif level in QUEUE_LEVELS:
        wanted = {pk: e for pk, e in entries.items() if e.level == level_of(level)}
    rows, used = registrations_search(
        user, q=q, partner=partner, partner_name=partner_name, sort=sort or "submitted"
    )
    return rows.filter(pk__in=list(wanted)), used, wanted


def queue_conflicting(user: User, entries: list[QueueEntry]) -> dict[int, Registration]:
    """The registrations the given queue entries conflict with, as far as `user` may see them
    (one query for a whole page)."""
    ids = {pk for entry in entries for pk in entry.conflict_ids}
    if not ids:
        return {}
    rows = visible(Registration.objects.filter(pk__in=ids).select_related("partner"), user)
    return {row.pk: row for row in rows.only("pk", "number", "status", "partner__name")}


# --- home-page counters -------------------------------------------------------------------------


def is_reviewer(user: User) -> bool:
    return not user.is_partner_user and (user.is_superuser or user.has_role(*REVIEWER_ROLES))


def reviews_waiting_count(user: User) -> int:
    return core_selectors.approvals_awaiting_counts(user).get(REVIEW, 0)


def with_pending_conflicts(rows: QuerySet[Registration]) -> QuerySet[Registration]:
    """`rows` limited to registrations in review whose check at submit found conflicts (the
    approval payload), without running a conflict check."""
    flagged = (
        ApprovalRequest.objects.filter(
            Q(payload__conflicts__0__isnull=False) | Q(payload__vendor_conflicts__0__isnull=False),
            kind=REVIEW,
            status=ApprovalRequest.Status.PENDING,
        )
        .annotate(registration_id=Cast("object_id", BigIntegerField()))
        .values("registration_id")
    )
    return rows.filter(status__in=Registration.LIVE, pk__in=flagged)


def registrations_count(user: User, **filters: Any) -> int:
    rows, _sort = registrations_search(user, **filters)
    return rows.order_by().count()


def conflicts_pending_count(user: User) -> int:
    return with_pending_conflicts(registrations_visible_to(user)).order_by().count()
