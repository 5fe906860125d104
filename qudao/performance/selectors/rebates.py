"""Reads of rebate policies and statements."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from qudao.core import scopes
from qudao.core.formatting import money, pct
from qudao.core.listing import filter_given, text_search
from qudao.core.models import User
from qudao.core.paging import sort_by

from ..models import RebatePolicy, RebateStatement
from ..periods import Period
from ..scopes import vendor_only

SORTS = {
    "number": "number",
    "partner": "partner__name",
    "period": "period_start",
    "total": "total_amount",
    "status": "status",
}


def policies_all() -> QuerySet[RebatePolicy]:
    """Every policy, unscoped: for services and the worker. Pages and the API read
    `policies_visible_to`."""
    return RebatePolicy.objects.select_related("tier").prefetch_related("bands")


def policies_visible_to(user: User) -> QuerySet[RebatePolicy]:
    """A partner user sees its own statements, never the policies."""
    return vendor_only(user, policies_all(), _("Partner users do not read rebate policies."))


def policy_get_for_user(user: User, pk: int) -> RebatePolicy:
    return policies_visible_to(user).get(pk=pk)


def statements_visible_to(user: User) -> QuerySet[RebateStatement]:
    return scopes.visible(RebateStatement.objects.select_related("partner", "policy"), user)


def statement_get_for_user(user: User, pk: int) -> RebateStatement:
    return statements_visible_to(user).get(pk=pk)


def statements_search(
    user: User,
    *,
    period: Period | None = None,
    status: str = "",
    q: str = "",
    sort: str = "",
) -> tuple[QuerySet[RebateStatement], str]:
    rows = statements_visible_to(user)
    if period is not None:
        rows = rows.filter(**period.lookup)
    rows = filter_given(rows, status=status)
    rows = text_search(rows, q, ("number", "partner__name"))
    return sort_by(rows, sort, SORTS, "-total")


def policy_summary(snapshot) -> str:
    """A rebate policy (the snapshot a statement was computed with) in one readable sentence in
    the reader's language: its name and version, the bands, the bonuses."""
    if not isinstance(snapshot, dict) or not snapshot:
        return "—"
    bands = []
    for band in snapshot.get("bands") or []:
        low, high = band.get("min_attainment"), band.get("max_attainment")
        rate = pct(band.get("rebate_percent"), 2)
        if high in (None, ""):
            bands.append(_("from %(low)s: %(rate)s") % {"low": pct(low, 0), "rate": rate})
        else:
            bands.append(
                _("%(low)s–%(high)s: %(rate)s")
                % {"low": pct(low, 0), "high": pct(high, 0), "rate": rate}
            )
    parts = [
        _("%(name)s v%(version)s")
        % {"name": snapshot.get("name", ""), "version": snapshot.get("version", "")},
        _("rebate by attainment: %(bands)s") % {"bands": "; ".join(bands) or "—"},
        _("new-customer bonus %(amount)s each")
        % {"amount": money(snapshot.get("bonus_per_new_customer"))},
        _("certification bonus %(amount)s each")
        % {"amount": money(snapshot.get("bonus_per_certification"))},
    ]
    return " · ".join(parts)
