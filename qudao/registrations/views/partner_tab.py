"""The partner 360's registrations tab: the partner page (partners' archive frame) with the
partner's registrations; another partner's, or a partner outside the user's scope, is a 404."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from qudao.partners.views.archive import partner_tab_page

from ..selectors.partner_tab import (
    partner_registrations_latest,
    partner_registrations_list_url,
    partner_registrations_summary,
)


@login_required
def partner_registrations(request, pk: int):
    return partner_tab_page(
        request,
        pk,
        "registrations",
        "registrations/partner_tab/registrations.html",
        lambda user, partner: {
            "sums": partner_registrations_summary(user, partner),
            "rows": partner_registrations_latest(user, partner),
            "list_url": partner_registrations_list_url(partner),
        },
    )


urlpatterns = [
    path("partner/<int:pk>/", partner_registrations, name="partner-registrations"),
]
