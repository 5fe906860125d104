"""Reads of the audit trail, and its rows ready to show."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from .. import scopes
from ..models import AuditEntry, User


def audit_entries_for_object(obj: Model) -> QuerySet[AuditEntry]:
    """The history of one object; the caller has already checked the user may see it."""
    return AuditEntry.objects.select_related("actor").filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
    )


def audit_entries_visible_to(user: User) -> QuerySet[AuditEntry]:
    base = AuditEntry.objects.select_related("actor", "content_type")
    targets = scopes.generic_targets_q(
        user, "content_type", "object_id", pointers=AuditEntry.objects.all()
    )
    return base if targets is None else base.filter(targets)


def _field_display(model, name: str, value):
    if model is None:
        return name, value
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field that no longer exists keeps its raw name
        return name, value
    label = getattr(field, "verbose_name", name)
    if getattr(field, "choices", None) and value is not None:
        value = dict(field.flatchoices).get(value, value)
    return label, value


def audit_rows(entries) -> list[dict]:
    """Audit entries ready to show: field labels and choice values in the reader's language."""
    rows = []
    for entry in entries:
        model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
        changes = []
        for name, pair in (entry.changes or {}).items():
            before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            label, before = _field_display(model, name, before)
            _, after = _field_display(model, name, after)
            changes.append({"field": label, "before": before, "after": after})
        rows.append({"entry": entry, "changes": changes})
    return rows
