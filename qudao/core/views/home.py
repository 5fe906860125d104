"""The home page: the role's own figures as charts and short lists (the panels the apps declare
as HOME_PANELS, core.hooks.home_panel), the modules' cards, the approvals inbox and the latest
notifications."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import hooks, navigation, selectors


def panels_for(user) -> list[dict]:
    """The panels that apply to `user`, in their order, each with the id of its chart's JSON."""
    found = []
    for panel in hooks.home_panels():
        shown = panel(user)
        if shown:
            shown["chart_id"] = f"home-chart-{shown['key']}"
            found.append(shown)
    return found


@login_required
def home(request):
    user = request.user
    return render(
        request,
        "core/home.html",
        {
            "panels": panels_for(user),
            "chart_labels": {
                "empty": _("Nothing to show yet."),
                "days": _("days"),
                "attainment": _("Attainment"),
            },
            "cards": navigation.cards_for(user),
            "awaiting": selectors.approvals_awaiting(user)[:5],
            "awaiting_count": sum(selectors.approvals_awaiting_counts(user).values()),
            "latest": selectors.notifications_for(user)[:5],
        },
    )
