"""The project archive (项目档案): uploads by type and stage, each checked by core.uploads against
the document type's allowed extensions and size; the same type in the same stage again is a new
version (earlier versions stay)."""

import os
import uuid
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from qudao.core.errors import ConflictError, ValidationError
from qudao.core.models import User
from qudao.core.services.audit import audit_created
from qudao.core.uploads import DEFAULT_MAX_BYTES, DOCUMENTS, FORM_ALLOWANCE, validate_upload

from ..models import DocumentType, Project, ProjectDocument, ProjectStage
from .common import locked_editable, require_edit


def document_upload_max_request_bytes() -> int:
    """The largest upload request a project document may come in: the largest document type's
    limit (which type is sent is only known once the body is read)."""
    largest = DocumentType.objects.aggregate(largest=Max("max_bytes"))["largest"]
    return (largest or DEFAULT_MAX_BYTES) + FORM_ALLOWANCE


def project_document_upload(
    *,
    actor: User,
    project: Project,
    stage: Any,
    document_type: Any,
    upload: UploadedFile | None,
    note: str = "",
) -> ProjectDocument:
    require_edit(actor, project)
    errors = {}
    stage_row = (
        ProjectStage.objects.filter(pk=getattr(stage, "pk", stage), project=project).first()
        if stage
        else None
    )
    if stage_row is None:
        errors["stage"] = _("Choose a stage of this project.")
    doc_type = (
        DocumentType.objects.filter(
            **{
                "code" if isinstance(document_type, str) else "pk": getattr(
                    document_type, "pk", document_type
                )
            },
            is_active=True,
        ).first()
        if document_type
        else None
    )
    if doc_type is None:
        errors["document_type"] = _("Choose a document type.")
    note = (note or "").strip()
    if len(note) > 200:
        errors["note"] = _("Keep it under %(max)s characters.") % {"max": 200}
    if upload is None:
        errors["file"] = _("Choose a file.")
    elif doc_type is not None:
        allowed = {ext.lower() for ext in doc_type.allowed_extensions} or DOCUMENTS
        try:
            validate_upload(upload, allowed=allowed, max_bytes=doc_type.max_bytes)
        except DjangoValidationError as error:
            errors["file"] = " ".join(error.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The project row lock serialises version numbers of concurrent uploads.
        project = locked_editable(project)
        stage_row = ProjectStage.objects.get(pk=stage_row.pk)
        if stage_row.status == ProjectStage.Status.IN_APPROVAL:
            raise ConflictError(_("This stage is in approval; its documents cannot change now."))
        top = ProjectDocument.objects.filter(stage=stage_row, document_type=doc_type).aggregate(
            top=Max("version")
        )["top"]
        document = ProjectDocument(
            project=project,
            stage=stage_row,
            document_type=doc_type,
            version=(top or 0) + 1,
            original_name=os.path.basename(upload.name or "")[:200],
            size=upload.size,
            note=note,
            uploaded_by=actor,
        )
        extension = os.path.splitext(upload.name or "")[1].lower()
        document.file.save(f"{uuid.uuid4().hex}{extension}", upload, save=False)
        document.save()
        audit_created(actor=actor, obj=document, note=project.code)
    return document
