"""What a registration's approvals decide, for the approvals page (core.hooks.approval_kind's
`panel`): a review shows the registration's key fields and its conflicts as the viewer may see
them (the same panel as the registration page); an extension its clock and the days asked.
Read through the viewer's scope: outside it, no panel."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from qudao.core.models import ApprovalRequest, User

from ..models import Registration
from .conflicts import conflicts_for_viewer, level_of
from .registrations import registration_get_for_user


def _registration(approval: ApprovalRequest, viewer: User) -> Registration | None:
    try:
        return registration_get_for_user(viewer, int(approval.object_id))
    except (Registration.DoesNotExist, ValueError):
        return None


def _labelled(row: dict, colours: dict) -> dict:
    level = level_of(row["level"])
    labels = {"level_label": level.label, "colour": colours[level]}
    if "status" in row:
        labels["status_label"] = Registration.Status(row["status"]).label
    return row | labels


def review_panel(approval: ApprovalRequest, viewer: User) -> tuple[str, dict[str, Any]] | None:
    registration = _registration(approval, viewer)
    if registration is None:
        return None
    # The conflict panel's labels and colours, as the registration page gives them.
    from ..views.base import LEVEL_COLOURS, hint

    conflicts = conflicts_for_viewer(viewer, registration)
    context = {
        "registration": registration,
        "products": list(registration.products.all()),
        "conflicts": conflicts,
        "conflict_levels": [
            {"count": row["count"], **hint(level_of(row["level"]))} for row in conflicts["levels"]
        ],
        "candidates": [_labelled(c, LEVEL_COLOURS) for c in conflicts.get("candidates", [])],
        "vendor_hits": [_labelled(h, LEVEL_COLOURS) for h in conflicts.get("vendor", [])],
        "hint": hint(level_of(conflicts["level"])),
        "is_partner": viewer.is_partner_user,
        "earlier_claim": conflicts.get("earlier_claim", False),
        "override_reason": (approval.payload or {}).get("override_reason", ""),
    }
    return "registrations/approvals/_review_panel.html", context


def extension_panel(approval: ApprovalRequest, viewer: User) -> tuple[str, dict[str, Any]] | None:
    registration = _registration(approval, viewer)
    if registration is None:
        return None
    payload = approval.payload or {}
    field = Registration._meta.get_field
    rows = [
        {"label": field("partner").verbose_name, "value": registration.partner},
        {"label": field("customer_name").verbose_name, "value": registration.customer_name},
        {"label": field("project_name").verbose_name, "value": registration.project_name},
        {
            "label": field("estimated_amount").verbose_name,
            "value": registration.estimated_amount,
            "format": "money",
        },
        {
            "label": field("protection_until").verbose_name,
            "value": registration.protection_until,
            "format": "date",
        },
        {"label": _("Days requested"), "value": payload.get("days", "")},
    ]
    return "core/approvals/_summary.html", {
        "rows": rows,
        "note": payload.get("reason", ""),
        "link": registration.get_absolute_url(),
        "link_label": registration.number,
    }
