"""Weekly reports (周报): one per project, ISO week and author, written and revised by the team.

Everyone who may change the project (common.project_can_edit) writes their own report. The
project row is locked while a report is written (common.project_lock_for_item), so a closed or
lost project refuses every change.
"""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core.models import User
from qudao.core.services.audit import audit_created, audit_updated, snapshot

from ..models import Project, WeeklyReport
from .cleaning import MAX_TEXT, ProjectCleaner
from .common import project_lock_for_item, require_edit


def iso_week_of(day: datetime.date) -> tuple[int, int, datetime.date]:
    """(ISO year, ISO week, its Monday) of `day`."""
    year, week, weekday = day.isocalendar()
    return year, week, day - datetime.timedelta(days=weekday - 1)


def weekly_report_save(
    *,
    actor: User,
    project: Project,
    data: dict[str, Any],
    week: datetime.date | str | None = None,
) -> tuple[WeeklyReport, bool]:
    """Write (or revise) the actor's weekly report of `project` for the ISO week containing
    `week` (default this week). One per project, week and author; never for a future week.
    Returns (report, created)."""
    require_edit(actor, project)
    c = ProjectCleaner(data)
    c.text("this_week", required=True, max_length=MAX_TEXT)
    c.text("next_week", max_length=MAX_TEXT)
    c.text("problems", max_length=MAX_TEXT)
    day = ProjectCleaner({"week": week}).date("week") if week not in (None, "") else None
    if week not in (None, "") and day is None:
        c.errors["week"] = _("Enter a date as YYYY-MM-DD.")
    today = timezone.localdate()
    day = day or today
    if day > today:
        c.errors["week"] = _("You cannot report on a future week.")
    values = c.check()
    year, number, monday = iso_week_of(day)
    with transaction.atomic():
        project = project_lock_for_item(actor, project)
        report, created = WeeklyReport.objects.select_for_update().get_or_create(
            project=project,
            author=actor,
            iso_year=year,
            iso_week=number,
            defaults={"week_start": monday, **values},
        )
        if created:
            audit_created(actor=actor, obj=report, note=project.code)
        else:
            before = snapshot(report)
            for field, value in values.items():
                setattr(report, field, value)
            report.save()
            audit_updated(actor=actor, obj=report, before=before, note=project.code)
    return report, created
