"""Shared API schema pieces."""

from typing import Any

from django.http import JsonResponse
from ninja import Schema

from .paging import IdsFirstPaginator

MAX_PAGE_SIZE = 200


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
