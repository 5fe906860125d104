"""Reads of deal registrations, always scoped (qudao.core.scopes).

Vendor staff never see drafts: a draft is the partner's own notebook until it is submitted.
"""

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from qudao.core.models import User
from qudao.core.paging import sort_by
from qudao.core.scopes import region_subtree_ids, visible
from qudao.partners.selectors import partner_ids_named

from .models import Registration
from .services import (
    EXPIRY_NOTICE_DAYS,
    VendorConflict,
    earlier_claims,
    registration_conflicts,
    registration_vendor_conflicts,
)

SORTS = {
    "number": "number",
    "customer": "customer_name",
    "project": "project_name",
    "amount": "estimated_amount",
    "close": "expected_close_date",
    "status": "status",
    "submitted": "submitted_at",
    "protection": "protection_until",
    "created": "created_at",
}
DEFAULT_SORT = "-created"


def registrations_visible_to(user: User) -> QuerySet[Registration]:
    rows = Registration.objects.select_related(
        "partner", "customer_region", "created_by"
    ).prefetch_related("products__product_line")
    if not user.is_partner_user:
        rows = rows.exclude(status=Registration.Status.DRAFT)
    return visible(rows, user)


def registration_get_for_user(user: User, pk: int) -> Registration:
    """The registration, or Registration.DoesNotExist (a 404) when outside `user`'s scope."""
    return registrations_visible_to(user).get(pk=pk)


def registrations_search(
    user: User,
    *,
    q: str = "",
    status: str = "",
    partner: int | None = None,
    partner_name: str = "",
    region: int | None = None,
    stage: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    expiring: bool = False,
    sort: str = "",
) -> tuple[QuerySet[Registration], str]:
    """Scoped registrations filtered and sorted; returns (rows, the sort key used).

    `partner` is a partner's id, `partner_name` part of a partner's name or code.
    """
    rows = registrations_visible_to(user)
    q = (q or "").strip()[:100]
    if q:
        rows = rows.filter(
            Q(number__icontains=q) | Q(customer_name__icontains=q) | Q(project_name__icontains=q)
        )
    if status:
        rows = rows.filter(status=status)
    if partner:
        rows = rows.filter(partner_id=partner)
    if (partner_name or "").strip():
        rows = rows.filter(partner__in=partner_ids_named(partner_name))
    if region:
        rows = rows.filter(customer_region_id__in=region_subtree_ids(region))
    if stage:
        rows = rows.filter(stage=stage)
    if date_from:
        rows = rows.filter(created_at__date__gte=date_from)
    if date_to:
        rows = rows.filter(created_at__date__lte=date_to)
    if expiring:
        today = timezone.localdate()
        rows = rows.filter(
            status=Registration.Status.APPROVED,
            protection_until__gte=today,
            protection_until__lte=today + datetime.timedelta(days=EXPIRY_NOTICE_DAYS),
        )
    return sort_by(rows, sort, SORTS, DEFAULT_SORT)


def conflicts_for_viewer(user: User, registration: Registration) -> dict[str, Any]:
    """The conflicts of `registration` as `user` may see them.

    A partner user learns only that conflicts exist and how strong they are: levels and counts,
    never another partner's name, number, amount or the reasons (which quote names). Vendor
    staff get every candidate they may see with its reasons; candidates outside their scope are
    counted only, and `earlier_claim` says whether any conflict, seen or not, claimed the
    customer first (approving then needs an override reason).
    """
    # The product lines once for both checks (prefetched by `registrations_visible_to`).
    lines = frozenset(line.product_line.name for line in registration.products.all())
    conflicts = registration_conflicts(registration=registration, product_lines=lines)
    vendor = registration_vendor_conflicts(registration=registration, product_lines=lines)
    levels: dict[str, int] = {}
    for conflict in [*conflicts, *vendor]:
        name = conflict.level.name.lower()
        levels[name] = levels.get(name, 0) + 1
    worst = max((c.level for c in [*conflicts, *vendor]), default=None)
    summary = {
        "level": worst.name.lower() if worst is not None else "none",
        "levels": [{"level": level, "count": count} for level, count in levels.items()],
    }
    if user.is_partner_user:
        return summary | {"candidates": [], "vendor": []}
    ids = [c.registration.pk for c in conflicts]
    seen = set(visible(Registration.objects.filter(pk__in=ids), user).values_list("pk", flat=True))
    candidates = []
    for conflict in conflicts:
        other = conflict.registration
        if other.pk not in seen:
            continue
        candidates.append(
            {
                "registration_id": other.pk,
                "number": other.number,
                "partner": other.partner_name,
                "customer_name": other.customer_name,
                "project_name": other.project_name,
                "estimated_amount": other.estimated_amount,
                "status": other.status,
                "submitted_at": other.submitted_at,
                "level": conflict.level.name.lower(),
                "score": round(conflict.match.score, 1),
                "reasons": [str(reason) for reason in conflict.match.reasons],
            }
        )
    openable = _vendor_hits_openable(user, vendor)
    vendor_rows = [
        {
            "source": hit.source,
            "source_label": str(hit.label or hit.source),
            "reference": hit.reference,
            "title": hit.title,
            "url": hit.url if hit in openable else "",
            "level": hit.level.name.lower(),
            "score": round(hit.match.score, 1),
            "reasons": [str(reason) for reason in hit.match.reasons],
        }
        for hit in vendor
    ]
    return summary | {
        "candidates": candidates,
        "hidden": len(conflicts) - len(candidates),
        "earlier_claim": bool(earlier_claims(registration, conflicts)),
        "vendor": vendor_rows,
    }


def _vendor_hits_openable(user: User, hits: list[VendorConflict]) -> list[VendorConflict]:
    """The hits whose record `user` may open (one query per kind of record).

    Every vendor staff member deciding a registration sees which of the vendor's own records it
    clashes with (the code, the name and the reasons: the decision needs them); the link is
    given only where the record is in the viewer's data scope, where it would open.
    """
    by_model: dict[type, set[int]] = {}
    for hit in hits:
        if hit.model is not None:
            by_model.setdefault(hit.model, set()).add(hit.pk)
    allowed = {
        (model, pk)
        for model, pks in by_model.items()
        for pk in visible(model._default_manager.filter(pk__in=pks), user).values_list(
            "pk", flat=True
        )
    }
    return [hit for hit in hits if hit.model is None or (hit.model, hit.pk) in allowed]
