"""The review queue: registrations waiting for a reviewer's decision with the conflicts found at
submit (read from the approvals' payload, never a conflict check per row), and its counters."""

from dataclasses import dataclass

from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.functions import Cast

from qudao.core import selectors as core_selectors
from qudao.core.models import ApprovalRequest, User
from qudao.core.scopes import visible
from qudao.customers.matching import Level

from ..models import Registration
from ..services import REVIEW
from .conflicts import level_of
from .registrations import registrations_search, registrations_visible_to


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


def conflicts_pending_count(user: User) -> int:
    return with_pending_conflicts(registrations_visible_to(user)).order_by().count()
