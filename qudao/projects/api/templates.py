"""Process templates API (/api/v1/process-templates): list, detail with each version's stages,
create, edit a draft version, publish, start a new version; and the document types."""

from datetime import datetime
from typing import Any

from ninja import Field, Router, Schema, Status

from qudao.core.api import ERRORS
from qudao.core.schemas import ErrorOut, InputSchema, choice

from .. import services
from ..models import ProjectClass
from ..selectors.templates import (
    document_types_active,
    template_get_for_user,
    template_version_get,
    templates_visible_to,
)

router = Router(tags=["process templates"])


class DocumentTypeOut(Schema):
    id: int
    code: str
    name: str
    allowed_extensions: list[str]
    max_bytes: int


class ChainStep(InputSchema):
    name: str = Field(..., max_length=100)
    role: str = ""
    user: int | None = None


class StageIn(InputSchema):
    code: str = Field(..., max_length=30)
    name: str = Field(..., max_length=100)
    target_days: int
    document_types: list[str] = Field([], description="document type codes")
    checklist: list[str] = []
    approval: str = Field("none", description="none, role or chain")
    approval_role: str = ""
    approval_chain: list[ChainStep] = []
    skippable: bool = False
    repeatable: bool = False


class TemplateStageOut(Schema):
    id: int
    order: int
    code: str
    name: str
    target_days: int
    document_types: list[str]
    checklist: list[str]
    approval: str
    approval_role: str
    approval_chain: list[dict[str, Any]]
    skippable: bool
    repeatable: bool

    @staticmethod
    def resolve_document_types(obj):
        return [doc.code for doc in obj.document_types.all()]


class VersionOut(Schema):
    id: int
    number: int
    status: str
    note: str
    published_at: datetime | None


class VersionDetailOut(VersionOut):
    stages: list[TemplateStageOut]

    @staticmethod
    def resolve_stages(obj):
        return list(obj.stages.all())


class TemplateOut(Schema):
    id: int
    code: str
    name: str
    project_class: str
    description: str
    is_active: bool
    is_builtin: bool
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(obj):
        return list(obj.versions.all())


class TemplateDetailOut(TemplateOut):
    versions: list[VersionDetailOut]


class TemplateIn(InputSchema):
    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=100)
    project_class: choice(ProjectClass)
    description: str = Field("", max_length=2000)
    stages: list[StageIn] = []


class TemplatePatch(InputSchema):
    name: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=2000)
    is_active: bool | None = None


class VersionIn(InputSchema):
    stages: list[StageIn]
    note: str = Field("", max_length=200)


def _stages(stages: list[StageIn]) -> list[dict]:
    return [stage.dict() for stage in stages]


def _detail(request, template_id: int):
    return template_get_for_user(request.user, template_id)


@router.get("", response=list[TemplateOut])
def template_list(request):
    return list(templates_visible_to(request.user))


@router.get("/document-types", response=list[DocumentTypeOut])
def document_type_list(request):
    return list(document_types_active())


@router.post("", response={201: TemplateDetailOut, **ERRORS})
def template_create(request, payload: TemplateIn):
    template = services.template_create(
        actor=request.user,
        data=payload.dict(exclude={"stages"}),
        stages=_stages(payload.stages),
    )
    return Status(201, _detail(request, template.pk))


@router.get("/{template_id}", response={200: TemplateDetailOut, 404: ErrorOut})
def template_detail(request, template_id: int):
    return _detail(request, template_id)


@router.patch("/{template_id}", response={200: TemplateDetailOut, **ERRORS})
def template_update(request, template_id: int, payload: TemplatePatch):
    template = _detail(request, template_id)
    services.template_update(
        actor=request.user, template=template, data=payload.dict(exclude_none=True)
    )
    return _detail(request, template_id)


@router.put("/{template_id}/versions/{version_id}", response={200: TemplateDetailOut, **ERRORS})
def template_version_save(request, template_id: int, version_id: int, payload: VersionIn):
    template = _detail(request, template_id)
    version = template_version_get(template, version_id)
    services.template_version_save(
        actor=request.user, version=version, stages=_stages(payload.stages), note=payload.note
    )
    return _detail(request, template_id)


@router.post(
    "/{template_id}/versions/{version_id}/publish", response={200: TemplateDetailOut, **ERRORS}
)
def template_version_publish(request, template_id: int, version_id: int):
    template = _detail(request, template_id)
    version = template_version_get(template, version_id)
    services.template_version_publish(actor=request.user, version=version)
    return _detail(request, template_id)


@router.post("/{template_id}/versions", response={201: TemplateDetailOut, **ERRORS})
def template_version_new(request, template_id: int):
    template = _detail(request, template_id)
    services.template_version_new(actor=request.user, template=template)
    return Status(201, _detail(request, template_id))
