"""Writes of the projects app: process templates (`templates`), projects and their team
(`projects`), stage gates, drafts and repeated submissions (`stages`) and the archive
(`documents`), sharing permission and locking helpers in `common`."""

from .common import GATE, PARTNER_CLASSES, can_edit
from .documents import project_document_upload
from .numbering import project_code_next
from .projects import (
    on_registration_won,
    project_create,
    project_create_from_registration,
    project_member_add,
    project_member_remove,
    project_owner_change,
    project_update,
)
from .stages import (
    gate_problems,
    stage_advance,
    stage_save_draft,
    stage_skip,
    stage_submission_add,
)
from .templates import (
    clean_stages,
    published_version,
    template_create,
    template_update,
    template_version_new,
    template_version_publish,
    template_version_save,
)

__all__ = [
    "GATE",
    "PARTNER_CLASSES",
    "can_edit",
    "clean_stages",
    "gate_problems",
    "on_registration_won",
    "project_code_next",
    "project_create",
    "project_create_from_registration",
    "project_document_upload",
    "project_member_add",
    "project_member_remove",
    "project_owner_change",
    "project_update",
    "published_version",
    "stage_advance",
    "stage_save_draft",
    "stage_skip",
    "stage_submission_add",
    "template_create",
    "template_update",
    "template_version_new",
    "template_version_publish",
    "template_version_save",
]
