"""Reads of a project's document archive (the project loaded through project_get_for_user)."""

from django.db.models import QuerySet

from ..models import Project, ProjectDocument


def project_documents(project: Project, *, stage: int | None = None) -> QuerySet[ProjectDocument]:
    rows = project.documents.select_related("document_type", "stage__definition", "uploaded_by")
    if stage:
        rows = rows.filter(stage_id=stage)
    return rows.order_by("stage__order", "document_type__code", "-version")


def project_document_get(project: Project, pk: int) -> ProjectDocument:
    return project.documents.select_related("document_type").get(pk=pk)
