"""Target pages: the list with attainment, setting an HQ target, and one target with its
decomposition (the children's values in one form; whether they add up is shown)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.listing import query_choice
from qudao.core.paging import paginate
from qudao.core.web import (
    attempt_form_message,
    attempt_message,
    get_or_404,
    posted,
    refusal,
)

from ..forms.targets import TargetForm, TargetValueForm
from ..metrics import METRICS, metric_choices
from ..models import UnitKind
from ..selectors.dashboard import in_filters
from ..selectors.targets import (
    target_child_units,
    target_get_for_user,
    targets_search,
    with_attainment,
)
from ..services import target_children_set, target_create, target_delete, target_update
from ..services.common import is_hq_planner
from ..services.targets import target_can_change, target_can_plan
from .common import create_page, filters_from


@login_required
def target_list(request):
    form, filters = filters_from(request)
    metric = request.GET.get("metric", "")
    rows = targets_search(
        request.user,
        period=filters.period,
        metric=query_choice(request, "metric", METRICS),
        unit_kind=query_choice(request, "unit_kind", UnitKind.values),
    )
    rows = in_filters(rows, filters, tier=None)
    page = paginate(request, rows)
    with_attainment(list(page.object_list))
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "metric": metric,
        "metrics": metric_choices(),
        "unit_kinds": UnitKind.choices,
        "can_create": is_hq_planner(request.user),
    }
    return render(request, "performance/targets/list.html", context)


@login_required
def target_new(request):
    if not is_hq_planner(request.user):
        raise PermissionDenied
    form = TargetForm(posted(request))
    return create_page(
        request,
        form,
        lambda: target_create(actor=request.user, data=form.cleaned_data),
        success=_("Target set."),
        detail="performance:target-detail",
        template="performance/targets/form.html",
    )


@login_required
def target_detail(request, pk: int):
    target = get_or_404(target_get_for_user, request.user, pk)
    error = None
    if request.method == "POST":
        values = {
            key[len("unit:") :]: value.strip()
            for key, value in request.POST.items()
            if key.startswith("unit:")
        }
        try:
            saved = target_children_set(actor=request.user, parent=target, values=values)
        except (ValidationError, PermissionDenied) as problem:
            error = refusal(problem)
        else:
            messages.success(request, _("%(count)s targets decomposed.") % {"count": len(saved)})
            return redirect("performance:target-detail", pk=pk)
    with_attainment([target])
    units = target_child_units(request.user, target)
    children = with_attainment(
        list(target.children.select_related("region", "partner", "person").order_by("unit_key"))
    )
    by_key = {child.unit_key: child for child in children}
    for unit in units:
        unit["child"] = by_key.get(unit["key"])
        unit["posted"] = (
            request.POST.get(f"unit:{unit['key']}") if request.method == "POST" else None
        )
    context = {
        "target": target,
        "units": units,
        "children": children,
        "error": error,
        "can_plan": target_can_plan(request.user, target),
        "can_change": target_can_change(request.user, target),
        "additive": METRICS[target.metric].additive,
        "value_form": TargetValueForm(initial={"value": target.value, "note": target.note}),
    }
    return render(request, "performance/targets/detail.html", context)


@login_required
@require_POST
def target_edit(request, pk: int):
    target = get_or_404(target_get_for_user, request.user, pk)
    attempt_form_message(
        request,
        TargetValueForm(request.POST),
        lambda data: target_update(
            actor=request.user, target=target, value=data["value"], note=data["note"]
        ),
        _("Saved."),
    )
    return redirect("performance:target-detail", pk=pk)


@login_required
@require_POST
def target_remove(request, pk: int):
    target = get_or_404(target_get_for_user, request.user, pk)
    parent = target.parent_id
    if attempt_message(
        request, lambda: target_delete(actor=request.user, target=target) or True, _("Deleted.")
    ):
        return (
            redirect("performance:target-detail", pk=parent)
            if parent
            else redirect("performance:target-list")
        )
    return redirect("performance:target-detail", pk=pk)


urlpatterns = [
    path("targets/", target_list, name="target-list"),
    path("targets/new/", target_new, name="target-create"),
    path("targets/<int:pk>/", target_detail, name="target-detail"),
    path("targets/<int:pk>/edit/", target_edit, name="target-edit"),
    path("targets/<int:pk>/delete/", target_remove, name="target-delete"),
]
