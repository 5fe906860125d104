"""Reads of benchmarks: the groups a user can compare in, their entries and practice notes.

A partner user sees its own entries (its value, the benchmark value and its gap) and the notes,
but never which partner is the benchmark: the entry rows of other partners are outside its scope
and the notes are shown without the benchmark partner's name (see the templates' `show_names`).
"""

from django.db.models import QuerySet

from qudao.core.listing import filter_given
from qudao.core.models import User

from ..models import BenchmarkEntry, BenchmarkNote
from ..periods import Period
from ..scopes import visible_derived


def entries_visible_to(user: User) -> QuerySet[BenchmarkEntry]:
    return visible_derived(BenchmarkEntry.objects.select_related("partner", "region"), user)


def benchmark_groups(user: User, period: Period) -> list[dict]:
    rows = (
        entries_visible_to(user)
        .filter(**period.lookup)
        .values("group_kind", "group_key", "group_label")
        .distinct()
        .order_by("group_kind", "group_label")
    )
    return list(rows)


def benchmark_entries(
    user: User, period: Period, *, group_kind: str = "", group_key: str = "", metric: str = ""
) -> QuerySet[BenchmarkEntry]:
    rows = entries_visible_to(user).filter(**period.lookup)
    rows = filter_given(rows, group_kind=group_kind, group_key=group_key, metric=metric)
    return rows.order_by("group_kind", "group_label", "metric", "rank", "pk")


def benchmark_notes(user: User, groups: list[dict], metric: str = "") -> QuerySet[BenchmarkNote]:
    """The practice notes of the groups the user can see."""
    keys = {(g["group_kind"], g["group_key"]) for g in groups}
    rows = BenchmarkNote.objects.select_related("partner", "region", "author")
    if metric:
        rows = rows.filter(metric=metric)
    if not keys:
        return rows.none()
    from django.db.models import Q

    q = Q(pk__in=[])
    for kind, key in keys:
        q |= Q(group_kind=kind, group_key=key)
    return rows.filter(q)[:50]
