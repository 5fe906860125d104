"""Alerts (预警): the scoped list, one click to a corrective action, dismissing, and (HQ) running
the detection now."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.errors import PermissionDenied
from qudao.core.listing import query_choice
from qudao.core.paging import paginate
from qudao.core.web import attempt_message, get_or_404

from ..models import Alert
from ..selectors.alerts import alert_get_for_user, alerts_search
from ..services import alert_act, alert_dismiss, alert_text, alerts_detect
from ..services.alerts import alert_can_act
from ..services.common import is_hq_planner
from .common import action_raise_page


@login_required
def alert_list(request):
    status = request.GET.get("status", "open")
    kind = request.GET.get("kind", "")
    rows = alerts_search(
        request.user,
        status=query_choice(request, "status", Alert.Status.values, default="open"),
        kind=query_choice(request, "kind", Alert.Kind.values),
    )
    page = paginate(request, rows)
    for alert in page.object_list:
        alert.text = alert_text(alert)
        alert.can_act = alert.status == Alert.Status.OPEN and alert_can_act(request.user, alert)
    context = {
        "page": page,
        "status": status,
        "kind": kind,
        "statuses": Alert.Status.choices,
        "kinds": Alert.Kind.choices,
        "can_detect": is_hq_planner(request.user),
    }
    return render(request, "performance/alerts/list.html", context)


@login_required
@require_POST
def alert_to_action(request, pk: int):
    alert = get_or_404(alert_get_for_user, request.user, pk)
    return action_raise_page(
        request, lambda: alert_act(actor=request.user, alert=alert), "performance:alert-list"
    )


@login_required
@require_POST
def alert_ignore(request, pk: int):
    alert = get_or_404(alert_get_for_user, request.user, pk)
    attempt_message(
        request, lambda: alert_dismiss(actor=request.user, alert=alert), _("Dismissed.")
    )
    return redirect("performance:alert-list")


@login_required
@require_POST
def alert_detect(request):
    if not is_hq_planner(request.user):
        raise PermissionDenied
    found = alerts_detect()
    messages.success(request, _("%(count)s new alerts.") % {"count": found["new"]})
    return redirect("performance:alert-list")


urlpatterns = [
    path("alerts/", alert_list, name="alert-list"),
    path("alerts/detect/", alert_detect, name="alert-detect"),
    path("alerts/<int:pk>/action/", alert_to_action, name="alert-act"),
    path("alerts/<int:pk>/dismiss/", alert_ignore, name="alert-dismiss"),
]
