"""The REST API at /api/v1/: every app's router, bearer-token auth, and JSON errors that carry a
code, a message and field errors."""

from http import HTTPStatus

from django.core.exceptions import ObjectDoesNotExist
from django.db import DataError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import HttpBearer

from qudao.core.api import router as core_router
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.schemas import error_response
from qudao.core.services.auth import api_token_user
from qudao.partners.api import router as partners_router
from qudao.performance.api import router as performance_router
from qudao.projects.api import router as projects_router
from qudao.registrations.api import router as registrations_router


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


_ERROR_RESPONSE = {
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
}


class QudaoAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """`<app label>_<function name>` (e.g. `partners_agreement_list`): an operation keeps its
        id when its endpoint moves to another file of the same app."""
        view = operation.view_func
        return f"{view.__module__.split('.')[1]}_{view.__name__}"

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The OpenAPI document, with every operation also declaring the errors the handlers
        below give it whatever its endpoint does: 401 without a valid token, 422 for parameters
        or a body that do not validate, 400 for a body that cannot be read, 404 for an object in
        the path that does not exist or is out of scope. Each is an ErrorOut."""
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in document["paths"].values():
            for operation in operations.values():
                parameters = operation.get("parameters", [])
                statuses = []
                if operation.get("security"):
                    statuses.append(401)
                if parameters or "requestBody" in operation:
                    statuses.append(422)
                if "requestBody" in operation:
                    statuses.append(400)
                if any(parameter["in"] == "path" for parameter in parameters):
                    statuses.append(404)
                for status in statuses:
                    if status not in operation["responses"]:
                        operation["responses"][status] = _ERROR_RESPONSE | {
                            "description": HTTPStatus(status).phrase
                        }
        return document


api = QudaoAPI(
    title="Qudao API",
    version="1",
    description="渠道项目管理系统 Qudao: channel partners and sales projects.",
    auth=BearerToken(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
# One router per app (`qudao.<app>.api.router`). Each first path segment belongs to one app
# (core/tests/test_api_contract.py checks it), so the order of these lines does not matter.
api.add_router("", core_router)
api.add_router("", partners_router)
api.add_router("/registrations", registrations_router)
api.add_router("", projects_router)
api.add_router("/performance", performance_router)


def error(request, status: int, code: str, message: str, errors: dict | None = None):
    return error_response(status, code, message, errors)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error(request, 401, "unauthorized", _("Log in first: send a valid bearer token."))


@api.exception_handler(SchemaValidationError)
def on_schema_error(request, exc):
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        location = [
            str(part)
            for part in item.get("loc", [])
            if part not in ("body", "query", "path", "payload")
        ]
        errors.setdefault(".".join(location) or "__all__", []).append(_schema_message(item))
    return error(request, 422, "invalid", _("Some fields are not valid."), errors)


def _schema_message(item: dict) -> str:
    # A member no input schema names (InputSchema forbids them) is told in the reader's
    # language; other messages are pydantic's own.
    if item.get("type") == "extra_forbidden":
        return _("This field is not part of the request.")
    return item.get("msg", "")


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    if hasattr(exc, "error_dict"):
        errors = {field: list(messages) for field, messages in exc.message_dict.items()}
        return error(request, 422, "invalid", _("Some fields are not valid."), errors)
    return error(request, 422, "invalid", " ".join(exc.messages), {"__all__": exc.messages})


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return error(request, 403, "forbidden", str(exc) or _("You are not allowed to do this."))


@api.exception_handler(ObjectDoesNotExist)
def on_missing(request, exc):
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(Http404)
def on_404(request, exc):
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def on_out_of_range(request, exc):
    # A number too large for the database column (e.g. an id of 10**30).
    return error(request, 422, "invalid", _("A number in the request is out of range."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    # ninja's own refusals: chiefly a body that is not JSON (400).
    if exc.status_code == 400:
        return error(request, 400, "bad_request", _("The request body could not be read."))
    return error(request, exc.status_code, HTTPStatus(exc.status_code).name.lower(), str(exc))


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request, exc):
    return error(request, 400, "bad_request", _("The uploaded form data could not be read."))


@api.exception_handler(ConflictError)
def on_conflict(request, exc):
    return error(request, 409, "conflict", exc.message)
