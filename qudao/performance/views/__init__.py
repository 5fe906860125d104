"""The performance pages, one module per feature; qudao/performance/urls.py mounts them."""

from . import (
    actions,
    alerts,
    benchmarks,
    dashboard,
    partner_tab,
    rebates,
    reports,
    scorecards,
    targets,
)

urlpatterns = [
    *dashboard.urlpatterns,
    *targets.urlpatterns,
    *scorecards.urlpatterns,
    *rebates.urlpatterns,
    *benchmarks.urlpatterns,
    *actions.urlpatterns,
    *alerts.urlpatterns,
    *reports.urlpatterns,
    *partner_tab.urlpatterns,
]
