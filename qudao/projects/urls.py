"""The projects app's pages: every views module's `urlpatterns`, one module per feature."""

from .views import (
    closing,
    documents,
    editing,
    history,
    lists,
    meetings,
    overview,
    partner_tab,
    plan,
    resources,
    risks,
    stages,
    stocktake,
    templates,
    weekly,
)

app_name = "projects"

urlpatterns = [
    *lists.urlpatterns,
    *editing.urlpatterns,
    *templates.urlpatterns,
    *overview.urlpatterns,
    *stages.urlpatterns,
    *documents.urlpatterns,
    *history.urlpatterns,
    *plan.urlpatterns,
    *risks.urlpatterns,
    *meetings.urlpatterns,
    *weekly.urlpatterns,
    *resources.urlpatterns,
    *closing.urlpatterns,
    *stocktake.urlpatterns,
    *partner_tab.urlpatterns,
]
