"""The dashboard (HQ, region, channel manager, partner: the same page in each user's scope) and
the JSON that feeds its charts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..selectors.dashboard import dashboard_data
from ..services import facts_refresh_request
from ..services.common import is_hq_planner
from .common import filters_from


@login_required
def dashboard(request):
    form, filters = filters_from(request)
    data = dashboard_data(request.user, filters, charts=False)
    context = {
        "form": form,
        "filters": filters,
        "data": data,
        "data_url": f"{reverse('performance:dashboard-data')}?{filters.query()}",
        "can_refresh": is_hq_planner(request.user),
        "chart_labels": {
            "won": _("Won amount"),
            "registrations": _("Registrations submitted"),
            "amount": _("Amount"),
            "gap": _("Gap"),
            "rate": _("Closure rate %"),
            "count_unit": _("count"),
            "empty": _("No data for these filters."),
        },
    }
    return render(request, "performance/dashboard.html", context)


@login_required
def dashboard_json(request):
    _form, filters = filters_from(request)
    return JsonResponse(
        dashboard_data(request.user, filters), json_dumps_params={"ensure_ascii": False}
    )


@login_required
@require_POST
def facts_refresh(request):
    """HQ asks the worker to bring the facts up to date now, before the scheduled refresh."""
    facts_refresh_request(actor=request.user)

    messages.success(request, _("The figures are being refreshed by the worker."))
    return redirect("performance:dashboard")


urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("dashboard/data/", dashboard_json, name="dashboard-data"),
    path("facts/refresh/", facts_refresh, name="facts-refresh"),
]
