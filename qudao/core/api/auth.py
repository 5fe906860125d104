"""Bearer tokens: a user name (or e-mail, mobile) and password for a token."""

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from ..schemas import ErrorOut, InputSchema, error_response
from ..services.auth import (
    InvalidCredentials,
    LoginLocked,
    api_token_issue,
    login_locked_message,
    user_authenticate,
)

router = Router()


class TokenIn(InputSchema):
    username: str = Field(
        ..., min_length=1, max_length=254, description="username, e-mail or mobile"
    )
    password: str = Field(..., min_length=1, max_length=256)


class TokenOut(Schema):
    token: str


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    tags=["auth"],
)
def token_create(request, payload: TokenIn):
    """A bearer token for a user name (or e-mail, mobile) and password. Failed attempts are
    throttled: 429 with `locked_until` while no password is checked."""
    try:
        user = user_authenticate(
            identifier=payload.username,
            password=payload.password,
            client_address=request.META.get("REMOTE_ADDR", ""),
        )
    except LoginLocked as locked:
        response = error_response(
            429,
            "too_many_attempts",
            login_locked_message(locked),
            locked_until=locked.until.isoformat(),
        )
        response["Retry-After"] = str(max(int((locked.until - timezone.now()).total_seconds()), 1))
        return response
    except InvalidCredentials:
        return error_response(
            401, "invalid_credentials", _("The username or password is not correct.")
        )
    return {"token": api_token_issue(user=user)}
