"""Shared API schema pieces."""

from enum import Enum
from typing import Annotated, Any

from django.http import JsonResponse
from ninja import Schema
from pydantic import ConfigDict, WithJsonSchema

from .paging import IdsFirstPaginator

MAX_PAGE_SIZE = 200


class InputSchema(Schema):
    """A JSON request body. A member the schema does not name is refused (422, the member in
    `errors`) instead of being ignored, so a misspelt or misplaced field never passes silently;
    the OpenAPI document says so (`additionalProperties: false`)."""

    model_config = ConfigDict(extra="forbid")


def choice(choices: type[Enum]) -> Any:
    """The type of a field taking one value of a Django choices class, with its values written
    into the field's OpenAPI schema. Choices are nested classes (Project.Status, Risk.Status,
    Alert.Kind) and the OpenAPI document keeps one component per class name, so a shared
    `Status` component would list some other model's states."""
    values = [member.value for member in choices]
    kind = "integer" if all(isinstance(value, int) for value in values) else "string"
    return Annotated[choices, WithJsonSchema({"type": kind, "enum": values})]


class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, list[str]] = {}


class PageIn(Schema):
    page: int = 1
    page_size: int = 20


def page_of(queryset, page: int, page_size: int, serialise=None, load=None) -> dict[str, Any]:
    """One page of a queryset as {"items", "count", "page", "page_size"}; sizes are clamped.
    `load`: see `IdsFirstPaginator`."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    paginator = IdsFirstPaginator(queryset, page_size, load=load)
    current = paginator.get_page(page)
    items = list(current.object_list)
    return {
        "items": [serialise(item) for item in items] if serialise else items,
        "count": paginator.count,
        "page": current.number,
        "page_size": page_size,
    }


def error_response(status: int, code: str, message: str, errors: dict | None = None, **extra):
    """The API's one error shape: {"code", "message", "errors": {field: [messages]}}."""
    body = {"code": code, "message": str(message), "errors": errors or {}, **extra}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
