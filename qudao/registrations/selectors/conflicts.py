"""The conflicts of a registration as a viewer may see them: a partner learns levels and counts
only; vendor staff see the candidates in their scope, with the reasons."""

from typing import Any

from qudao.core.models import User
from qudao.core.scopes import visible
from qudao.customers.matching import Level

from ..models import Registration
from ..services import (
    VendorConflict,
    earlier_claims,
    registration_conflicts,
    registration_vendor_conflicts,
)


def level_of(name: str | None) -> Level:
    """A level stored by name ("likely") back to the enum; unknown names count as none."""
    try:
        return Level[str(name or "none").upper()]
    except KeyError:
        return Level.NONE


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
