"""Reads of credit: applications through the data scope, and a partner's current credit."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from qudao.core import scopes
from qudao.core.models import User
from qudao.core.paging import sort_by

from ..models import CreditApplication, Partner
from .common import filtered

SORTS = {
    "number": "number",
    "partner": "partner__name",
    "kind": "kind",
    "amount": "amount",
    "status": "status",
    "created": "created_at",
}


def credit_applications_visible_to(user: User) -> QuerySet[CreditApplication]:
    return scopes.visible(CreditApplication.objects.select_related("partner", "requested_by"), user)


def credit_application_get_for_user(user: User, pk: int) -> CreditApplication:
    return credit_applications_visible_to(user).get(pk=pk)


def credit_applications_search(
    user: User,
    *,
    q: str = "",
    status: str = "",
    kind: str = "",
    partner: int | None = None,
    sort: str = "",
) -> tuple[QuerySet[CreditApplication], str]:
    rows = credit_applications_visible_to(user)
    if q:
        rows = rows.filter(
            Q(number__icontains=q)
            | Q(partner__name__icontains=q)
            | Q(partner__code__icontains=q)
            | Q(project_name__icontains=q)
        )
    rows = filtered(rows, status=status, kind=kind, partner_id=partner)
    return sort_by(rows, sort, SORTS, "-created")


def special_credits_in_force(partner: Partner, today: date | None = None):
    today = today or timezone.localdate()
    return CreditApplication.objects.filter(
        partner=partner,
        kind=CreditApplication.Kind.SPECIAL,
        status=CreditApplication.Status.APPROVED,
        valid_from__lte=today,
        valid_to__gte=today,
    )


@dataclass(frozen=True)
class CreditSummary:
    limit: Decimal  # the normal (standing) limit
    special: Decimal  # approved special credits whose period includes today
    used: Decimal
    today: date

    @property
    def total(self) -> Decimal:
        return self.limit + self.special

    @property
    def available(self) -> Decimal:
        return self.total - self.used

    @property
    def overrun(self) -> bool:
        return self.available < 0


def credit_summary(partner: Partner, today: date | None = None) -> CreditSummary:
    """The partner's credit today, in one query; the caller has checked the partner's scope."""
    today = today or timezone.localdate()
    special = special_credits_in_force(partner, today).aggregate(total=Sum("amount"))["total"]
    return CreditSummary(
        limit=partner.credit_limit or Decimal("0"),
        special=special or Decimal("0"),
        used=partner.credit_used or Decimal("0"),
        today=today,
    )
