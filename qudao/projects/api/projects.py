"""Projects API (/api/v1/projects): list with filters, create, detail (stages with what each
gate requires and misses, team), update, advance, skip, owner change, stage drafts and repeated
submissions, team, documents (upload, list, scope-checked download) and transitions. Everything
is scoped: a project outside the caller's scope is a 404; a stale `version` is a 409."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

from qudao.core.api import ERRORS
from qudao.core.downloads import private_file_response
from qudao.core.schemas import (
    MAX_PAGE_SIZE,
    ErrorOut,
    InputSchema,
    choice,
    field_limit,
    page_schema,
    related_resolver,
    user_resolver,
)
from qudao.core.uploads import upload_size_limit

from .. import services
from ..models import Project, ProjectClass, ProjectMember
from ..selectors.documents import project_document_get, project_documents
from ..selectors.history import project_transitions
from ..selectors.projects import (
    project_get_for_user,
    project_members,
    projects_page,
    projects_search,
)
from ..selectors.stages import project_stage_get, project_stages
from ..services.competition import project_competition_set
from ..services.documents import document_upload_max_request_bytes
from .common import payload_data

router = Router(tags=["projects"])


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    project_class: str
    customer_name: str
    customer_credit_code: str
    region_id: int
    region: str
    partner_id: int | None
    partner: str | None
    source_registration_id: int | None
    amount: Decimal
    expected_close_date: date | None
    start_date: date | None
    end_date: date | None
    owner_id: int
    owner: str
    status: str
    tags: list[str]
    template_version_id: int
    template: str
    template_version: int
    stage: str
    stage_name: str | None
    stage_status: str | None
    stage_entered_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime

    resolve_region = related_resolver("region.name")
    resolve_partner = related_resolver("partner.name")
    resolve_owner = user_resolver("owner")

    @staticmethod
    def resolve_tags(obj):
        return obj.tag_list

    @staticmethod
    def resolve_template(obj):
        return obj.template_version.template.name

    resolve_template_version = related_resolver("template_version.number")

    @staticmethod
    def resolve_stage(obj):
        return obj.stage_code

    @staticmethod
    def resolve_stage_name(obj):
        return obj.current_stage.definition.name if obj.current_stage_id else None

    resolve_stage_status = related_resolver("current_stage.status")


class ProjectDocumentOut(Schema):
    id: int
    stage_id: int
    document_type: str
    document_type_name: str
    version: int
    original_name: str
    size: int
    note: str
    uploaded_by: str
    uploaded_at: datetime
    url: str

    resolve_document_type = related_resolver("document_type.code")
    resolve_document_type_name = related_resolver("document_type.name")
    resolve_uploaded_by = user_resolver("uploaded_by")

    @staticmethod
    def resolve_url(obj):
        # The scope-checking download endpoint, never the storage path.
        return reverse(
            "api:project_document_file",
            kwargs={"project_id": obj.project_id, "document_id": obj.pk},
        )


class DocTypeRef(Schema):
    code: str
    name: str


class ChecklistItem(Schema):
    index: int
    item: str
    done: bool


class ProjectStageOut(Schema):
    id: int
    order: int
    code: str
    name: str
    status: str
    target_days: int
    entered_at: datetime | None
    completed_at: datetime | None
    approval: str
    skippable: bool
    repeatable: bool
    return_reason: str
    required_documents: list[DocTypeRef]
    missing_documents: list[DocTypeRef]
    checklist: list[ChecklistItem]
    draft: dict[str, Any]


class MemberOut(Schema):
    id: int
    user_id: int
    user: str
    role: str
    role_name: str

    resolve_user = user_resolver("user")

    @staticmethod
    def resolve_role_name(obj):
        return obj.get_role_display()


class ProjectDetailOut(ProjectOut):
    notes: str
    competitor_strategy: str = Field(description="avoid / compete / track, or empty")
    competitor_analysis: str
    stages: list[ProjectStageOut]
    members: list[MemberOut]


ProjectPage = page_schema("ProjectPage", ProjectOut)


class ProjectFilter(Schema):
    q: str = ""
    project_class: choice(ProjectClass) | None = None
    stage: str = ""
    region: int | None = None
    partner: int | None = None
    owner: int | None = None
    status: choice(Project.Status) | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    date_from: date | None = None
    date_to: date | None = None
    tag: str = ""
    sort: str = ""
    page: int = 1
    page_size: int = 20


# The API names the related rows by id; the service takes the fields' names.
CREATE_RENAMES = {
    "template_id": "template",
    "region_id": "region",
    "partner_id": "partner",
    "owner_id": "owner",
}


class ProjectIn(InputSchema):
    template_id: int
    name: str = Field(..., max_length=200)
    project_class: choice(ProjectClass) | None = None
    customer_name: str = Field(..., max_length=200)
    customer_credit_code: str = Field("", max_length=field_limit(Project, "customer_credit_code"))
    region_id: int
    partner_id: int | None = None
    owner_id: int | None = None
    amount: Decimal = Decimal("0")
    expected_close_date: date | None = None
    start_date: date | None = None
    end_date: date | None = None
    tags: list[str] = []
    notes: str = Field("", max_length=5000)


class ProjectPatch(InputSchema):
    version: int = Field(..., description="the version you saw (stale: 409)")
    name: str | None = Field(None, max_length=200)
    customer_name: str | None = Field(None, max_length=200)
    customer_credit_code: str | None = Field(
        None, max_length=field_limit(Project, "customer_credit_code")
    )
    amount: Decimal | None = None
    expected_close_date: date | None = None
    start_date: date | None = None
    end_date: date | None = None
    tags: list[str] | None = None
    notes: str | None = Field(None, max_length=5000)


class AdvanceIn(InputSchema):
    version: int | None = Field(None, description="the version you saw (stale: 409)")
    comment: str = Field("", max_length=2000)


class CompetitionIn(InputSchema):
    version: int = Field(..., description="the version you saw (stale: 409)")
    competitor_strategy: str | None = Field(
        None, max_length=10, description="avoid / compete / track, or empty for not decided"
    )
    competitor_analysis: str | None = Field(None, max_length=5000)


class SkipIn(InputSchema):
    version: int | None = None
    reason: str = Field(..., max_length=2000)


class OwnerIn(InputSchema):
    owner_id: int
    reason: str = Field(..., max_length=200)
    version: int | None = None


class DraftIn(InputSchema):
    checklist_done: list[int] | None = None
    data: dict[str, Any] | None = None
    version: int | None = None


class SubmissionIn(InputSchema):
    title: str = Field(..., max_length=200)
    data: dict[str, Any] = {}


class SubmissionOut(Schema):
    id: int
    number: int
    title: str
    data: dict[str, Any]
    submitted_at: datetime


class MemberIn(InputSchema):
    user_id: int
    role: choice(ProjectMember.Role)


class TransitionOut(Schema):
    id: int
    action: str
    from_stage: str | None
    to_stage: str | None
    actor: str | None
    comment: str
    created_at: datetime

    @staticmethod
    def resolve_from_stage(obj):
        return obj.from_stage.definition.code if obj.from_stage_id else None

    @staticmethod
    def resolve_to_stage(obj):
        return obj.to_stage.definition.code if obj.to_stage_id else None

    resolve_actor = user_resolver("actor")


def _stage_rows(project: Project) -> list[dict]:
    rows = []
    for row in project_stages(project):
        stage, definition = row["stage"], row["definition"]
        rows.append(
            {
                "id": stage.pk,
                "order": stage.order,
                "code": definition.code,
                "name": definition.name,
                "status": stage.status,
                "target_days": definition.target_days,
                "entered_at": stage.entered_at,
                "completed_at": stage.completed_at,
                "approval": definition.approval,
                "skippable": definition.skippable,
                "repeatable": definition.repeatable,
                "return_reason": stage.return_reason,
                "required_documents": row["required"],
                "missing_documents": row["missing"],
                "checklist": row["checklist"],
                "draft": stage.draft,
            }
        )
    return rows


def _detail(request, project_id: int) -> Project:
    project = project_get_for_user(request.user, project_id)
    project.stages_out = _stage_rows(project)
    project.members_out = list(project_members(project))
    return project


def _changed(request, project_id: int, change) -> Project:
    """Run `change(project)` on the caller's project; its detail as it is now."""
    change(project_get_for_user(request.user, project_id))
    return _detail(request, project_id)


