"""Document numbers that are unique and gap-free per prefix and year, safe under concurrency."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Counter


def next_number(prefix: str, *, digits: int = 6, year: int | None = None) -> str:
    """The next number like ``SQ-2026-000123``; each prefix counts per year from 1."""
    year = year or timezone.localdate().year
    key = f"{prefix}-{year}"
    with transaction.atomic():
        Counter.objects.get_or_create(key=key)
        Counter.objects.filter(key=key).update(value=F("value") + 1)
        value = Counter.objects.values_list("value", flat=True).get(key=key)
    return f"{prefix}-{year}-{value:0{digits}d}"
