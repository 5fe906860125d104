"""The partner 360's projects tab: the partner page (partners' archive frame) with the partner's
projects; another partner's, or a partner outside the user's scope, is a 404."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from qudao.partners.views.archive import partner_tab_page

from ..selectors.partner_tab import (
    partner_projects_latest,
    partner_projects_list_url,
    partner_projects_summary,
)
from .tabs import HEALTH_COLOURS


@login_required
def partner_projects(request, pk: int):
    return partner_tab_page(
        request,
        pk,
        "projects",
        "projects/partner_tab/projects.html",
        lambda user, partner: {
            "sums": partner_projects_summary(user, partner),
            "rows": [
                (project, HEALTH_COLOURS.get(project.health, "secondary"))
                for project in partner_projects_latest(user, partner)
            ],
            "list_url": partner_projects_list_url(partner),
        },
    )


urlpatterns = [
    path("partner/<int:pk>/", partner_projects, name="partner-projects"),
]
