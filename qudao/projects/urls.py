"""The projects app's pages. The work_* view modules (the project's work tabs, another helper's)
are listed here explicitly: keep the list equal to `ls qudao/projects/views/work_*.py`. Importing
them here also registers their tabs (ProjectsConfig.ready imports this module)."""

from .views import (
    documents,
    editing,
    history,
    lists,
    overview,
    process_templates,
    stages,
    work_base,
    work_closing,
    work_meetings,
    work_plan,
    work_resources,
    work_risks,
    work_stocktake,
    work_weekly,
)

app_name = "projects"

WORK_MODULES = [
    work_base,
    work_plan,
    work_risks,
    work_meetings,
    work_weekly,
    work_resources,
    work_closing,
    work_stocktake,
]

urlpatterns = [
    *lists.urlpatterns,
    *editing.urlpatterns,
    *process_templates.urlpatterns,
    *overview.urlpatterns,
    *stages.urlpatterns,
    *documents.urlpatterns,
    *history.urlpatterns,
    *(pattern for module in WORK_MODULES for pattern in module.urlpatterns),
]