def _versioned_change(request, project_id: int, payload, service) -> Project:
    """A change sent with the version it was made on: `service(actor=, project=, data=,
    version=)` with the members sent; the project's detail as it is now."""

    def change(project):
        data = payload.dict(exclude_unset=True)
        version = data.pop("version")
        service(actor=request.user, project=project, data=data, version=version)

    return _changed(request, project_id, change)


class _DetailOut(ProjectDetailOut):
    @staticmethod
    def resolve_stages(obj):
        return obj.stages_out

    @staticmethod
    def resolve_members(obj):
        return obj.members_out


@router.get("", response={200: ProjectPage, 422: ErrorOut})
def project_list(request, filters: Query[ProjectFilter]):
    values = filters.dict(exclude={"page", "page_size"})
    values["project_class"] = values["project_class"] or ""
    values["status"] = values["status"] or ""
    rows, _sort = projects_search(request.user, **values)
    page_size = max(1, min(filters.page_size, MAX_PAGE_SIZE))
    page = projects_page(rows, filters.page, page_size)
    return {
        "items": page.object_list,
        "count": page.paginator.count,
        "page": page.number,
        "page_size": page_size,
    }


@router.post("", response={201: _DetailOut, **ERRORS})
def project_create(request, payload: ProjectIn):
    data = payload_data(payload, partial=False, renames=CREATE_RENAMES)
    project = services.project_create(actor=request.user, data=data)
    return Status(201, _detail(request, project.pk))


@router.get("/{project_id}", response={200: _DetailOut, 404: ErrorOut})
def project_detail(request, project_id: int):
    return _detail(request, project_id)


