"""Reads of a user's notifications."""

from django.db.models import QuerySet

from ..models import Notification, User


def notifications_for(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(recipient=user)
    return rows.filter(read_at__isnull=True) if unread_only else rows


def notifications_unread_count(user: User) -> int:
    return notifications_for(user, unread_only=True).count()
