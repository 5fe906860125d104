"""The core app's API: one router, made of one module per feature; qudao/api.py mounts it.
The schemas and serialisers other apps' endpoints reuse are re-exported here."""

from ninja import Router

from ..schemas import ERRORS
from . import approvals, audit, auth, notifications, org
from .approvals import ApprovalOut, approval_summary
from .audit import AuditPage, audit_page
from .org import UserPage

router = Router()
for feature in (auth, org, approvals, notifications, audit):
    router.add_router("", feature.router)

__all__ = [
    "ERRORS",
    "ApprovalOut",
    "AuditPage",
    "UserPage",
    "approval_summary",
    "audit_page",
    "router",
]
