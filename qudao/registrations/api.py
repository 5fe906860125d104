"""Deal registrations API (/api/v1/registrations): list, create and update drafts, a conflict
check while typing, read, submit, conflicts, approve, reject, request information, extend,
progress updates and the outcome. Everything is scoped: a registration outside the caller's
scope is a 404."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status

from qudao.core.api import ERRORS
from qudao.core.schemas import ErrorOut, InputSchema, choice, page_of
from qudao.core.services.approvals import Decision

from .models import Registration
from .selectors import conflicts_for_viewer, registration_get_for_user, registrations_search
from .services import (
    RegistrationResult,
    registration_close,
    registration_conflict_preview,
    registration_decide,
    registration_extend_request,
    registration_save_draft,
    registration_submit,
    registration_update_progress,
)

router = Router(tags=["registrations"])


class ProductIn(InputSchema):
    product_line_id: int
    quantity: int
    description: str = Field("", max_length=200)


class ProductOut(Schema):
    product_line_id: int
    product_line: str
    quantity: int
    description: str

    @staticmethod
    def resolve_product_line(obj):
        return obj.product_line.name


class RegistrationIn(InputSchema):
    customer_name: str = Field(..., max_length=200)
    customer_credit_code: str = Field("", max_length=18)
    customer_region_id: int
    customer_city: str = Field("", max_length=50)
    project_name: str = Field(..., max_length=200)
    industry: str = Field("", max_length=50)
    products: list[ProductIn] = []
    estimated_amount: Decimal = Field(..., description="CNY; > 0 and at most 10,000,000,000")
    expected_close_date: date = Field(..., description="today or later")
    stage: choice(Registration.Stage) = Registration.Stage.LEAD
    competitors: str = Field("", max_length=5000)
    decision_makers: str = Field("", max_length=5000)
    notes: str = Field("", max_length=5000)


class RegistrationOut(Schema):
    id: int
    number: str
    partner_id: int
    partner: str
    customer_name: str
    customer_credit_code: str
    customer_region_id: int
    customer_region: str
    customer_city: str
    project_name: str
    industry: str
    products: list[ProductOut]
    estimated_amount: Decimal
    expected_close_date: date
    stage: str
    competitors: str
    decision_makers: str
    notes: str
    status: str
    submitted_at: datetime | None
    protection_until: date | None
    last_progress_at: datetime | None
    progress_due_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_partner(obj):
        return obj.partner.name

    @staticmethod
    def resolve_customer_region(obj):
        return obj.customer_region.name

    @staticmethod
    def resolve_products(obj):
        return list(obj.products.all())


class ConflictHint(Schema):
    """What the registering partner may know: the worst level and the number of conflicts."""

    level: str
    count: int


class RegistrationSaved(Schema):
    registration: RegistrationOut
    conflict: ConflictHint


class RegistrationPage(Schema):
    items: list[RegistrationOut]
    count: int
    page: int
    page_size: int


class RegistrationFilter(Schema):
    q: str = ""
    status: choice(Registration.Status) | None = None
    partner: int | None = None
    region: int | None = None
    stage: choice(Registration.Stage) | None = None
    date_from: date | None = None
    date_to: date | None = None
    expiring: bool = False
    sort: str = ""
    page: int = 1
    page_size: int = 20


class LevelCount(Schema):
    level: str
    count: int


class CandidateOut(Schema):
    registration_id: int
    number: str
    partner: str
    customer_name: str
    project_name: str
    estimated_amount: Decimal
    status: str
    submitted_at: datetime | None
    level: str
    score: float
    reasons: list[str]


class VendorCandidateOut(Schema):
    """A match with the vendor's own records (vendor staff only)."""

    source: str
    source_label: str = ""
    reference: str
    title: str
    url: str = Field("", description="empty when the record is outside your data scope")
    level: str
    score: float
    reasons: list[str]


class ConflictsOut(Schema):
    level: str
    levels: list[LevelCount]
    candidates: list[CandidateOut] = []
    hidden: int = 0
    vendor: list[VendorCandidateOut] = []


class RegistrationDecisionIn(InputSchema):
    comment: str = Field("", max_length=2000)
    override_reason: str = Field("", max_length=500)
    version: int | None = Field(None, description="the approval version you saw (stale: 409)")


class RegistrationReasonIn(InputSchema):
    comment: str = Field(..., max_length=2000)
    version: int | None = None


class ExtendIn(InputSchema):
    reason: str = Field(..., max_length=2000)
    days: int | None = Field(None, description="default 30, at most 180")


class ExtendOut(Schema):
    approval_id: int
    status: str


class CheckIn(InputSchema):
    """What is typed so far; only the customer name is needed."""

    customer_name: str = Field(..., max_length=200)
    customer_credit_code: str = Field("", max_length=18)
    customer_region_id: int | None = None
    customer_city: str = Field("", max_length=50)
    project_name: str = Field("", max_length=200)
    products: list[ProductIn] = []
    estimated_amount: Decimal | None = None


class ProgressIn(InputSchema):
    """Any of: the stage, the estimated amount, a progress note."""

    stage: choice(Registration.Stage) | None = None
    estimated_amount: Decimal | None = None
    notes: str | None = Field(None, max_length=5000)


class RegistrationCloseIn(InputSchema):
    outcome: str = Field(..., description="won, lost or cancelled")
    reason: str = Field("", max_length=2000, description="required for lost and cancelled")


