"""Resource requests (资源求助) for a department: the requests routed to it (the user's own
department by default), with the answer form for those who may answer (the department's
members, HQ). Projects ask from their "Risks & issues" tab."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qudao.core import navigation
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.paging import paginate

from .. import selectors_work as reads
from ..forms_work import ResourceFilterForm, RespondForm
from ..services import meetings as services
from .base import refusal


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
    rows = reads.resource_requests_search(
        user, department=department.pk if department else None, status=chosen.get("status") or ""
    )
    page = paginate(request, rows)
    for item in page:
        item.answerable = item.status in ("open", "accepted") and reads.can_answer_request(
            user, item
        )
    context = {"filters": filters, "page": page, "respond_form": RespondForm(auto_id=False)}
    return render(request, "projects/work/resource_requests.html", context)


@login_required
@require_POST
def resource_request_respond(request, pk):
    try:
        found = reads.resource_request_get_for_user(request.user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    form = RespondForm(request.POST)
    if form.is_valid():
        try:
            services.resource_request_respond(
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

navigation.register(
    navigation.NavItem(
        key="resource-requests",
        label=gettext_lazy("Resource requests"),
        url_name="projects:resource-requests",
        icon="bi-life-preserver",
        order=43,
    )
)
