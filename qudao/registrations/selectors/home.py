"""The figures of the role home pages that come from registrations: a partner's registrations by
status, and the protections that end soon (the "protection clocks"), soonest first. Each is one
or two queries on the (partner, status[, protection_until]) index, in the user's data scope;
every figure links to the registration list that shows exactly its rows."""

import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core import hooks
from qudao.core.models import User
from qudao.core.paging import COUNT_CAP
from qudao.core.roles import user_in
from qudao.core.scopes import visible

from ..models import Registration

PROTECTION_DAYS = 30
CLOCKS = 10
# Vendor roles whose home shows their partners' protection clocks.
CLOCK_ROLES = frozenset({"channel_manager"})


def _scoped(user: User):
    rows = visible(Registration.objects.order_by(), user)
    if not user.is_partner_user:
        rows = rows.exclude(status=Registration.Status.DRAFT)
    return rows


def registrations_by_status(user: User) -> list[dict[str, Any]]:
    """How many of the user's registrations are in each status (in the order of the statuses),
    each linking to the list filtered by that status."""
    counts = dict(_scoped(user).values_list("status").annotate(n=Count("pk")).order_by())
    url = reverse("registrations:registration-list")
    return [
        {
            "key": status,
            "label": label,
            "value": counts[status],
            "url": f"{url}?{urlencode({'status': status})}",
        }
        for status, label in Registration.Status.choices
        if counts.get(status)
    ]


def protections_ending(
    user: User, days: int = PROTECTION_DAYS, limit: int = CLOCKS
) -> dict[str, Any]:
    """Approved registrations whose protection ends within `days` days: how many (counted up
    to the list page's cap, with the URL of the list of exactly those) and the `limit` soonest,
    with the days left. The soonest are read in the order of the (status, protection_until)
    index, which stops after `limit` rows of the scope, however many end within the days."""
    today = timezone.localdate()
    ending = _scoped(user).filter(
        status=Registration.Status.APPROVED,
        protection_until__gte=today,
        protection_until__lte=today + datetime.timedelta(days=days),
    )
    soonest = list(
        ending.select_related("partner")
        .only("pk", "number", "customer_name", "protection_until", "partner__name")
        .order_by("protection_until", "pk")[:limit]
    )
    count = len(soonest) if len(soonest) < limit else ending[: COUNT_CAP + 1].count()
    capped = count > COUNT_CAP
    return {
        "days": days,
        "count": min(count, COUNT_CAP),
        "count_label": f"{min(count, COUNT_CAP):,}{'+' if capped else ''}",
        "url": f"{reverse('registrations:registration-list')}?"
        + urlencode({"expires_within": days, "sort": "protection"}),
        "items": [
            {
                "label": registration.customer_name,
                "number": registration.number,
                "partner": registration.partner.name,
                "value": (registration.protection_until - today).days,
                "until": registration.protection_until,
                "url": reverse("registrations:registration-detail", args=[registration.pk]),
            }
            for registration in soonest
        ],
    }


# --- the panels (HOME_PANELS in navigation.py) ------------------------------------------------


def status_panel(user: User) -> dict | None:
    """A partner user's registrations by status."""
    if not user.is_partner_user:
        return None
    return hooks.panel(
        "registration-status",
        _("Our registrations by status"),
        chart=hooks.chart(
            "bar",
            registrations_by_status(user),
            series=[_("Registrations")],
            unit_label=_("Registrations"),
        ),
    )


def clocks_panel(user: User) -> dict | None:
    """The protection clocks: a partner user's own, a channel manager's partners' (the approved
    registrations whose protection ends within 30 days, soonest first)."""
    if not (user.is_partner_user or (user_in(user, CLOCK_ROLES) and not user.is_superuser)):
        return None
    ending = protections_ending(user)
    return hooks.panel(
        "protection-clocks",
        _("Protection ending within %(days)s days") % {"days": ending["days"]},
        chart=hooks.chart(
            "hbar",
            ending["items"],
            unit="days",
            series=[_("Days left")],
            unit_label=_("Days left"),
        ),
        template="registrations/home/clocks.html",
        context=ending,
    )
