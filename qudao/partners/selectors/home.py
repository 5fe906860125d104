"""The figures of finance's home page that come from partners: credit applications in approval,
by kind (count and amount). One grouped query in the user's data scope; each figure links to
the credit list that shows exactly its rows."""

from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from qudao.core import hooks
from qudao.core.models import User
from qudao.core.roles import user_in
from qudao.core.scopes import visible

from ..models import CreditApplication


def credit_applications_waiting(user: User) -> list[dict[str, Any]]:
    status = CreditApplication.Status.IN_APPROVAL
    counts = {
        row["kind"]: row
        for row in visible(CreditApplication.objects.order_by(), user)
        .filter(status=status)
        .values("kind")
        .annotate(n=Count("pk"), amount=Sum("amount"))
        .order_by()
    }
    url = reverse("partners:credit-list")
    return [
        {
            "key": kind,
            "label": label,
            "value": counts[kind]["n"],
            "amount": float(counts[kind]["amount"] or 0),
            "url": f"{url}?{urlencode({'status': status, 'kind': kind})}",
        }
        for kind, label in CreditApplication.Kind.choices
        if kind in counts
    ]


# --- the panels (HOME_PANELS in navigation.py) ------------------------------------------------


def credit_panel(user: User) -> dict | None:
    """Finance: the credit applications in approval, by kind."""
    if not user_in(user, frozenset({"finance"})) or user.is_superuser:
        return None
    return hooks.panel(
        "credit-waiting",
        _("Credit applications in approval"),
        chart=hooks.chart(
            "bar",
            credit_applications_waiting(user),
            series=[_("Credit applications")],
            unit_label=_("Credit applications"),
        ),
    )
