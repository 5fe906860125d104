"""What a project's approvals decide, for the approvals page (core.hooks.approval_kind's
`panel`): a stage gate's documents, checklist and the submitter's comment; a handover's scope.
Read through the viewer's scope (project_get_for_user): outside it, no panel."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from qudao.core.models import ApprovalEvent, ApprovalRequest, User

from ..models import Handover, Project, ProjectDocument
from .projects import project_get_for_user


def _project(approval: ApprovalRequest, viewer: User) -> Project | None:
    try:
        return project_get_for_user(viewer, int(approval.object_id))
    except (Project.DoesNotExist, ValueError):
        return None


def _submitter_comment(approval: ApprovalRequest) -> str:
    """The submitter's latest word on the gate: a resubmission's comment, else the first's."""
    resubmitted = (
        approval.events.filter(action=ApprovalEvent.Action.RESUBMITTED)
        .exclude(comment="")
        .order_by("-created_at", "-id")
        .values_list("comment", flat=True)
        .first()
    )
    return resubmitted or (approval.payload or {}).get("comment", "")


def gate_panel(approval: ApprovalRequest, viewer: User) -> tuple[str, dict[str, Any]] | None:
    """The gate's stage as the submitter left it: each document (latest version, with its
    download link), the required ones missing, the checklist with its ticks, the comment. A
    fixed number of queries."""
    project = _project(approval, viewer)
    stage_id = (approval.payload or {}).get("stage_id")
    if project is None or stage_id is None:
        return None
    stage = (
        project.stages.select_related("definition")
        .prefetch_related("definition__document_types")
        .filter(pk=stage_id)
        .first()
    )
    if stage is None:
        return None
    latest: dict[int, ProjectDocument] = {}
    documents = (
        ProjectDocument.objects.filter(project=project, stage=stage)
        .select_related("document_type", "uploaded_by")
        .order_by("document_type__name", "document_type_id", "version")
    )
    for document in documents:
        latest[document.document_type_id] = document
    required = list(stage.definition.document_types.all())
    ticked = set(stage.checklist_done)
    context = {
        "project": project,
        "stage": stage,
        "documents": list(latest.values()),
        "required_ids": {d.pk for d in required},
        "missing": [d for d in required if d.pk not in latest],
        "checklist": [
            {"item": item, "done": index in ticked}
            for index, item in enumerate(stage.definition.checklist)
        ],
        "comment": _submitter_comment(approval),
    }
    return "projects/approvals/_gate_panel.html", context


def handover_panel(approval: ApprovalRequest, viewer: User) -> tuple[str, dict[str, Any]] | None:
    project = _project(approval, viewer)
    if project is None:
        return None
    handover_id = (approval.payload or {}).get("handover_id")
    handover = Handover.objects.filter(pk=handover_id, project=project).first()
    rows = [
        {
            "label": Project._meta.get_field("customer_name").verbose_name,
            "value": project.customer_name,
        },
        {
            "label": _("Amount"),
            "value": project.amount,
            "format": "money",
        },
        {"label": Project._meta.get_field("partner").verbose_name, "value": project.partner},
    ]
    if handover is not None:
        rows += [
            {
                "label": Handover._meta.get_field("handover_date").verbose_name,
                "value": handover.handover_date,
                "format": "date",
            },
            {
                "label": Handover._meta.get_field("operations_contact").verbose_name,
                "value": handover.operations_contact,
            },
        ]
    return "core/approvals/_summary.html", {
        "rows": rows,
        "note": handover.scope if handover else (approval.payload or {}).get("scope", ""),
        "note_label": Handover._meta.get_field("scope").verbose_name,
        "link": project.get_absolute_url(),
        "link_label": str(project),
    }