@router.patch("/{project_id}", response={200: _DetailOut, **ERRORS})
def project_update(request, project_id: int, payload: ProjectPatch):
    return _versioned_change(request, project_id, payload, services.project_update)


@router.put("/{project_id}/competition", response={200: _DetailOut, **ERRORS})
def project_competition(request, project_id: int, payload: CompetitionIn):
    """The competitor strategy (回避 avoid / 竞争 compete / 跟踪 track) and its analysis."""
    return _versioned_change(request, project_id, payload, project_competition_set)


@router.post("/{project_id}/advance", response={200: _DetailOut, **ERRORS})
def project_advance(request, project_id: int, payload: AdvanceIn):
    return _changed(
        request,
        project_id,
        lambda project: services.stage_advance(
            actor=request.user, project=project, version=payload.version, comment=payload.comment
        ),
    )


@router.post("/{project_id}/skip", response={200: _DetailOut, **ERRORS})
def project_skip(request, project_id: int, payload: SkipIn):
    return _changed(
        request,
        project_id,
        lambda project: services.stage_skip(
            actor=request.user, project=project, reason=payload.reason, version=payload.version
        ),
    )


@router.post("/{project_id}/owner", response={200: _DetailOut, **ERRORS})
def project_owner_change(request, project_id: int, payload: OwnerIn):
    return _changed(
        request,
        project_id,
        lambda project: services.project_owner_change(
            actor=request.user,
            project=project,
            owner=payload.owner_id,
            reason=payload.reason,
            version=payload.version,
        ),
    )


@router.put("/{project_id}/stages/{stage_id}/draft", response={200: _DetailOut, **ERRORS})
def project_stage_draft(request, project_id: int, stage_id: int, payload: DraftIn):
    project = project_get_for_user(request.user, project_id)
    stage = project_stage_get(project, stage_id)
    services.stage_save_draft(
        actor=request.user,
        project=project,
        stage=stage,
        checklist_done=payload.checklist_done,
        data=payload.data,
        version=payload.version,
    )
    return _detail(request, project_id)


@router.post("/{project_id}/stages/{stage_id}/submissions", response={201: SubmissionOut, **ERRORS})
def project_stage_submission(request, project_id: int, stage_id: int, payload: SubmissionIn):
    project = project_get_for_user(request.user, project_id)
    stage = project_stage_get(project, stage_id)
    submission = services.stage_submission_add(
        actor=request.user, project=project, stage=stage, title=payload.title, data=payload.data
    )
    return Status(201, submission)


@router.get("/{project_id}/members", response={200: list[MemberOut], 404: ErrorOut})
def project_member_list(request, project_id: int):
    project = project_get_for_user(request.user, project_id)
    return list(project_members(project))


@router.post("/{project_id}/members", response={201: MemberOut, **ERRORS})
def project_member_add(request, project_id: int, payload: MemberIn):
    project = project_get_for_user(request.user, project_id)
    member = services.project_member_add(
        actor=request.user, project=project, user=payload.user_id, role=payload.role
    )
    return Status(201, member)


@router.delete("/{project_id}/members/{member_id}", response={204: None, **ERRORS})
def project_member_remove(request, project_id: int, member_id: int):
    project = project_get_for_user(request.user, project_id)
    member = project_members(project).get(pk=member_id)
    services.project_member_remove(actor=request.user, project=project, member=member)
    return Status(204, None)


@router.get("/{project_id}/documents", response={200: list[ProjectDocumentOut], 404: ErrorOut})
def project_document_list(request, project_id: int, stage: int | None = None):
    project = project_get_for_user(request.user, project_id)
    return list(project_documents(project, stage=stage))


@router.post("/{project_id}/documents", response={201: ProjectDocumentOut, **ERRORS})
@decorate_view(upload_size_limit(document_upload_max_request_bytes))
def project_document_upload(
    request,
    project_id: int,
    stage_id: Form[int],
    document_type: Form[str],
    file: File[UploadedFile],
    note: Form[str] = "",
):
    """Upload a document of `document_type` (a code) to a stage; the same type and stage again
    is a new version. Checked against the type's file types and size."""
    project = project_get_for_user(request.user, project_id)
    document = services.project_document_upload(
        actor=request.user,
        project=project,
        stage=stage_id,
        document_type=document_type,
        upload=file,
        note=note,
    )
    return Status(201, project_documents(project).get(pk=document.pk))


@router.get(
    "/{project_id}/documents/{document_id}/file",
    response={200: None, 404: ErrorOut},
    url_name="project_document_file",
)
def project_document_file(request, project_id: int, document_id: int):
    project = project_get_for_user(request.user, project_id)
    document = project_document_get(project, document_id)
    return private_file_response(document.file, document.original_name or document.file.name)


@router.get("/{project_id}/transitions", response={200: list[TransitionOut], 404: ErrorOut})
def project_transition_list(request, project_id: int):
    project = project_get_for_user(request.user, project_id)
    return list(project_transitions(project))
