"""Reads of the process templates and document types: shared configuration, not scoped by
region or partner."""

from django.db.models import Prefetch, QuerySet

from qudao.core.models import User

from ..models import DocumentType, ProcessTemplate, StageDefinition, TemplateVersion


def _templates_for(user: User) -> QuerySet[ProcessTemplate]:
    """Templates are shared configuration: staff see all, partner users the active ones."""
    rows = ProcessTemplate.objects.all()
    if user.is_partner_user:
        rows = rows.filter(is_active=True)
    return rows if user.is_authenticated and user.is_active else rows.none()


def templates_visible_to(user: User) -> QuerySet[ProcessTemplate]:
    return _templates_for(user).prefetch_related(
        Prefetch("versions", queryset=TemplateVersion.objects.order_by("-number"))
    )


def template_get_for_user(user: User, pk: int) -> ProcessTemplate:
    stages = StageDefinition.objects.prefetch_related("document_types").order_by("order")
    return (
        _templates_for(user)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=TemplateVersion.objects.prefetch_related(
                    Prefetch("stages", queryset=stages)
                ).order_by("-number"),
            )
        )
        .get(pk=pk)
    )


def template_version_get(template: ProcessTemplate, pk: int) -> TemplateVersion:
    return template.versions.get(pk=pk)


def document_types_active() -> QuerySet[DocumentType]:
    return DocumentType.objects.filter(is_active=True)
