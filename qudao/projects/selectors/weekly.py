"""Reads of a project's weekly reports (周报)."""

import datetime

from django.db.models import QuerySet

from qudao.core.models import User

from ..models import Project, WeeklyReport


def weekly_reports_of(project: Project) -> QuerySet[WeeklyReport]:
    return project.weekly_reports.select_related("author").order_by("-week_start", "author_id")


def weekly_report_mine(project: Project, user: User, day: datetime.date) -> WeeklyReport | None:
    year, week, _weekday = day.isocalendar()
    return project.weekly_reports.filter(author=user, iso_year=year, iso_week=week).first()
