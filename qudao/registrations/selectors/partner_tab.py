"""The partner 360's registrations tab (partners' archive page, core.hooks.detail_tab "partner"):
the partner's registrations the user may see, summed in one query, and the latest ones."""

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from qudao.core.models import User

from ..models import Registration
from .registrations import registrations_visible_to

LATEST = 20


def partner_registrations(user: User, partner) -> QuerySet[Registration]:
    """The partner's registrations in `user`'s scope (a partner user: its own partner's only)."""
    return registrations_visible_to(user).filter(partner=partner)


def partner_registrations_list_url(partner) -> str:
    """The registration list filtered to the partner by id."""
    return f"{reverse('registrations:registration-list')}?partner_id={partner.pk}"


def partner_registrations_summary(user: User, partner) -> dict[str, Any]:
    """Counts and amounts of the partner's registrations, in one query: all, open (a live claim:
    submitted, approved, information requested) and won."""
    live = Q(status__in=Registration.LIVE)
    won = Q(status=Registration.Status.WON)
    sums = (
        partner_registrations(user, partner)
        .order_by()
        .aggregate(
            total=Count("pk"),
            open=Count("pk", filter=live),
            open_amount=Sum("estimated_amount", filter=live),
            won=Count("pk", filter=won),
            won_amount=Sum("estimated_amount", filter=won),
        )
    )
    zero = Decimal("0")
    return sums | {
        "open_amount": sums["open_amount"] or zero,
        "won_amount": sums["won_amount"] or zero,
    }


def partner_registrations_latest(user: User, partner, limit: int = LATEST) -> list[Registration]:
    """The partner's latest registrations (newest first), without their products."""
    rows = (
        partner_registrations(user, partner)
        .prefetch_related(None)
        .select_related("customer_region")
        .order_by("-created_at", "-pk")
    )
    return list(rows[:limit])


def partner_registrations_figures(user: User, partner) -> list[dict[str, Any]]:
    """The overview's figure (core.hooks.Tab.summary): open registrations and their amount."""
    sums = partner_registrations_summary(user, partner)
    return [
        {
            "key": "open-registrations",
            "label": _("Open registrations"),
            "count": sums["open"],
            "amount": sums["open_amount"],
            "url": partner_registrations_list_url(partner),
        }
    ]
