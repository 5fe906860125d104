"""The audit trail of one object, or of everything for a system admin."""

from datetime import datetime

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from .. import scopes, selectors
from ..errors import PermissionDenied
from ..schemas import ERRORS, error_response, page_of
from ..services.audit import audit_can_browse

router = Router()


class ChangeOut(Schema):
    field: str = Field(description="the field's name")
    before: object | None = Field(description="as stored: a code, an id, an ISO time")
    after: object | None
    label: str = Field(description="the field's label, in the request's language")
    before_text: str | None = Field(description="the value as the pages show it")
    after_text: str | None


class AuditOut(Schema):
    id: int
    object_type: str
    object_id: str
    object_repr: str
    action: str
    actor: str | None
    note: str
    created_at: datetime
    changes: list[ChangeOut]


class AuditPage(Schema):
    items: list[AuditOut]
    count: int
    page: int
    page_size: int


class AuditFilter(Schema):
    model: str = Field("", description="app_label.model, e.g. partners.partner")
    object_id: str = ""
    page: int = 1
    page_size: int = 20


def audit_page(user, rows, page: int, page_size: int) -> dict:
    def serialise(row):
        entry = row["entry"]
        return {
            "id": entry.pk,
            "object_type": f"{entry.content_type.app_label}.{entry.content_type.model}",
            "object_id": entry.object_id,
            "object_repr": entry.object_repr,
            "action": entry.action,
            "actor": str(entry.actor) if entry.actor else None,
            "note": entry.note,
            "created_at": entry.created_at,
            "changes": [
                {
                    "field": change["name"],
                    "before": change["stored_before"],
                    "after": change["stored_after"],
                    "label": str(change["field"]),
                    "before_text": _text(change["before"]),
                    "after_text": _text(change["after"]),
                }
                for change in row["changes"]
            ],
        }

    result = page_of(rows, page, page_size)
    result["items"] = [serialise(row) for row in selectors.audit_rows(result["items"])]
    return result


def _text(value) -> str | None:
    return None if value is None else str(value)


@router.get("/audit", response={200: AuditPage, **ERRORS}, tags=["audit"])
def audit_list(request, filters: Query[AuditFilter]):
    """The audit trail of one object (model + object_id), or everything for a system admin."""
    user = request.user
    if filters.model:
        try:
            model = apps.get_model(filters.model)
            obj = scopes.visible(model._default_manager.all(), user).get(pk=filters.object_id)
        except (LookupError, ValueError, ObjectDoesNotExist):
            return error_response(404, "not_found", _("Not found."))
        rows = selectors.audit_entries_for_object(obj).select_related("content_type")
    elif audit_can_browse(user):
        rows = selectors.audit_entries_visible_to(user)
    else:
        raise PermissionDenied(_("Give model and object_id, or ask a system admin."))
    return audit_page(user, rows, filters.page, filters.page_size)
