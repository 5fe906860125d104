"""Reads of the organisation: regions, departments, users."""

from django.db.models import QuerySet

from .. import scopes
from ..models import Department, Region, User


def regions_tree() -> list[tuple[Region, list[Region]]]:
    """Regions with their offices, in display order (two queries' worth of rows, one query)."""
    nodes = list(Region.objects.order_by("sort_order", "code"))
    regions = [node for node in nodes if node.parent_id is None]
    return [(region, [n for n in nodes if n.parent_id == region.pk]) for region in regions]


def departments_all() -> QuerySet[Department]:
    return Department.objects.all()


def users_visible_to(user: User) -> QuerySet[User]:
    return scopes.visible(
        User.objects.select_related("region", "department", "partner").prefetch_related("roles"),
        user,
    )


def user_me(user: User) -> User:
    """The user's own record: everyone sees themselves, whatever their scope."""
    return (
        User.objects.select_related("region", "partner").prefetch_related("roles").get(pk=user.pk)
    )


def user_get_for_user(user: User, pk: int) -> User:
    return users_visible_to(user).get(pk=pk)
