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

from ..forms.plan import WorkItemForm
from ..models import WorkItem
from ..selectors.health import alerts_of, health_reasons
from ..selectors.plan import gantt_data, work_item_get, work_items_of
from ..services import plan as plan_services
from ..services.common import project_can_change
from ..services.health import project_health_refresh
from .base import initial_of, item_action_view, item_views, project_or_404, render_tab


def _render(request, project, form=None, edit_item=None):
    can = project_can_change(request.user, project)
    if form is None and can:
        form = WorkItemForm(project=project, initial={"due_date": timezone.localdate()})
    today = timezone.localdate()
    items = list(work_items_of(project))
    for item in items:
        item.overdue = item.is_open and item.due_date < today
    context = {
        "items": items,
        "form": form,
        "edit_item": edit_item,
        "can_edit": can,
        "statuses": WorkItem.Status.choices,
        "health_reasons": health_reasons(project),
        "alerts": list(alerts_of(project)[:10]),
        "gantt_url": reverse("projects:work-gantt-data", args=[project.pk]),
    }
    return render_tab(request, project, "work", "projects/plan.html", context)


@login_required
def work_plan(request, pk):
    return _render(request, project_or_404(request.user, pk))


@login_required
def gantt_json(request, pk):
    """The chart's data as JSON (the page's own session; the API uses bearer tokens)."""
    project = project_or_404(request.user, pk)
    return JsonResponse(gantt_data(project), json_dumps_params={"ensure_ascii": False})


TAB = "projects:work-plan"


def _item_form(data, project, item=None):
    if item is None:
        return WorkItemForm(data, project=project)
    initial = initial_of(
        item,
        ("kind", "name", "start_date", "due_date", "status", "note"),
        owner=item.owner_id,
        depends_on=item.depends_on_id,
    )
    return WorkItemForm(data, project=project, exclude_pk=item.pk, initial=initial)


work_item_add, work_item_edit = item_views(
    TAB,
    _item_form,
    work_item_get,
    gettext_lazy("Added to the plan."),
    create=plan_services.work_item_create,
    update=lambda user, item, data: plan_services.work_item_update(
        actor=user, item=item, data=data
    ),
    show=lambda request, project, form, item=None: _render(
        request, project, form=form, edit_item=item
    ),
)


work_item_status = item_action_view(
    TAB,
    work_item_get,
    lambda request, project, item: plan_services.work_item_update(
        actor=request.user, item=item, data={"status": request.POST.get("status", "")}
    ),
    gettext_lazy("Saved."),
)
work_item_delete = item_action_view(
    TAB,
    work_item_get,
    lambda request, project, item: plan_services.work_item_delete(actor=request.user, item=item),
    gettext_lazy("Removed from the plan."),
)


@login_required
@require_POST
def health_check(request, pk):
    """Recompute this project's health now (the daily check does it for every project)."""
    project = project_or_404(request.user, pk)
    project_health_refresh(project=project)
    messages.success(request, _("Health checked."))
    return redirect(TAB, pk=project.pk)


urlpatterns = [
    path("<int:pk>/work/", work_plan, name="work-plan"),
    path("<int:pk>/work/gantt.json", gantt_json, name="work-gantt-data"),
    path("<int:pk>/work/add/", work_item_add, name="work-item-add"),
    path("<int:pk>/work/<int:item_pk>/edit/", work_item_edit, name="work-item-edit"),
    path("<int:pk>/work/<int:item_pk>/status/", work_item_status, name="work-item-status"),
    path("<int:pk>/work/<int:item_pk>/delete/", work_item_delete, name="work-item-delete"),
    path("<int:pk>/health/check/", health_check, name="health-check"),
]
