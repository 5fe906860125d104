"""Writes of the projects app, one module per feature (the same names as selectors/, forms/,
views/ and api/): process templates (`templates`), projects and their team (`projects`), stage
gates, drafts and repeated submissions (`stages`), the archive (`documents`), the plan (`plan`),
risks and issues (`risks`), meetings, weekly reports, resource requests, closing, stock-takes
and health; permission, locking and assignment helpers are shared in `common`. The project and
stage use cases are re-exported here."""

from .common import GATE, PARTNER_CLASSES, project_can_change, project_can_edit
from .documents import project_document_upload
from .numbering import project_code_next
from .projects import (
    on_registration_won,
    project_can_change_owner,
    project_can_create,
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
    "clean_stages",
    "gate_problems",
    "on_registration_won",
    "project_can_change",
    "project_can_change_owner",
    "project_can_create",
    "project_can_edit",
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
