"""The figures of a project manager's or presales engineer's home page: the active projects they
own by stage, and those past their expected close date. Two grouped queries on the
(owner, status) index, in the user's data scope; each figure links to the project list that
shows exactly its rows."""

import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Min, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core import hooks
from qudao.core.models import User
from qudao.core.roles import user_in
from qudao.core.scopes import visible

from ..models import Project, StageDefinition


def _owned_active(user: User):
    return visible(Project.objects.order_by(), user).filter(
        owner=user, status=Project.Status.ACTIVE
    )


def _list_url(user: User, **extra: Any) -> str:
    query = {"owner": user.pk, "status": Project.Status.ACTIVE} | extra
    return f"{reverse('projects:project-list')}?{urlencode(query)}"


def my_projects_by_stage(user: User) -> list[dict[str, Any]]:
    """The user's active projects per current stage (count and amount), in stage order."""
    rows = list(
        _owned_active(user)
        .values("stage_code")
        .annotate(n=Count("pk"), amount=Sum("amount"))
        .order_by()
    )
    names = {
        row["code"]: row
        for row in StageDefinition.objects.filter(code__in=[r["stage_code"] for r in rows])
        .values("code")
        .annotate(order=Min("order"), name=Min("name"))
        .order_by()
    }
    rows.sort(key=lambda r: (names.get(r["stage_code"], {}).get("order", 999), r["stage_code"]))
    return [
        {
            "label": names.get(r["stage_code"], {}).get("name") or r["stage_code"] or "—",
            "value": r["n"],
            "amount": float(r["amount"] or 0),
            "url": _list_url(user, stage=r["stage_code"]),
        }
        for r in rows
    ]


def my_projects_overdue(user: User) -> dict[str, Any]:
    """The user's active projects whose expected close date has passed, and those closing in
    the next 30 days (each with the URL of the list of exactly those)."""
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=30)
    counts = _owned_active(user).aggregate(
        overdue=Count("pk", filter=Q(expected_close_date__lt=today)),
        soon=Count("pk", filter=Q(expected_close_date__gte=today, expected_close_date__lte=soon)),
    )
    yesterday = today - datetime.timedelta(days=1)
    return {
        "overdue": counts["overdue"],
        "overdue_url": _list_url(user, date_to=yesterday.isoformat(), sort="close"),
        "soon": counts["soon"],
        "soon_url": _list_url(
            user, date_from=today.isoformat(), date_to=soon.isoformat(), sort="close"
        ),
    }


# --- the panels (HOME_PANELS in navigation.py) ------------------------------------------------

# Vendor roles whose home shows their own projects by stage and what is overdue.
PROJECT_ROLES = frozenset({"project_manager", "presales"})


def my_projects_panel(user: User) -> dict | None:
    if not user_in(user, PROJECT_ROLES) or user.is_superuser:
        return None
    return hooks.panel(
        "my-projects",
        _("My active projects by stage"),
        chart=hooks.chart(
            "bar",
            my_projects_by_stage(user),
            series=[_("Projects")],
            unit_label=_("Projects"),
        ),
        template="projects/home/overdue.html",
        context=my_projects_overdue(user),
    )
