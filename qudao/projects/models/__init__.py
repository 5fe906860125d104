from .projects import (
    Project,
    ProjectDocument,
    ProjectMember,
    ProjectStage,
    StageSubmission,
    StageTransition,
)
from .templates import DocumentType, ProcessTemplate, ProjectClass, StageDefinition, TemplateVersion

__all__ = [
    "DocumentType",
    "ProcessTemplate",
    "Project",
    "ProjectClass",
    "ProjectDocument",
    "ProjectMember",
    "ProjectStage",
    "StageDefinition",
    "StageSubmission",
    "StageTransition",
    "TemplateVersion",
]
