"""The audit trail of the whole system, for a system admin."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import selectors
from ..errors import PermissionDenied
from ..models import AuditEntry
from ..paging import paginate
from ..services.audit import audit_can_browse


@login_required
def audit_list(request):
    if not audit_can_browse(request.user):
        raise PermissionDenied
    rows = selectors.audit_entries_visible_to(request.user)
    q, action = request.GET.get("q", "").strip(), request.GET.get("action", "")
    if q:
        rows = rows.filter(object_repr__icontains=q)
    if action in AuditEntry.Action.values:
        rows = rows.filter(action=action)
    page = paginate(request, rows)
    page.object_list = selectors.audit_rows(page.object_list)
    return render(
        request,
        "core/audit/list.html",
        {"page": page, "q": q, "action": action, "actions": AuditEntry.Action.choices},
    )
