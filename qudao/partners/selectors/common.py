"""What the partners list filters share."""

from django.db.models import Q, QuerySet


def filtered(rows: QuerySet, **given) -> QuerySet:
    """`rows` with each filter of `given` whose value is set (an empty filter keeps all rows)."""
    wanted = {lookup: value for lookup, value in given.items() if value}
    return rows.filter(**wanted) if wanted else rows


def in_region(rows: QuerySet, region: int | None) -> QuerySet:
    """`rows` in the region `region` or one of its offices (all rows when it is not given)."""
    if not region:
        return rows
    return rows.filter(Q(region_id=region) | Q(region__parent_id=region))
