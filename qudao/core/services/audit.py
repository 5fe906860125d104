"""Recording the audit trail. Every service that creates, changes or deletes a business object
calls one of these inside its transaction."""

import contextlib
import datetime
import decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models

from ..models import AuditEntry, Role, User

SKIPPED_FIELDS = {"password", "last_login", "updated_at", "created_at", "failed_login_count"}


def _value(obj: models.Model, field: models.Field) -> Any:
    # A foreign key is kept as the related object's id: the history shows its name as it is
    # when read (core.selectors.audit, one query per related model for a whole page).
    value = getattr(obj, field.attname)
    if field.is_relation:
        return value if value is None or isinstance(value, int | str) else str(value)
    if value is not None and not isinstance(field, models.JSONField):
        # Normalise what was assigned (e.g. int 0 for a DecimalField) to what the field holds.
        with contextlib.suppress(ValidationError):
            value = field.to_python(value)
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The audited field values of `obj`, to compare after a change. A model leaves out its
    bookkeeping columns (an optimistic lock's version) with `audit_exclude = ("version",)`."""
    skipped = SKIPPED_FIELDS | set(getattr(obj, "audit_exclude", ()))
    return {
        field.name: _value(obj, field)
        for field in obj._meta.concrete_fields
        if not field.primary_key and field.name not in skipped
    }


def audit_record(
    *,
    actor: User | None,
    obj: models.Model,
    action: str,
    changes: dict[str, list[Any]] | None = None,
    note: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action=action,
        actor=actor if actor and actor.is_authenticated else None,
        changes=changes or {},
        note=note[:200],
    )


def audit_created(*, actor: User | None, obj: models.Model, note: str = "") -> AuditEntry:
    changes = {
        name: [None, value] for name, value in snapshot(obj).items() if value not in ("", None)
    }
    return audit_record(
        actor=actor, obj=obj, action=AuditEntry.Action.CREATE, changes=changes, note=note
    )


def audit_updated(
    *, actor: User | None, obj: models.Model, before: dict[str, Any], note: str = ""
) -> AuditEntry | None:
    """Record the fields that differ from `before`; nothing is written when nothing changed."""
    after = snapshot(obj)
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if not changes:
        return None
    return audit_record(
        actor=actor, obj=obj, action=AuditEntry.Action.UPDATE, changes=changes, note=note
    )


def audit_deleted(*, actor: User | None, obj: models.Model, note: str = "") -> AuditEntry:
    changes = {
        name: [value, None] for name, value in snapshot(obj).items() if value not in ("", None)
    }
    return audit_record(
        actor=actor, obj=obj, action=AuditEntry.Action.DELETE, changes=changes, note=note
    )


def audited_update(
    *, actor: User | None, obj: models.Model, values: dict[str, Any], note: str = ""
) -> AuditEntry | None:
    """Set `values` on `obj` (locked by the caller), save them and record what changed: the
    snapshot → set → save → audit block every update service needs."""
    before = snapshot(obj)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()
    return audit_updated(actor=actor, obj=obj, before=before, note=note)


def audit_can_browse(user: User) -> bool:
    """`user` may read the whole audit trail, not only the history of objects they can see: a
    system admin."""
    return user.is_superuser or user.has_role(Role.Code.ADMIN)
