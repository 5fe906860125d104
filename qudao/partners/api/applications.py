"""Partner applications API (渠道招募), mounted at /api/v1/partner-applications.

Public, no token:
- ``POST /partner-applications`` with a JSON body creates an application without files. The answer
  carries ``attachment_token``, a signed token valid for 7 days.
- ``POST /partner-applications/{number}/attachments?token=...`` (multipart/form-data: ``kind`` =
  licence | qualification | financial | other, ``file``) adds a file while the application is
  still submitted. The business licence is required before a reviewer can start the review, as the
  public page requires it at once.
Both count towards the same per-IP hourly limit as the page (429 with a JSON error past it).

Staff, with a bearer token (partner users get 403 on the list and 404 on anything else):
list with filters (region, status, q, sort, page), detail, file download, and the review
operations (assign, start review, scores, submit for approval, reject).
"""

from datetime import datetime
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.decorators import decorate_view

from qudao.core.api import ERRORS, ApprovalOut, approval_summary
from qudao.core.downloads import private_file_response
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import Region, User
from qudao.core.schemas import (
    ErrorOut,
    InputSchema,
    SearchIn,
    choice,
    error_response,
    page_schema,
    search_page,
)
from qudao.core.uploads import upload_size_limit

from ..models import ApplicationAttachment, PartnerApplication
from ..selectors import recruitment as selectors
from ..services import recruitment as services
from ..services.recruitment.submission import ATTACHMENT_MAX_REQUEST_BYTES
from ..views.recruitment import client_ip

router = Router(tags=["partner applications"])
# The model field's limit, so that the schema, the form and the service agree.
CREDIT_CODE_MAX = PartnerApplication._meta.get_field("credit_code").max_length

TOKEN_SALT = "qudao.partners.application-attachments"
TOKEN_MAX_AGE = 7 * 24 * 3600


def attachment_token(application: PartnerApplication) -> str:
    return signing.dumps(application.number, salt=TOKEN_SALT)


def _token_number(token: str) -> str | None:
    try:
        return signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None


# --- schemas --------------------------------------------------------------------------------


class ApplicationIn(InputSchema):
    company_name: str = Field(..., min_length=2, max_length=200)
    credit_code: str = Field(
        ..., max_length=CREDIT_CODE_MAX, description="统一社会信用代码, 18 characters"
    )
    region_id: int
    contact_name: str = Field(..., min_length=1, max_length=50)
    contact_phone: str = Field(..., min_length=5, max_length=30)
    contact_email: str = Field(..., max_length=254)
    legal_representative: str = Field("", max_length=50)
    address: str = Field("", max_length=200)
    website: str = Field("", max_length=200)
    business_scope: str = Field(..., min_length=1, max_length=5000)
    staff_count: int = Field(..., ge=0)
    registered_capital: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)
    annual_revenue: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)
    main_customers: str = Field("", max_length=5000)
    main_industries: str = Field("", max_length=200)


class ApplicationCreatedOut(Schema):
    id: int
    number: str
    status: str
    submitted_at: datetime
    attachment_token: str
    attachments_url: str


class AttachmentOut(Schema):
    id: int
    kind: str
    original_name: str
    size: int
    uploaded_at: datetime


class ApplicationOut(Schema):
    id: int
    number: str
    company_name: str
    credit_code: str
    region_id: int
    region: str
    status: str
    contact_name: str
    contact_phone: str
    contact_email: str
    staff_count: int
    registered_capital: Decimal
    annual_revenue: Decimal
    assignee_id: int | None
    assignee: str | None
    total_score: Decimal | None
    recommended_tier: str | None
    partner_id: int | None
    submitted_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_region(obj):
        return str(obj.region)

    @staticmethod
    def resolve_assignee(obj):
        return str(obj.assignee) if obj.assignee_id else None

    @staticmethod
    def resolve_recommended_tier(obj):
        return obj.recommended_tier_id and obj.recommended_tier.code


class ScoreOut(Schema):
    criterion_id: int
    criterion: str
    reviewer: str
    score: Decimal
    max_score: int
    comment: str


class ApplicationDetailOut(ApplicationOut):
    legal_representative: str
    address: str
    website: str
    business_scope: str
    main_customers: str
    main_industries: str
    decision_note: str
    attachments: list[AttachmentOut]
    scores: list[ScoreOut]

    @staticmethod
    def resolve_attachments(obj):
        return list(obj.attachments.all())

    @staticmethod
    def resolve_scores(obj):
        rows = obj.scores.select_related("criterion", "reviewer").order_by(
            "reviewer__username", "criterion__order"
        )
        return [
            {
                "criterion_id": s.criterion_id,
                "criterion": s.criterion.name,
                "reviewer": str(s.reviewer),
                "score": s.score,
                "max_score": s.criterion.max_score,
                "comment": s.comment,
            }
            for s in rows
        ]


ApplicationPage = page_schema("ApplicationPage", ApplicationOut)


class ApplicationFilter(SearchIn):
    region: int | None = None
    status: choice(PartnerApplication.Status) | None = None


class AssignIn(InputSchema):
    assignee_id: int


class ScoreIn(InputSchema):
    criterion_id: int
    score: Decimal
    comment: str = Field("", max_length=500)


