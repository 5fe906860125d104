"""The outcome: won, lost or cancelled."""

from ninja import Field

from qudao.core.api import ERRORS
from qudao.core.schemas import InputSchema

from ..selectors import registration_get_for_user
from ..services import (
    registration_close,
)
from . import router
from .schemas import RegistrationOut


class RegistrationCloseIn(InputSchema):
    outcome: str = Field(..., description="won, lost or cancelled")
    reason: str = Field("", max_length=2000, description="required for lost and cancelled")


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
