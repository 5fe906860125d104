from .closing import FollowUpVisit, Handover, ProjectReport
from .health import ProjectAlert
from .keys import OPEN_STATUSES, ProjectCustomerKey
from .projects import (
    Project,
    ProjectDocument,
    ProjectMember,
    ProjectStage,
    StageSubmission,
    StageTransition,
)
from .saved import SavedFilter
from .stocktake import StockTake, StockTakeEntry
from .templates import DocumentType, ProcessTemplate, ProjectClass, StageDefinition, TemplateVersion
from .work import (
    ActionItem,
    Meeting,
    ProjectIssue,
    ResourceRequest,
    Risk,
    WeeklyReport,
    WorkItem,
    risk_level,
)

__all__ = [
    "ActionItem",
    "FollowUpVisit",
    "Handover",
    "Meeting",
    "OPEN_STATUSES",
    "ProjectAlert",
    "ProjectCustomerKey",
    "ProjectIssue",
    "ProjectReport",
    "ResourceRequest",
    "Risk",
    "StockTake",
    "StockTakeEntry",
    "WeeklyReport",
    "WorkItem",
    "risk_level",
    "DocumentType",
    "ProcessTemplate",
    "Project",
    "ProjectClass",
    "ProjectDocument",
    "ProjectMember",
    "ProjectStage",
    "SavedFilter",
    "StageDefinition",
    "StageSubmission",
    "StageTransition",
    "TemplateVersion",
]
