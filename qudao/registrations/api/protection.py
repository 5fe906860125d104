"""The protection period: extension requests and progress updates."""

from decimal import Decimal

from ninja import Field, Schema, Status

from qudao.core.api import ERRORS
from qudao.core.schemas import InputSchema, choice

from ..models import Registration
from ..selectors import registration_get_for_user
from ..services import (
    registration_extend_request,
    registration_update_progress,
)
from . import router
from .schemas import RegistrationOut


class ExtendIn(InputSchema):
    reason: str = Field(..., max_length=2000)
    days: int | None = Field(None, description="default 30, at most 180")


class ExtendOut(Schema):
    approval_id: int
    status: str


class ProgressIn(InputSchema):
    """Any of: the stage, the estimated amount, a progress note."""

    stage: choice(Registration.Stage) | None = None
    estimated_amount: Decimal | None = None
    notes: str | None = Field(None, max_length=5000)


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
