"""Reads of deal registrations, always scoped (qudao.core.scopes); one module per part."""

from .conflicts import conflicts_for_viewer, level_of
from .detail import Actions, approvals_with_steps, registration_actions
from .protection import URGENT_DAYS, progress_due, protection_countdown
from .registrations import (
    DEFAULT_SORT,
    SORTS,
    registration_get_for_user,
    registrations_count,
    registrations_search,
    registrations_visible_to,
)
from .review import (
    QUEUE_LEVELS,
    QueueEntry,
    conflicts_pending_count,
    queue_conflicting,
    review_queue,
    reviews_waiting_count,
    with_pending_conflicts,
)

__all__ = [
    "DEFAULT_SORT",
    "QUEUE_LEVELS",
    "SORTS",
    "URGENT_DAYS",
    "Actions",
    "QueueEntry",
    "approvals_with_steps",
    "conflicts_for_viewer",
    "conflicts_pending_count",
    "level_of",
    "progress_due",
    "protection_countdown",
    "queue_conflicting",
    "registration_actions",
    "registration_get_for_user",
    "registrations_count",
    "registrations_search",
    "registrations_visible_to",
    "review_queue",
    "reviews_waiting_count",
    "with_pending_conflicts",
]
