"""What the pages show of a registration's protection: the countdown and the next progress
update due."""

import datetime
from typing import Any

from django.utils import timezone

from ..models import Registration
from ..services import EXPIRY_NOTICE_DAYS

Status = Registration.Status
# The countdown turns red when the expiry notice goes out.
URGENT_DAYS = EXPIRY_NOTICE_DAYS


def protection_countdown(
    registration: Registration, today: datetime.date | None = None
) -> dict[str, Any] | None:
    """Days left of an approved registration's protection; `urgent` from URGENT_DAYS down."""
    if registration.status != Status.APPROVED or registration.protection_until is None:
        return None
    days = (registration.protection_until - (today or timezone.localdate())).days
    return {"until": registration.protection_until, "days": days, "urgent": days <= URGENT_DAYS}


def progress_due(registration: Registration) -> datetime.datetime | None:
    """When the next progress update of an approved registration is due (else None)."""
    if registration.status != Status.APPROVED:
        return None
    return registration.progress_due_at
