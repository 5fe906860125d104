"""The API's shared schema pieces: input bodies, choices, errors and pages."""

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


# The refusals a write endpoint declares: no token, not allowed, not found or out of scope, a
# conflict with the object's state, and input that does not validate.
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PageIn(Schema):
    """The page a list's query parameters ask for (`page_of` clamps the size)."""

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


def page_schema(name: str, item: type[Schema]) -> type[Schema]:
    """The schema of one page of `item` as `page_of` returns it; `name` is its OpenAPI
    component."""
    annotations = {"items": list[item], "count": int, "page": int, "page_size": int}
    return type(name, (Schema,), {"__annotations__": annotations, "__module__": __name__})


class SearchIn(PageIn):
    """A searchable list's query parameters: the page, a search text and a sort key. A subclass
    adds its filters, named as its `*_search` selector names them (see `search_page`)."""

    q: str = ""
    sort: str = ""


def search_page(search, user, filters: PageIn, **values) -> dict[str, Any]:
    """One page of `search(user, **filters)`, a selector returning (rows, sort key applied).
    Every member of `filters` but the page is passed by its name; one not given (None) is
    left out so the selector's default applies; `values` add or replace members."""
    given = filters.dict(exclude={"page", "page_size"})
    given = {name: value for name, value in given.items() if value is not None}
    rows, _sort = search(user, **{**given, **values})
    return page_of(rows, filters.page, filters.page_size)


def user_name(user) -> str | None:
    """A person as a response names them (None when there is none)."""
    return str(user) if user is not None else None


def user_resolver(attr: str) -> staticmethod:
    """A schema's resolver of a person: the name of the user in `attr` (None when there is
    none), as in `resolve_owner = user_resolver("owner")`."""

    def resolve(obj):
        return user_name(getattr(obj, attr))

    return staticmethod(resolve)


def related_resolver(path: str) -> staticmethod:
    """A schema's resolver of a related row's member along the dotted `path`, as in
    `resolve_partner = related_resolver("partner.name")`; None when a relation on the way is
    empty (an empty foreign key is None without a query)."""
    steps = path.split(".")

    def resolve(obj):
        for step in steps:
            if obj is None:
                return None
            obj = getattr(obj, step)
        return obj

    return staticmethod(resolve)


def field_limit(model, field: str) -> int:
    """The max_length of `model`'s `field`: the limit a form and an API schema take, so that
    neither disagrees with the column (or with the other)."""
    return model._meta.get_field(field).max_length
