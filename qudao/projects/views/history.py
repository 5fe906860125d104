"""The history tab: every stage transition (who, when, from → to, comment) and the project's
audit trail (data, owner and team changes)."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from ..selectors.history import project_history, project_transitions
from .base import project_or_404, render_tab


@login_required
def history(request, pk):
    project = project_or_404(request.user, pk)
    context = {
        "transitions": list(project_transitions(project)),
        "history": project_history(project),
    }
    return render_tab(request, project, "history", "projects/history.html", context)


urlpatterns = [path("<int:pk>/history/", history, name="project-history")]
