"""Pagination and sorting helpers shared by every list page."""

import hashlib
from collections.abc import Callable
from functools import cached_property

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable


class IdsFirstPaginator(Paginator):
    """Takes a page as "the rows whose ids are the page's ids": the ids come from a subquery with
    the filters and the order alone (no joins for `select_related`), the outer query adds the
    joins for those rows only. Still one query per page.

    With the joins in the one query the database may join every matching row before sorting;
    the subquery reads the page from the index that gives the order.

    `load`: fetch the page's ids as a list first (a query of its own), then `load(ids)` returns
    the rows by id (e.g. `in_bulk`). For lists under many joins, where PostgreSQL plans the
    subquery as a semi-join over the whole table.


    `count_cap`: count at most this many rows (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`), and
    say "10,000+" beyond: an exact count of every row a user may see is a scan.
    A count that reached the cap is remembered for CAPPED_COUNT_SECONDS per query (the same
    SQL and parameters: the same filters within the same scope), since counting to the cap
    reads cap + 1 index entries on every page to show the same "10,000+".
    A count under the cap, which people read as exact, is always counted.
    """

    def __init__(
        self,
        object_list,
        per_page,
        *,
        load: Callable[[list], dict] | None = None,
        count_cap: int | None = None,
    ):
        super().__init__(object_list, per_page)
        self.load = load
        self.count_cap = count_cap

    @cached_property
    def count(self) -> int:
        if self.count_cap is None or not isinstance(self.object_list, QuerySet):
            return super().count
        rows = self.object_list.order_by()[: self.count_cap + 1]
        try:
            key = _capped_count_key(rows)
        except EmptyResultSet:  # e.g. a scope that leaves nothing: no query at all
            return 0
        if cache.get(key):
            return self.count_cap + 1
        found = rows.count()
        if found > self.count_cap:
            cache.set(key, True, CAPPED_COUNT_SECONDS)
        return found

    @property
    def count_is_capped(self) -> bool:
        return self.count_cap is not None and self.count > self.count_cap

    @property
    def count_display(self) -> str:
        """The number of rows for people: "10,000+" when the count stopped at the cap."""
        if self.count_is_capped:
            return f"{intcomma(self.count_cap)}+"
        return intcomma(self.count)

    @property
    def num_pages_display(self) -> str:
        return f"{intcomma(self.num_pages)}+" if self.count_is_capped else intcomma(self.num_pages)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count and not self.count_is_capped:
            top = self.count
        if self.load is None:
            rows = rows_in_order(self.object_list, bottom, top)
        else:
            ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
            found = self.load(ids) if ids else {}
            rows = [found[pk] for pk in ids if pk in found]
        return self._get_page(rows, number, self)


# How long a count that reached its cap is taken as still reaching it (see IdsFirstPaginator):
# rows that fall under the cap meanwhile are shown as "10,000+" for at most this long.
CAPPED_COUNT_SECONDS = 60


def _capped_count_key(rows: QuerySet) -> str:
    """The cache key of a capped count: the database and the rows' SQL with its parameters."""
    sql, params = rows.values("pk").query.sql_with_params()
    digest = hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()
    return f"qudao:capped-count:{rows.db}:{digest}"


def rows_in_order(queryset, bottom: int, top: int):
    """`queryset[bottom:top]`, the ids taken first (see `IdsFirstPaginator`).

    Lists, `values()` querysets, DISTINCT and UNION queries are sliced as they are.
    """
    if (
        not isinstance(queryset, QuerySet)
        or queryset._iterable_class is not ModelIterable
        or queryset.query.distinct
        or queryset.query.combinator
        or not queryset.ordered
    ):
        return queryset[bottom:top]
    return queryset.filter(pk__in=queryset.values("pk")[bottom:top])


# A list page counts at most this many rows (see IdsFirstPaginator); the API counts them all.
COUNT_CAP = 10_000


def capped_count(rows: QuerySet, cap: int = COUNT_CAP) -> str:
    """How many rows, for a card or a summary: "1,234", or "10,000+" past the cap, so that
    a figure on a page never pays for counting a million rows."""
    found = rows.order_by()[: cap + 1].count()
    return f"{intcomma(cap)}+" if found > cap else intcomma(found)


def paginate(
    request,
    queryset: QuerySet,
    per_page: int | None = None,
    *,
    load: Callable[[list], dict] | None = None,
) -> Page:
    paginator = IdsFirstPaginator(
        queryset, per_page or settings.PAGE_SIZE, load=load, count_cap=COUNT_CAP
    )
    return paginator.get_page(request.GET.get("page"))


def sort_by(queryset: QuerySet, requested: str | None, allowed: dict[str, str], default: str):
    """Order by a whitelisted key ("name" or "-name"); returns (queryset, the key used)."""
    key = requested or default
    field = allowed.get(key.lstrip("-"))
    if field is None:
        key, field = default, allowed[default.lstrip("-")]
    # Ties are broken by id in the same direction, so that an index on (field, id), or a
    # descending one on (-field, -id), gives the whole order: "created_at DESC, id ASC" makes
    # SQLite sort every row a regional manager sees.
    sign = "-" if key.startswith("-") else ""
    return queryset.order_by(sign + field, sign + "pk"), key
