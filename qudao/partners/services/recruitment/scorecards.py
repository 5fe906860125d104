"""Scorecards: the active one of a kind, and editing its criteria."""

import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qudao.core import roles
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import AuditEntry, User
from qudao.core.services.audit import audit_created, audit_record, audit_updated, snapshot

from ...models import (
    ApplicationScore,
    PartnerScorecard,
    ScorecardCriterion,
)
from ...validators import decimal_or_none

CRITERION_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,29}$")


def scorecard_active(kind: str = PartnerScorecard.Kind.QUALIFICATION) -> PartnerScorecard | None:
    return (
        PartnerScorecard.objects.filter(kind=kind, is_active=True)
        .prefetch_related("criteria")
        .first()
    )


def scorecard_can_edit(user: User) -> bool:
    """Scorecards are channel policy: system admins and the channel director keep them."""
    return roles.user_in(user, roles.LEADERS)


def _criterion_in_use(criterion: ScorecardCriterion) -> bool:
    from ...models import EvaluationScore

    return (
        ApplicationScore.objects.filter(criterion=criterion).exists()
        or EvaluationScore.objects.filter(criterion=criterion).exists()
    )


def scorecard_criteria_save(
    *, actor: User, scorecard: PartnerScorecard, rows: list[dict[str, Any]]
) -> list[ScorecardCriterion]:
    """Replace a scorecard's criteria: each row has code, name, weight, max_score, order and
    optionally `id` (an existing criterion) and `delete`. The kept weights must sum to 100; a
    criterion that has scores cannot be deleted."""
    if not scorecard_can_edit(actor):
        raise PermissionDenied(
            _("Only a system admin or the channel director can edit scorecards.")
        )
    existing = {c.pk: c for c in scorecard.criteria.all()}
    errors: dict[str, list[str]] = {}
    kept, deleted, codes = [], [], set()
    for index, row in enumerate(rows):
        criterion = existing.get(row.get("id")) if row.get("id") else None
        if row.get("id") and criterion is None:
            errors[f"rows.{index}"] = [_("This criterion belongs to another scorecard.")]
            continue
        if row.get("delete"):
            if criterion is not None:
                if _criterion_in_use(criterion):
                    errors[f"rows.{index}.delete"] = [
                        _("%(name)s has scores already and cannot be deleted.")
                        % {"name": criterion.name}
                    ]
                else:
                    deleted.append(criterion)
            continue
        code = (row.get("code") or "").strip()
        name = (row.get("name") or "").strip()
        weight = decimal_or_none(row.get("weight"))
        max_score = row.get("max_score")
        if not CRITERION_CODE.match(code):
            errors[f"rows.{index}.code"] = [_("Use lower-case letters, digits, - or _.")]
        elif code in codes:
            errors[f"rows.{index}.code"] = [_("Each criterion needs its own code.")]
        codes.add(code)
        if not name:
            errors[f"rows.{index}.name"] = [_("Give the criterion a name.")]
        if weight is None or not (0 <= weight <= 100):
            errors[f"rows.{index}.weight"] = [_("A weight is from 0 to 100.")]
        if not isinstance(max_score, int) or max_score < 1:
            errors[f"rows.{index}.max_score"] = [_("The maximum score is at least 1.")]
        kept.append((criterion, row, code, name, weight, max_score))
    if not kept and not errors:
        errors["__all__"] = [_("A scorecard needs at least one criterion.")]
    total = sum((row[4] or Decimal(0) for row in kept), Decimal(0))
    if not errors and total != Decimal(100):
        errors["__all__"] = [
            _("The weights add up to %(total)s; they must add up to 100.") % {"total": total}
        ]
    if errors:
        raise ValidationError(errors)
    saved = []
    with transaction.atomic():
        for criterion in deleted:
            audit_record(
                actor=actor,
                obj=scorecard,
                action=AuditEntry.Action.UPDATE,
                changes={"criteria": [criterion.name, None]},
            )
            criterion.delete()
        # Free the codes first, so that two criteria may swap codes.
        for criterion, *_rest in kept:
            if criterion is not None:
                ScorecardCriterion.objects.filter(pk=criterion.pk).update(
                    code=f"~{criterion.pk}"[:30]
                )
        for criterion, row, code, name, weight, max_score in kept:
            target = criterion or ScorecardCriterion(scorecard=scorecard)
            before = snapshot(criterion) if criterion else None
            target.code, target.name, target.weight = code, name, weight
            target.max_score, target.order = max_score, int(row.get("order") or 0)
            target.save()
            if before is None:
                audit_created(actor=actor, obj=target, note=str(scorecard))
            else:
                audit_updated(actor=actor, obj=target, before=before, note=str(scorecard))
            saved.append(target)
    return saved
