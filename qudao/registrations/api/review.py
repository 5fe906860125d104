"""The reviewer's decision: approve (with an override reason), reject, request information."""

from ninja import Field

from qudao.core.api import ERRORS
from qudao.core.schemas import InputSchema
from qudao.core.services.approvals import Decision

from ..models import Registration
from ..selectors import registration_get_for_user
from ..services import (
    registration_decide,
)
from . import router
from .schemas import RegistrationOut


class RegistrationDecisionIn(InputSchema):
    comment: str = Field("", max_length=2000)
    override_reason: str = Field("", max_length=500)
    version: int | None = Field(None, description="the approval version you saw (stale: 409)")


class RegistrationReasonIn(InputSchema):
    comment: str = Field(..., max_length=2000)
    version: int | None = None


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
