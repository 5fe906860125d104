"""Drafts: create and update, the conflict hint while typing, and submit."""

from decimal import Decimal

from ninja import Field, Status

from qudao.core.api import ERRORS
from qudao.core.schemas import InputSchema, field_limit

from ..models import Registration
from ..selectors import registration_get_for_user
from ..services import (
    registration_conflict_preview,
    registration_save_draft,
    registration_submit,
)
from . import router
from .schemas import (
    ConflictHint,
    ProductIn,
    RegistrationIn,
    RegistrationSaved,
    registration_data,
    registration_saved,
)


class CheckIn(InputSchema):
    """What is typed so far; only the customer name is needed."""

    customer_name: str = Field(..., max_length=200)
    customer_credit_code: str = Field(
        "", max_length=field_limit(Registration, "customer_credit_code")
    )
    customer_region_id: int | None = None
    customer_city: str = Field("", max_length=50)
    project_name: str = Field("", max_length=200)
    products: list[ProductIn] = []
    estimated_amount: Decimal | None = None


@router.post("", response={201: RegistrationSaved, **ERRORS})
def registration_create(request, payload: RegistrationIn):
    result = registration_save_draft(actor=request.user, data=registration_data(payload))
    return Status(201, registration_saved(request, result))


@router.post("/check", response={200: ConflictHint, **ERRORS})
def registration_check(request, payload: CheckIn):
    """The conflict hint for a registration not saved yet (partner users); writes nothing."""
    data = payload.dict(exclude={"customer_region_id"})
    data["customer_region"] = payload.customer_region_id
    hits = registration_conflict_preview(actor=request.user, data=data)
    level = max((hit.level for hit in hits), default=None)
    return {"level": level.name.lower() if level is not None else "none", "count": len(hits)}


@router.put("/{registration_id}", response={200: RegistrationSaved, **ERRORS})
def registration_update(request, registration_id: int, payload: RegistrationIn):
    registration = registration_get_for_user(request.user, registration_id)
    result = registration_save_draft(
        actor=request.user, registration=registration, data=registration_data(payload)
    )
    return registration_saved(request, result)


@router.post("/{registration_id}/submit", response={200: RegistrationSaved, **ERRORS})
def registration_submit_endpoint(request, registration_id: int):
    registration = registration_get_for_user(request.user, registration_id)
    result = registration_submit(actor=request.user, registration=registration)
    return registration_saved(request, result)
