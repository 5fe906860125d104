"""Writes and checks of deal registrations: the candidate index and conflict check
(`conflicts`), and the use cases from draft to outcome: `drafts` (save, submit), `review`
(decide, first valid registration wins), `protection` (extend, progress, expiry) and `outcome`
(won, lost, cancelled), sharing the state map in `state`."""

from qudao.core.cleaning import MAX_AMOUNT

from .conflicts import (
    EXACT_KEY_WEIGHT,
    MAX_CANDIDATES,
    Conflict,
    VendorConflict,
    earlier_claims,
    registration_conflicts,
    registration_keys_refresh,
    registration_vendor_conflicts,
)
from .drafts import (
    registration_can_edit,
    registration_can_submit,
    registration_conflict_preview,
    registration_review_steps,
    registration_save_draft,
    registration_submit,
)
from .outcome import (
    Outcome,
    registration_can_close,
    registration_close,
    registration_close_outcomes,
)
from .protection import (
    registration_can_extend,
    registration_can_update_progress,
    registration_expire_due,
    registration_expire_stale,
    registration_extend_request,
    registration_update_progress,
)
from .review import registration_can_decide, registration_decide
from .rules import rule_can_manage
from .state import (
    EXPIRY_NOTICE_DAYS,
    EXTENSION,
    EXTENSION_DAYS,
    MAX_EXTENSION_DAYS,
    REVIEW,
    TRANSITIONS,
    RegistrationResult,
    registration_can_transition,
)

__all__ = [
    "EXACT_KEY_WEIGHT",
    "EXPIRY_NOTICE_DAYS",
    "EXTENSION",
    "EXTENSION_DAYS",
    "MAX_AMOUNT",
    "MAX_EXTENSION_DAYS",
    "MAX_CANDIDATES",
    "REVIEW",
    "TRANSITIONS",
    "Conflict",
    "VendorConflict",
    "earlier_claims",
    "Outcome",
    "RegistrationResult",
    "registration_can_close",
    "registration_can_decide",
    "registration_can_edit",
    "registration_can_extend",
    "registration_can_submit",
    "registration_can_transition",
    "registration_can_update_progress",
    "registration_close",
    "registration_close_outcomes",
    "registration_conflict_preview",
    "registration_conflicts",
    "registration_decide",
    "registration_expire_due",
    "registration_expire_stale",
    "registration_extend_request",
    "registration_keys_refresh",
    "registration_vendor_conflicts",
    "registration_review_steps",
    "registration_save_draft",
    "registration_submit",
    "registration_update_progress",
    "rule_can_manage",
]
