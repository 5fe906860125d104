"""Reads of a project's stages and gates: what each stage's gate requires and what is missing,
repeated submissions, the stage-gate approvals, and the stage codes of the list's filter.

Every function that takes a `project` expects one loaded through project_get_for_user, and
loads the stages, their definitions and required document types and the documents in a fixed
number of queries, whatever the number of stages or documents.
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from qudao.core.models import ApprovalRequest, User
from qudao.core.selectors import approvals_awaiting_counts

from ..models import (
    Project,
    ProjectDocument,
    ProjectStage,
    StageDefinition,
    StageSubmission,
    TemplateVersion,
)
from ..services.common import GATE


def project_stages(project: Project) -> list[dict[str, Any]]:
    """Every stage with what its gate requires and what is missing (the archive view), in a
    fixed number of queries."""
    stages = list(
        project.stages.select_related("definition")
        .prefetch_related("definition__document_types")
        .order_by("order")
    )
    latest: dict[tuple[int, int], ProjectDocument] = {}
    for document in project.documents.select_related("document_type").order_by("version"):
        latest[(document.stage_id, document.document_type_id)] = document
    rows = []
    for stage in stages:
        definition = stage.definition
        required = list(definition.document_types.all())
        ticked = set(stage.checklist_done)
        rows.append(
            {
                "stage": stage,
                "definition": definition,
                "required": required,
                "present": [
                    latest[(stage.pk, d.pk)] for d in required if (stage.pk, d.pk) in latest
                ],
                "missing": [d for d in required if (stage.pk, d.pk) not in latest],
                "checklist": [
                    {"index": i, "item": item, "done": i in ticked}
                    for i, item in enumerate(definition.checklist)
                ],
            }
        )
    return rows


def project_stage_get(project: Project, pk: int) -> ProjectStage:
    return project.stages.select_related("definition").get(pk=pk)


def stage_choices() -> list[tuple[str, str]]:
    """Each stage code used by a published or retired template version once, with a name, for
    the list's stage filter (templates are few, so this stays one small query)."""
    rows = (
        StageDefinition.objects.exclude(version__status=TemplateVersion.Status.DRAFT)
        .order_by("code", "-version_id")
        .values_list("code", "name")
    )
    found: dict[str, str] = {}
    for code, name in rows:
        found.setdefault(code, name)
    return sorted(found.items(), key=lambda pair: pair[1])


def project_stage_list(project: Project) -> list[ProjectStage]:
    """The stages in order with their definitions (the overview's progress bar)."""
    return list(project.stages.select_related("definition").order_by("order"))


def stage_submissions(project: Project) -> dict[int, list]:
    """Repeated submissions of the project's stages, by stage id, in one query."""
    found: dict[int, list] = {}
    rows = (
        StageSubmission.objects.filter(stage__project=project)
        .select_related("submitted_by")
        .order_by("stage_id", "number")
    )
    for row in rows:
        found.setdefault(row.stage_id, []).append(row)
    return found


def _gate_approvals(project: Project) -> QuerySet[ApprovalRequest]:
    """The project's stage-gate approvals. `project` was loaded through the user's scope
    (project_get_for_user), and whoever sees an object sees its approvals
    (approvals_visible_to), so the approvals are not scoped again: that filter would be a
    subquery over every project the user sees."""
    return ApprovalRequest.objects.select_related("requested_by", "content_type").filter(
        content_type=ContentType.objects.get_for_model(project),
        object_id=str(project.pk),
        kind=GATE,
    )


def gate_approval_open(user: User, project: Project):
    """The open (pending or returned) stage-gate approval of `project`, which `user` sees
    (loaded through project_get_for_user)."""
    return (
        _gate_approvals(project)
        .filter(status__in=[ApprovalRequest.Status.PENDING, ApprovalRequest.Status.RETURNED])
        .order_by("-created_at", "-id")
        .first()
    )


def gate_approval_get(user: User, project: Project, pk: int):
    """A stage-gate approval of `project`, which `user` sees (loaded through
    project_get_for_user); another object's approval: DoesNotExist."""
    return _gate_approvals(project).get(pk=pk)


def gate_approvals_awaiting_count(user: User) -> int:
    """How many stage-gate approvals `user` may decide now (counted once per request with the
    other kinds: `approvals_awaiting_counts`)."""
    return approvals_awaiting_counts(user).get(GATE, 0)
