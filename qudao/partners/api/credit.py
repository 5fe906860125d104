"""Credit applications API (/api/v1/credit-applications): list, apply, read, withdraw.
A partner's current credit is at /api/v1/partners/{id}/credit (archive.py)."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status

from qudao.core.api import ERRORS
from qudao.core.schemas import (
    ErrorOut,
    InputSchema,
    SearchIn,
    choice,
    page_schema,
    related_resolver,
    search_page,
    user_resolver,
)

from ..models import CreditApplication
from ..selectors import partner_get_for_user
from ..selectors.credit import credit_application_get_for_user, credit_applications_search
from ..services.credit import credit_application_cancel, credit_application_submit

router = Router(tags=["credit"])


class CreditApplicationOut(Schema):
    id: int
    number: str
    partner_id: int
    partner: str
    kind: str
    amount: Decimal
    project_name: str
    valid_from: date | None
    valid_to: date | None
    reason: str
    status: str
    requested_by: str
    created_at: datetime
    decided_at: datetime | None

    resolve_partner = related_resolver("partner.name")
    resolve_requested_by = user_resolver("requested_by")


CreditApplicationPage = page_schema("CreditApplicationPage", CreditApplicationOut)


class CreditFilter(SearchIn):
    status: choice(CreditApplication.Status) | None = None
    kind: choice(CreditApplication.Kind) | None = None
    partner: int | None = None


class CreditApplicationIn(InputSchema):
    partner_id: int
    kind: choice(CreditApplication.Kind) = CreditApplication.Kind.NORMAL
    amount: Decimal = Field(..., description="CNY; greater than 0 and at most 1,000,000,000")
    project_name: str = Field("", max_length=200, description="required for a special credit")
    valid_from: date | None = Field(None, description="required for a special credit")
    valid_to: date | None = Field(None, description="required for a special credit")
    reason: str = Field("", max_length=5000)


@router.get("", response=CreditApplicationPage)
def credit_application_list(request, filters: Query[CreditFilter]):
    return search_page(credit_applications_search, request.user, filters)


@router.post("", response={201: CreditApplicationOut, **ERRORS})
def credit_application_create(request, payload: CreditApplicationIn):
    # A partner outside the caller's scope is a 404, the same as for reading it.
    partner = partner_get_for_user(request.user, payload.partner_id)
    application = credit_application_submit(
        actor=request.user, partner=partner, data=payload.dict(exclude={"partner_id"})
    )
    return Status(201, credit_application_get_for_user(request.user, application.pk))


@router.get("/{application_id}", response={200: CreditApplicationOut, 404: ErrorOut})
def credit_application_detail(request, application_id: int):
    return credit_application_get_for_user(request.user, application_id)


@router.post("/{application_id}/cancel", response={200: CreditApplicationOut, **ERRORS})
def credit_application_withdraw(request, application_id: int):
    application = credit_application_get_for_user(request.user, application_id)
    credit_application_cancel(actor=request.user, application=application)
    return credit_application_get_for_user(request.user, application_id)
