"""Pagination and sorting helpers shared by every list page."""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def paginate(request, queryset: QuerySet, per_page: int | None = None) -> Page:
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def sort_by(queryset: QuerySet, requested: str | None, allowed: dict[str, str], default: str):
    """Order by a whitelisted key ("name" or "-name"); returns (queryset, the key used)."""
    key = requested or default
    field = allowed.get(key.lstrip("-"))
    if field is None:
        key, field = default, allowed[default.lstrip("-")]
    descending = key.startswith("-")
    return queryset.order_by(("-" if descending else "") + field, "pk"), key
