"""What a rebate statement's approval decides, for the approvals page (core.hooks
.approval_kind's `panel`): its figures, its lines and its total, read through the viewer's
scope (statement_get_for_user): outside it, no panel."""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from qudao.core.models import ApprovalRequest, User

from .rebates import statement_get_for_user


def rebate_panel(approval: ApprovalRequest, viewer: User) -> tuple[str, dict[str, Any]] | None:
    try:
        statement = statement_get_for_user(viewer, int(approval.object_id))
    except (ObjectDoesNotExist, ValueError):
        return None
    return "performance/approvals/_rebate_panel.html", {
        "statement": statement,
        "lines": list(statement.lines.order_by("id")),
    }
