"""Reads of a user's saved list filters (their own only)."""

from django.db.models import QuerySet

from qudao.core.models import User

from ..models import SavedFilter


def saved_filters_for(user: User, page_key: str) -> QuerySet:
    return SavedFilter.objects.filter(user=user, page_key=page_key).order_by("name")


def saved_filter_get(user: User, pk: int):
    """The user's own saved filter (another user's: DoesNotExist, a 404)."""
    return SavedFilter.objects.get(user=user, pk=pk)
