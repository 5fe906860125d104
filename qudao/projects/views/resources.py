"""Resource requests (资源求助) for a department: the requests routed to it (the user's own
department by default), with the answer form for those who may answer (the department's
members, HQ). Projects ask from their "Risks & issues" tab."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.paging import paginate
from qudao.core.web import get_or_404, refusal

from ..forms.resources import ResourceFilterForm, RespondForm
from ..selectors.resources import resource_request_get_for_user, resource_requests_search
from ..services import resources as resource_services


@login_required
def resource_requests(request):
    user = request.user
    if user.is_partner_user:
        raise Http404
    data = request.GET.copy()
    if "department" not in data and user.department_id:
        data["department"] = str(user.department_id)
    filters = ResourceFilterForm(data)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    department = chosen.get("department")
    rows = resource_requests_search(
        user, department=department.pk if department else None, status=chosen.get("status") or ""
    )
    page = paginate(request, rows)
    for item in page:
        item.answerable = item.is_pending and resource_services.resource_request_can_answer(
            user, item
        )
    context = {"filters": filters, "page": page, "respond_form": RespondForm(auto_id=False)}
    return render(request, "projects/resource_requests.html", context)


@login_required
@require_POST
def resource_request_respond(request, pk):
    found = get_or_404(resource_request_get_for_user, request.user, pk)
    form = RespondForm(request.POST)
    if form.is_valid():
        try:
            resource_services.resource_request_respond(
                actor=request.user,
                request=found,
                status=form.cleaned_data["status"],
                response=form.cleaned_data["response"],
            )
        except (ValidationError, ConflictError, PermissionDenied) as refused:
            messages.error(request, f"{found.title}: {refusal(refused)}")
        else:
            messages.success(request, _("Answered."))
    back = request.POST.get("back") or ""
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "projects:resource-requests"
    return redirect(back)


urlpatterns = [
    path("resource-requests/", resource_requests, name="resource-requests"),
    path(
        "resource-requests/<int:pk>/respond/",
        resource_request_respond,
        name="resource-request-respond",
    ),
]
