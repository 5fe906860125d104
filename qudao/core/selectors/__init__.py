"""Reads of the core app, one module per feature. Every list and detail starts from a scoped
query here; the names are re-exported because every app reads approvals and audit rows."""

from .approvals import (
    approval_detail,
    approval_get_for_user,
    approvals_awaiting,
    approvals_awaiting_counts,
    approvals_by_id,
    approvals_for_object,
    approvals_visible_to,
)
from .audit import audit_entries_for_object, audit_entries_visible_to, audit_rows
from .notifications import notifications_for, notifications_unread_count
from .org import departments_all, regions_tree, user_get_for_user, user_me, users_visible_to

__all__ = [
    "approval_detail",
    "approval_get_for_user",
    "approvals_awaiting",
    "approvals_awaiting_counts",
    "approvals_by_id",
    "approvals_for_object",
    "approvals_visible_to",
    "audit_entries_for_object",
    "audit_entries_visible_to",
    "audit_rows",
    "departments_all",
    "notifications_for",
    "notifications_unread_count",
    "regions_tree",
    "user_get_for_user",
    "user_me",
    "users_visible_to",
]
