"""Background work of the performance module, run by the task worker (`manage.py worker`).

- `facts_refresh_task`: the facts of what changed since the last run, every
  PERFORMANCE_REFRESH_MINUTES (the workers' scheduler; `manage.py performance_refresh` by hand).
- `performance_daily_task` (the app's daily job): rebuild the facts from scratch, then
  the current periods' scorecards and benchmarks, alerts, and the escalation of overdue actions.
- the compute tasks for one period, enqueued from the pages when a scope is too large to compute
  while the user waits.
"""

from django.utils import timezone
from django_tasks import task

from .periods import QUARTER, Period


@task()
def facts_refresh_task() -> dict:
    from .services import facts_refresh

    return facts_refresh()


@task()
def scorecards_compute_task(period: str) -> dict:
    from .services import scorecards_compute

    return scorecards_compute(period=Period.parse(period))


@task()
def rebates_compute_task(period: str) -> dict:
    from .services import rebates_compute

    return rebates_compute(period=Period.parse(period))


@task()
def performance_daily_task() -> dict:
    from .models import KpiScheme
    from .services import (
        actions_escalate_overdue,
        alerts_detect,
        benchmarks_compute,
        facts_rebuild,
        scorecards_compute,
    )

    today = timezone.localdate()
    result = {"facts": facts_rebuild()}
    kinds = set(KpiScheme.objects.filter(is_active=True).values_list("period_kind", flat=True))
    result["scorecards"] = {
        kind: scorecards_compute(period=Period.of(kind, today)) for kind in sorted(kinds)
    }
    result["benchmarks"] = benchmarks_compute(period=Period.of(QUARTER, today))
    result["alerts"] = alerts_detect(today)
    result["escalated"] = actions_escalate_overdue(today)
    return result
