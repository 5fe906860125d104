"""Project codes from a configurable pattern (settings.PROJECT_CODE_PATTERN).

Fields: {year}, {region} (the code of the top-level region, e.g. HN), {office} (the code of the
region or office itself, e.g. HN-SZ) and {seq} (with a format spec, e.g. {seq:05}). The sequence
counts per prefix, i.e. per rendering of the pattern without {seq}: XM-2026-HN- counts on its own.
The counter row is incremented with the same guarantee as qudao.core.numbering: inside the
caller's transaction, the UPDATE locks the row (PostgreSQL) or the whole database (SQLite's
IMMEDIATE transactions), so two concurrent creations never get the same number, and a failed
creation rolls its number back (no gaps).
"""

import hashlib
from string import Formatter

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from qudao.core.models import Counter, Region

DEFAULT_PATTERN = "XM-{year}-{region}-{seq:05}"
FIELDS = {"year", "region", "office", "seq"}


def _render(pattern: str, values: dict, seq: int | None) -> str:
    parts = []
    for literal, field, spec, _conversion in Formatter().parse(pattern):
        parts.append(literal)
        if field is None:
            continue
        if field not in FIELDS:
            raise ImproperlyConfigured(
                f"PROJECT_CODE_PATTERN: unknown field {{{field}}}; use {sorted(FIELDS)}."
            )
        if field == "seq":
            parts.append("{seq}" if seq is None else format(seq, spec or ""))
        else:
            parts.append(format(values[field], spec or ""))
    return "".join(parts)


def project_code_next(*, region: Region, year: int | None = None) -> str:
    """The next project code for a project in `region`, e.g. XM-2026-HN-00042."""
    pattern = getattr(settings, "PROJECT_CODE_PATTERN", DEFAULT_PATTERN)
    if "{seq" not in pattern:
        raise ImproperlyConfigured("PROJECT_CODE_PATTERN needs a {seq} field.")
    top = region
    while top.parent_id:
        top = top.parent
    values = {"year": year or timezone.localdate().year, "region": top.code, "office": region.code}
    prefix = _render(pattern, values, None)
    key = f"project:{prefix}"
    if len(key) > 50:  # Counter.key's length
        key = "project:" + hashlib.sha1(prefix.encode()).hexdigest()
    with transaction.atomic():
        Counter.objects.get_or_create(key=key)
        Counter.objects.filter(key=key).update(value=F("value") + 1)
        value = Counter.objects.values_list("value", flat=True).get(key=key)
    return _render(pattern, values, value)
