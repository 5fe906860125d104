"""The partner 360's projects tab (partners' archive page, core.hooks.detail_tab "partner"): the
partner's projects the user may see, summed in one query, and the latest ones."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core.models import User

from ..models import Project
from .projects import in_date_range, projects_visible_to

LATEST = 20


def partner_projects(user: User, partner) -> QuerySet[Project]:
    """The partner's projects in `user`'s scope (a partner user: its own partner's only)."""
    return projects_visible_to(user).filter(partner=partner)


def partner_projects_list_url(partner, query: str = "") -> str:
    """The project list filtered to the partner by id (and `query`)."""
    url = f"{reverse('projects:project-list')}?partner_id={partner.pk}"
    return f"{url}&{query}" if query else url


def this_year(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    year = (today or timezone.localdate()).year
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def partner_projects_summary(
    user: User, partner, today: datetime.date | None = None
) -> dict[str, Any]:
    """Counts and amounts of the partner's projects in one query: all, open (active) and won this
    year (won_at in the current year, the site's time zone, as the list's won-date filter)."""
    start, end = this_year(today)
    won_ids = in_date_range(Project.objects.all(), "won_at", start, end).values("pk")
    active = Q(status=Project.Status.ACTIVE)
    won = Q(pk__in=won_ids)
    sums = (
        partner_projects(user, partner)
        .select_related(None)
        .order_by()
        .aggregate(
            total=Count("pk"),
            open=Count("pk", filter=active),
            open_amount=Sum("amount", filter=active),
            won=Count("pk", filter=won),
            won_amount=Sum("amount", filter=won),
        )
    )
    zero = Decimal("0")
    return sums | {
        "open_amount": sums["open_amount"] or zero,
        "won_amount": sums["won_amount"] or zero,
        "year": start.year,
        "open_url": partner_projects_list_url(partner, f"status={Project.Status.ACTIVE}"),
        "won_url": partner_projects_list_url(
            partner, f"date_field=won&date_from={start.isoformat()}&date_to={end.isoformat()}"
        ),
    }


def partner_projects_latest(user: User, partner, limit: int = LATEST) -> list[Project]:
    """The partner's latest projects (newest first) with what a row shows."""
    rows = (
        partner_projects(user, partner)
        .select_related(None)
        .select_related("region", "owner", "current_stage__definition")
        .order_by("-created_at", "-pk")
    )
    return list(rows[:limit])


def partner_projects_figures(user: User, partner) -> list[dict[str, Any]]:
    """The overview's figures (core.hooks.Tab.summary): open projects and those won this year,
    with their amounts."""
    sums = partner_projects_summary(user, partner)
    return [
        {
            "key": "open-projects",
            "label": _("Open projects"),
            "count": sums["open"],
            "amount": sums["open_amount"],
            "url": sums["open_url"],
        },
        {
            "key": "won-this-year",
            "label": _("Won this year"),
            "count": sums["won"],
            "amount": sums["won_amount"],
            "url": sums["won_url"],
        },
    ]