class ScoresIn(InputSchema):
    scores: list[ScoreIn]


class RejectIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=2000)


# --- public ---------------------------------------------------------------------------------


def _rate_limited(limited: services.RateLimited):
    return error_response(429, "rate_limited", limited.message)


@router.post(
    "",
    auth=None,
    response={201: ApplicationCreatedOut, 422: ErrorOut, 429: ErrorOut},
)
def application_create(request, payload: ApplicationIn):
    """Apply to become a partner (no token). Add the business licence afterwards with the
    returned `attachment_token` (see the attachments endpoint)."""
    data = payload.dict()
    region = Region.objects.filter(pk=data.pop("region_id")).first()
    if region is None:
        raise ValidationError({"region_id": [_("Unknown region.")]})
    data["region"] = region
    try:
        application = services.application_submit(
            data=data, files={}, client_ip=client_ip(request), require_licence=False
        )
    except services.RateLimited as limited:
        return _rate_limited(limited)
    return Status(
        201,
        {
            "id": application.pk,
            "number": application.number,
            "status": application.status,
            "submitted_at": application.submitted_at,
            "attachment_token": attachment_token(application),
            "attachments_url": f"/api/v1/partner-applications/{application.number}/attachments",
        },
    )


@router.post(
    "/{number}/attachments",
    auth=None,
    response={201: AttachmentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
)
@decorate_view(upload_size_limit(ATTACHMENT_MAX_REQUEST_BYTES))
def application_attachment_upload(
    request,
    number: str,
    token: str,
    kind: Form[choice(ApplicationAttachment.Kind)],
    file: File[UploadedFile],
):
    """Add a file to your application (multipart/form-data, `kind` and `file`), with the token
    the create call returned, while nobody reviews it yet."""
    if _token_number(token) != number:
        raise PermissionDenied(_("This upload token is not valid for this application."))
    try:
        services.application_rate_check(client_ip=client_ip(request))
    except services.RateLimited as limited:
        return _rate_limited(limited)
    application = PartnerApplication.objects.get(number=number)
    attachment = services.application_attachment_add(
        application=application, kind=kind, upload=file
    )
    return Status(201, attachment)


# --- staff ----------------------------------------------------------------------------------


def _require_staff(user: User) -> None:
    if user.is_partner_user:
        raise PermissionDenied(_("Partner users cannot see partner applications."))


def _get(request, application_id: int) -> PartnerApplication:
    if request.user.is_partner_user:
        raise ObjectDoesNotExist
    return selectors.application_get_for_user(request.user, application_id)


@router.get("", response={200: ApplicationPage, 401: ErrorOut, 403: ErrorOut})
def application_list(request, filters: Query[ApplicationFilter]):
    _require_staff(request.user)
    return search_page(selectors.applications_search, request.user, filters, q=filters.q.strip())


@router.get("/{int:application_id}", response={200: ApplicationDetailOut, 404: ErrorOut})
def application_detail(request, application_id: int):
    return _get(request, application_id)


@router.get(
    "/{int:application_id}/attachments/{int:attachment_id}", response={200: None, 404: ErrorOut}
)
def application_attachment_download(request, application_id: int, attachment_id: int):
    """Download one file of an application you may see."""
    if request.user.is_partner_user:
        raise ObjectDoesNotExist
    attachment = selectors.application_attachment_get_for_user(
        request.user, application_id, attachment_id
    )
    return private_file_response(attachment.file, attachment.original_name)


@router.post("/{int:application_id}/assign", response={200: ApplicationDetailOut, **ERRORS})
def application_assign(request, application_id: int, payload: AssignIn):
    application = _get(request, application_id)
    assignee = User.objects.filter(pk=payload.assignee_id).first()
    if assignee is None:
        raise ValidationError({"assignee_id": [_("Unknown user.")]})
    services.application_assign(actor=request.user, application=application, assignee=assignee)
    return _get(request, application_id)


@router.post("/{int:application_id}/review", response={200: ApplicationDetailOut, **ERRORS})
def application_review_start(request, application_id: int):
    application = _get(request, application_id)
    services.application_review_start(actor=request.user, application=application)
    return _get(request, application_id)


@router.post("/{int:application_id}/scores", response={200: ApplicationDetailOut, **ERRORS})
def application_scores(request, application_id: int, payload: ScoresIn):
    """Your scores on every criterion of the active qualification scorecard (0..max score)."""
    application = _get(request, application_id)
    services.application_score(
        actor=request.user,
        application=application,
        scores={row.criterion_id: row.score for row in payload.scores},
        comments={row.criterion_id: row.comment for row in payload.scores},
    )
    return _get(request, application_id)


@router.post("/{int:application_id}/approval", response={201: ApprovalOut, **ERRORS})
def application_submit_for_approval(request, application_id: int):
    application = _get(request, application_id)
    approval = services.application_submit_for_approval(actor=request.user, application=application)
    return Status(201, approval_summary(approval))


@router.post("/{int:application_id}/reject", response={200: ApplicationDetailOut, **ERRORS})
def application_reject(request, application_id: int, payload: RejectIn):
    application = _get(request, application_id)
    services.application_reject(actor=request.user, application=application, reason=payload.reason)
    return _get(request, application_id)
