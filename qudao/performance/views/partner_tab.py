"""The partner 360's performance tabs: the partner page (partners' archive frame) with the
partner's targets, scorecards and rebate statements; another partner's, or a partner outside the
user's scope, is a 404."""

from django.contrib.auth.decorators import login_required
from django.urls import path, reverse

from qudao.partners.views.archive import partner_tab_page

from ..selectors.partner_tab import (
    partner_scorecards_latest,
    partner_scorecards_summary,
    partner_search_url,
    partner_statements_latest,
    partner_statements_summary,
    partner_targets_count,
    partner_targets_latest,
)


@login_required
def partner_targets(request, pk: int):
    return partner_tab_page(
        request,
        pk,
        "targets",
        "performance/partner_tab/targets.html",
        lambda user, partner: {
            "total": partner_targets_count(user, partner),
            "rows": partner_targets_latest(user, partner),
            "list_url": reverse("performance:target-list"),
        },
    )


@login_required
def partner_scorecards(request, pk: int):
    return partner_tab_page(
        request,
        pk,
        "scorecards",
        "performance/partner_tab/scorecards.html",
        lambda user, partner: {
            "sums": partner_scorecards_summary(user, partner),
            "rows": partner_scorecards_latest(user, partner),
            "list_url": partner_search_url("performance:scorecard-list", partner),
        },
    )


@login_required
def partner_rebates(request, pk: int):
    return partner_tab_page(
        request,
        pk,
        "rebates",
        "performance/partner_tab/rebates.html",
        lambda user, partner: {
            "sums": partner_statements_summary(user, partner),
            "rows": partner_statements_latest(user, partner),
            "list_url": partner_search_url("performance:statement-list", partner),
        },
    )


urlpatterns = [
    path("partner/<int:pk>/targets/", partner_targets, name="partner-targets"),
    path("partner/<int:pk>/scorecards/", partner_scorecards, name="partner-scorecards"),
    path("partner/<int:pk>/rebates/", partner_rebates, name="partner-rebates"),
]
