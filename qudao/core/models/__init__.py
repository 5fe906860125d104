from .approvals import ApprovalEvent, ApprovalRequest, ApprovalStep
from .audit import AuditEntry
from .counters import Counter
from .notifications import Delivery, Notification
from .org import ApiToken, Department, Region, Role, User
from .schedule import ScheduledRun
from .workers import WorkerHeartbeat

__all__ = [
    "ApiToken",
    "ApprovalEvent",
    "ApprovalRequest",
    "ApprovalStep",
    "AuditEntry",
    "Counter",
    "Delivery",
    "Department",
    "Notification",
    "Region",
    "Role",
    "ScheduledRun",
    "User",
    "WorkerHeartbeat",
]
