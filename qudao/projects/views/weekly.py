"""The "Weekly reports" tab (周报): the team's reports, newest week first, and the form for the
user's own report of a week (this week by default; saving again revises it)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core.paging import paginate
from qudao.core.web import attempt

from ..forms.weekly import WeeklyReportForm
from ..selectors.weekly import weekly_report_mine, weekly_reports_of
from ..services import weekly as weekly_services
from ..services.common import project_can_change
from .base import project_or_404, render_tab

PER_PAGE = 20


def _render(request, project, form=None):
    can = project_can_change(request.user, project)
    today = timezone.localdate()
    if form is None and can:
        mine = weekly_report_mine(project, request.user, today)
        initial = {"week": today}
        if mine is not None:
            initial |= {
                "this_week": mine.this_week,
                "next_week": mine.next_week,
                "problems": mine.problems,
            }
        form = WeeklyReportForm(initial=initial)
    context = {
        "page": paginate(request, weekly_reports_of(project), PER_PAGE),
        "form": form,
        "can_edit": can,
    }
    return render_tab(request, project, "weekly", "projects/weekly.html", context)


@login_required
def weekly_reports(request, pk):
    project = project_or_404(request.user, pk)
    if request.method != "POST":
        return _render(request, project)
    form = WeeklyReportForm(request.POST)
    saved = form.is_valid() and attempt(
        form,
        lambda: weekly_services.weekly_report_save(
            actor=request.user,
            project=project,
            data=form.cleaned_data,
            week=form.cleaned_data.get("week"),
        ),
    )
    if saved:
        _report, created = saved
        messages.success(
            request, _("Weekly report saved.") if created else _("Weekly report revised.")
        )
        return redirect("projects:work-weekly", pk=project.pk)
    return _render(request, project, form=form)


urlpatterns = [path("<int:pk>/weekly/", weekly_reports, name="work-weekly")]
