"""Writes and checks of deal registrations: the candidate index and conflict check
(`conflicts`), and the use cases from draft to outcome: `drafts` (save, submit), `review`
(decide, first valid registration wins), `protection` (extend, progress, expiry) and `outcome`
(won, lost, cancelled), sharing the state map in `state`."""

from .conflicts import (
    EXACT_KEY_WEIGHT,
    MAX_CANDIDATES,
    Conflict,
    VendorConflict,
    conflict_sources,
    earlier_claims,
    registration_conflicts,
    registration_keys_refresh,
    registration_vendor_conflicts,
)
from .drafts import (
    registration_conflict_preview,
    registration_review_steps,
    registration_save_draft,
    registration_submit,
)
from .outcome import Outcome, on_won, registration_close
from .protection import (
    registration_expire_due,
    registration_expire_stale,
    registration_extend_request,
    registration_update_progress,
)
from .review import registration_decide
from .state import (
    EXPIRY_NOTICE_DAYS,
    EXTENSION,
    EXTENSION_DAYS,
    MAX_AMOUNT,
    MAX_EXTENSION_DAYS,
    REVIEW,
    TRANSITIONS,
    RegistrationResult,
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
    "conflict_sources",
    "earlier_claims",
    "Outcome",
    "RegistrationResult",
    "on_won",
    "registration_close",
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
]
