"""Performance API (/api/v1/performance/…): dashboard data, targets and their decomposition, KPI
schemes and scorecards, rebate policies and statements, benchmarks, corrective actions and
alerts, one module per feature. Everything is scoped like the pages: an object outside the
caller's scope is a 404; the services' refusals are 403 / 409 / 422 with the same messages as
the pages. qudao/api.py mounts `router`."""

from ninja import Router

from . import actions, alerts, benchmarks, dashboard, kpi, rebates, targets

router = Router(tags=["performance"])
for feature in (dashboard, targets, kpi, rebates, benchmarks, actions, alerts):
    router.add_router("", feature.router)
