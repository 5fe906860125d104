"""The "Work & Gantt" tab: the project's health with its reasons and alerts, the Gantt chart
(ECharts, fed by a JSON view of the stages and the plan), and the plan's milestones and tasks with
adding, editing, a quick status change and removing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError

from .. import selectors_work as reads
from ..forms_work import WorkItemForm
from ..models import WorkItem
from ..services import work as services
from ..services.health import project_health_refresh
from .base import project_or_404, refusal, render_tab
from .tabs import register_tab
from .work_base import attempt, child_or_404, editable, posted


def _render(request, project, form=None, edit_item=None):
    can = editable(request.user, project)
    if form is None and can:
        form = WorkItemForm(project=project, initial={"due_date": timezone.localdate()})
    today = timezone.localdate()
    items = list(reads.work_items_of(project))
    for item in items:
        item.overdue = item.is_open and item.due_date < today
    context = {
        "items": items,
        "form": form,
        "edit_item": edit_item,
        "can_edit": can,
        "statuses": WorkItem.Status.choices,
        "health_reasons": reads.health_reasons(project),
        "alerts": list(reads.alerts_of(project)[:10]),
        "gantt_url": reverse("projects:work-gantt-data", args=[project.pk]),
    }
    return render_tab(request, project, "work", "projects/work/plan.html", context)


@login_required
def work_plan(request, pk):
    return _render(request, project_or_404(request.user, pk))


@login_required
def gantt_data(request, pk):
    """The chart's data as JSON (the page's own session; the API uses bearer tokens)."""
    project = project_or_404(request.user, pk)
    return JsonResponse(reads.gantt_data(project), json_dumps_params={"ensure_ascii": False})


def _data(form) -> dict:
    return dict(form.cleaned_data)


@login_required
@require_POST
def work_item_add(request, pk):
    project = project_or_404(request.user, pk)
    form = WorkItemForm(request.POST, project=project)
    if form.is_valid() and attempt(
        form,
        lambda: services.work_item_create(actor=request.user, project=project, data=_data(form)),
    ):
        messages.success(request, _("Added to the plan."))
        return redirect("projects:work-plan", pk=project.pk)
    return _render(request, project, form=form)


@login_required
def work_item_edit(request, pk, item_pk):
    project = project_or_404(request.user, pk)
    item = child_or_404(reads.work_item_get, project, item_pk)
    initial = {
        "kind": item.kind,
        "name": item.name,
        "owner": item.owner_id,
        "start_date": item.start_date,
        "due_date": item.due_date,
        "status": item.status,
        "depends_on": item.depends_on_id,
        "note": item.note,
    }
    form = WorkItemForm(posted(request), project=project, exclude_pk=item.pk, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.work_item_update(actor=request.user, item=item, data=_data(form)),
        )
    ):
        messages.success(request, _("Saved."))
        return redirect("projects:work-plan", pk=project.pk)
    return _render(request, project, form=form, edit_item=item)


@login_required
@require_POST
def work_item_status(request, pk, item_pk):
    project = project_or_404(request.user, pk)
    item = child_or_404(reads.work_item_get, project, item_pk)
    try:
        services.work_item_update(
            actor=request.user, item=item, data={"status": request.POST.get("status", "")}
        )
    except (ValidationError, ConflictError, PermissionDenied) as refused:
        messages.error(request, refusal(refused))
    else:
        messages.success(request, _("Saved."))
    return redirect("projects:work-plan", pk=project.pk)


@login_required
@require_POST
def work_item_delete(request, pk, item_pk):
    project = project_or_404(request.user, pk)
    item = child_or_404(reads.work_item_get, project, item_pk)
    try:
        services.work_item_delete(actor=request.user, item=item)
    except (ConflictError, PermissionDenied) as refused:
        messages.error(request, refusal(refused))
    else:
        messages.success(request, _("Removed from the plan."))
    return redirect("projects:work-plan", pk=project.pk)


@login_required
@require_POST
def health_check(request, pk):
    """Recompute this project's health now (the daily check does it for every project)."""
    project = project_or_404(request.user, pk)
    project_health_refresh(project=project)
    messages.success(request, _("Health checked."))
    return redirect("projects:work-plan", pk=project.pk)


urlpatterns = [
    path("<int:pk>/work/", work_plan, name="work-plan"),
    path("<int:pk>/work/gantt.json", gantt_data, name="work-gantt-data"),
    path("<int:pk>/work/add/", work_item_add, name="work-item-add"),
    path("<int:pk>/work/<int:item_pk>/edit/", work_item_edit, name="work-item-edit"),
    path("<int:pk>/work/<int:item_pk>/status/", work_item_status, name="work-item-status"),
    path("<int:pk>/work/<int:item_pk>/delete/", work_item_delete, name="work-item-delete"),
    path("<int:pk>/health/check/", health_check, name="health-check"),
]

register_tab("work", gettext_lazy("Work & Gantt"), "projects:work-plan", order=40)
