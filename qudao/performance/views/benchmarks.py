"""Benchmarks (标杆): a group of comparable units for a period, their values and gaps, the
benchmark unit marked, practice notes to read and write, and a gap → corrective action."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.errors import PermissionDenied
from qudao.core.web import attempt_message, get_or_404

from ..forms.benchmarks import BenchmarkFilterForm
from ..models import BenchmarkGroup, BenchmarkMetric, CorrectiveAction
from ..periods import Period
from ..selectors.benchmarks import (
    benchmark_entries,
    benchmark_groups,
    benchmark_notes,
    entries_visible_to,
)
from ..services import benchmark_note_add, benchmarks_compute, default_owner
from ..services.actions import action_create
from ..services.common import is_hq_planner, is_manager
from .common import action_raise_page


def _filters(source):
    form = BenchmarkFilterForm(source or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, data.get("period") or Period.current(), data


@login_required
def benchmark_list(request):
    form, period, data = _filters(request.GET)
    groups = benchmark_groups(request.user, period)
    group_kind, group_key = data.get("group_kind") or "", data.get("group") or ""
    if not group_kind and groups:
        group_kind, group_key = groups[0]["group_kind"], groups[0]["group_key"]
    metric = data.get("metric") or ""
    entries = list(
        benchmark_entries(
            request.user, period, group_kind=group_kind, group_key=group_key, metric=metric
        )[:500]
    )
    context = {
        "form": form,
        "period": period,
        "groups": groups,
        "group_kind": group_kind,
        "group_key": group_key,
        "metric": metric,
        "metrics": BenchmarkMetric.choices,
        "group_kinds": dict(BenchmarkGroup.choices),
        "entries": entries,
        "notes": benchmark_notes(
            request.user,
            [g for g in groups if g["group_kind"] == group_kind and g["group_key"] == group_key],
            metric,
        ),
        "show_names": not request.user.is_partner_user,
        "can_write": is_manager(request.user),
        "can_compute": is_hq_planner(request.user),
    }
    return render(request, "performance/benchmarks/list.html", context)


@login_required
@require_POST
def benchmark_compute(request):
    if not is_hq_planner(request.user):
        raise PermissionDenied
    _form, period, _data = _filters(request.POST)
    result = benchmarks_compute(period=period)
    messages.success(
        request, _("%(count)s benchmark entries computed.") % {"count": result["entries"]}
    )
    return redirect(f"{reverse('performance:benchmark-list')}?period={period.label}")


@login_required
@require_POST
def benchmark_note(request):
    _form, period, data = _filters(request.POST)
    attempt_message(
        request,
        lambda: benchmark_note_add(
            actor=request.user,
            group_kind=request.POST.get("group_kind", ""),
            group_key=request.POST.get("group", ""),
            metric=request.POST.get("metric", ""),
            period=period,
            text=request.POST.get("text", ""),
        ),
        _("Practice note saved."),
    )
    query = urlencode(
        {
            "period": period.label,
            "group_kind": request.POST.get("group_kind", ""),
            "group": request.POST.get("group", ""),
        }
    )
    return redirect(f"{reverse('performance:benchmark-list')}?{query}")


@login_required
@require_POST
def benchmark_gap_action(request, pk: int):
    """A unit's gap to the benchmark becomes a corrective action (one click)."""
    entry = get_or_404(lambda user, key: entries_visible_to(user).get(pk=key), request.user, pk)
    owner = default_owner(actor=request.user, partner=entry.partner, region=entry.region)
    return action_raise_page(
        request,
        lambda: action_create(
            actor=request.user,
            data={
                "title": _("Gap to the benchmark in %(metric)s (%(group)s, %(period)s): %(gap)s")
                % {
                    "metric": entry.get_metric_display(),
                    "group": entry.group_label,
                    "period": entry.period_label,
                    "gap": entry.gap,
                },
                "source_kind": CorrectiveAction.SourceKind.BENCHMARK,
                "source_ref": ":".join(
                    (entry.group_kind, entry.group_key, entry.metric, entry.period_label)
                ),
                "partner": entry.partner,
                "region": None if entry.partner_id else entry.region,
                "owner": owner,
                "due_date": timezone.localdate() + datetime.timedelta(days=30),
            },
            source=entry,
        ),
        "performance:benchmark-list",
    )


urlpatterns = [
    path("benchmarks/", benchmark_list, name="benchmark-list"),
    path("benchmarks/compute/", benchmark_compute, name="benchmark-compute"),
    path("benchmarks/notes/", benchmark_note, name="benchmark-note"),
    path("benchmarks/<int:pk>/action/", benchmark_gap_action, name="benchmark-action"),
]