def _data(payload: RegistrationIn) -> dict:
    data = payload.dict(exclude={"customer_region_id"})
    data["customer_region"] = payload.customer_region_id
    return data


def _saved(request, result: RegistrationResult) -> dict:
    return {
        "registration": registration_get_for_user(request.user, result.registration.pk),
        "conflict": {"level": result.conflict_level.name.lower(), "count": result.conflict_count},
    }


@router.get("", response={200: RegistrationPage, 422: ErrorOut})
def registration_list(request, filters: Query[RegistrationFilter]):
    rows, _sort = registrations_search(
        request.user,
        q=filters.q,
        status=filters.status or "",
        partner=filters.partner,
        region=filters.region,
        stage=filters.stage or "",
        date_from=filters.date_from,
        date_to=filters.date_to,
        expiring=filters.expiring,
        sort=filters.sort,
    )
    return page_of(rows, filters.page, filters.page_size)


@router.post("", response={201: RegistrationSaved, **ERRORS})
def registration_create(request, payload: RegistrationIn):
    result = registration_save_draft(actor=request.user, data=_data(payload))
    return Status(201, _saved(request, result))


@router.post("/check", response={200: ConflictHint, **ERRORS})
def registration_check(request, payload: CheckIn):
    """The conflict hint for a registration not saved yet (partner users); writes nothing."""
    data = payload.dict(exclude={"customer_region_id"})
    data["customer_region"] = payload.customer_region_id
    hits = registration_conflict_preview(actor=request.user, data=data)
    level = max((hit.level for hit in hits), default=None)
    return {"level": level.name.lower() if level is not None else "none", "count": len(hits)}


@router.get("/{registration_id}", response={200: RegistrationOut, 404: ErrorOut})
def registration_detail(request, registration_id: int):
    return registration_get_for_user(request.user, registration_id)


@router.put("/{registration_id}", response={200: RegistrationSaved, **ERRORS})
def registration_update(request, registration_id: int, payload: RegistrationIn):
    registration = registration_get_for_user(request.user, registration_id)
    result = registration_save_draft(
        actor=request.user, registration=registration, data=_data(payload)
    )
    return _saved(request, result)


@router.post("/{registration_id}/submit", response={200: RegistrationSaved, **ERRORS})
def registration_submit_endpoint(request, registration_id: int):
    registration = registration_get_for_user(request.user, registration_id)
    result = registration_submit(actor=request.user, registration=registration)
    return _saved(request, result)


@router.get("/{registration_id}/conflicts", response={200: ConflictsOut, 404: ErrorOut})
def registration_conflicts_endpoint(request, registration_id: int):
    registration = registration_get_for_user(request.user, registration_id)
    return conflicts_for_viewer(request.user, registration)


def _decide(request, registration_id: int, decision: str, comment: str, **extra):
    registration = registration_get_for_user(request.user, registration_id)
    decided = registration_decide(
        actor=request.user,
        registration=registration,
        decision=decision,
        comment=comment,
        **extra,
    )
    # A reviewer who saw it only while their step was pending (registrations/scopes.py) gets
    # the registration as their decision left it, though they may no longer read it.
    try:
        return registration_get_for_user(request.user, registration_id)
    except Registration.DoesNotExist:
        return decided


@router.post("/{registration_id}/approve", response={200: RegistrationOut, **ERRORS})
def registration_approve(request, registration_id: int, payload: RegistrationDecisionIn):
    return _decide(
        request,
        registration_id,
        Decision.APPROVE,
        payload.comment,
        override_reason=payload.override_reason,
        version=payload.version,
    )


@router.post("/{registration_id}/reject", response={200: RegistrationOut, **ERRORS})
def registration_reject(request, registration_id: int, payload: RegistrationReasonIn):
    return _decide(
        request, registration_id, Decision.REJECT, payload.comment, version=payload.version
    )


@router.post("/{registration_id}/request-info", response={200: RegistrationOut, **ERRORS})
def registration_request_info(request, registration_id: int, payload: RegistrationReasonIn):
    return _decide(
        request, registration_id, Decision.RETURN, payload.comment, version=payload.version
    )


@router.post("/{registration_id}/extend", response={201: ExtendOut, **ERRORS})
def registration_extend(request, registration_id: int, payload: ExtendIn):
    registration = registration_get_for_user(request.user, registration_id)
    approval = registration_extend_request(
        actor=request.user, registration=registration, reason=payload.reason, days=payload.days
    )
    return Status(201, {"approval_id": approval.pk, "status": approval.status})


@router.post("/{registration_id}/progress", response={200: RegistrationOut, **ERRORS})
def registration_progress(request, registration_id: int, payload: ProgressIn):
    registration = registration_get_for_user(request.user, registration_id)
    data = payload.dict(exclude_none=True)
    registration_update_progress(actor=request.user, registration=registration, data=data)
    return registration_get_for_user(request.user, registration_id)


@router.post("/{registration_id}/close", response={200: RegistrationOut, **ERRORS})
def registration_close_endpoint(request, registration_id: int, payload: RegistrationCloseIn):
    registration = registration_get_for_user(request.user, registration_id)
    registration_close(
        actor=request.user,
        registration=registration,
        outcome=payload.outcome,
        reason=payload.reason,
    )
    return registration_get_for_user(request.user, registration_id)
