"""The performance pages; importing this package registers the navigation entry and home card."""

from . import actions, alerts, benchmarks, dashboard, rebates, reports, scorecards, targets

urlpatterns = [
    *dashboard.urlpatterns,
    *targets.urlpatterns,
    *scorecards.urlpatterns,
    *rebates.urlpatterns,
    *benchmarks.urlpatterns,
    *actions.urlpatterns,
    *alerts.urlpatterns,
    *reports.urlpatterns,
]
