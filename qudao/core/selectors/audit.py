"""Reads of the audit trail, and its rows ready to show.

An entry stores each changed field's values as JSON-safe scalars (core.services.audit): choice
codes, foreign-key ids, ISO dates, decimals as text. `audit_rows` turns them into what a person
reads, in the reader's language and time zone: the field's label (its verbose name), choice
labels, the related object's name (one query per related model for the whole page), 是/否, dates
as 2026-12-06 / 2026-12-06 14:05, money as 1,234,567.00, lists joined and JSON as key: value.
A field the model no longer has, or a name that is no field (a reverse relation, a list of
lines), is shown as well as it can be, never as an error.
"""

import datetime
import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop

from .. import formatting, scopes
from ..models import AuditEntry, User

# Labels of fields declared without a verbose name (Django then uses the name with spaces), and
# of the names services write that are no field: marked here so that the catalog keeps their
# translations (a name with no translation is shown with spaces for underscores).
FIELD_LABELS = [
    gettext_noop("created by"),
    gettext_noop("version"),
    gettext_noop("scope region"),
    gettext_noop("unit key"),
    gettext_noop("uploaded by"),
    gettext_noop("reminder sent at"),
    gettext_noop("manual by"),
    gettext_noop("kpi metric"),
    gettext_noop("source type"),
    gettext_noop("source id"),
    gettext_noop("author"),
    gettext_noop("order"),
    # Names the services write that are no field of the audited model.
    gettext_noop("stages"),
    gettext_noop("published version"),
    gettext_noop("draft version"),
    gettext_noop("extension requested"),
    gettext_noop("criteria"),
    gettext_noop("submissions"),
    gettext_noop("contact"),
    gettext_noop("metrics"),
]

ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$"
)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONEY_PLACES = 2  # core.models.fields.MONEY: the money columns have two decimals…
MONEY_DIGITS = 12  # …and room for millions (percentages and scores have fewer digits)


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


def _field(model: type[Model] | None, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(model: type[Model] | None, field, name: str) -> str:
    if field is None:
        return str(capfirst(gettext(name.replace("_", " "))))
    if field.is_relation and not field.concrete and not field.many_to_many:
        # A reverse relation written by a service ("members", "stages"): the related model.
        related = field.related_model
        text = related._meta.verbose_name if related else name.replace("_", " ")
        return str(capfirst(text))
    label = getattr(field, "verbose_name", None) or name.replace("_", " ")
    if not isinstance(label, Promise):
        label = gettext(label)  # a name Django made up from the field's name
    return str(capfirst(label))


def _is_foreign_key(field) -> bool:
    return bool(field is not None and field.concrete and field.is_relation and field.many_to_one)


def _is_one_to_one(field) -> bool:
    return bool(field is not None and field.concrete and field.is_relation and field.one_to_one)


def _pairs(entry: AuditEntry):
    for name, pair in (entry.changes or {}).items():
        if isinstance(pair, list | tuple):
            before, after = ([*pair, None, None])[:2]
        else:
            before, after = None, pair
        yield str(name), before, after


def _related_names(entries: list[AuditEntry], models_of: dict[int, Any]) -> dict:
    """The str of every related object the page's foreign-key values name, keyed by (model,
    target field, value): one query per related model and target field."""
    wanted: dict[tuple[type[Model], str], set] = defaultdict(set)
    for entry in entries:
        model = models_of[entry.pk]
        for name, before, after in _pairs(entry):
            field = _field(model, name)
            if not (_is_foreign_key(field) or _is_one_to_one(field)):
                continue
            for value in (before, after):
                key = _key(field, value)
                if key is not None:
                    wanted[(field.related_model, field.target_field.attname)].add(key)
    names: dict[tuple[type[Model], str, Any], str] = {}
    for (related, target), keys in wanted.items():
        joined = [
            f.name
            for f in related._meta.concrete_fields
            if f.is_relation and (f.many_to_one or f.one_to_one)
        ]
        rows = related._base_manager.filter(**{f"{target}__in": keys}).select_related(*joined)
        for row in rows:
            # A content type reads as its model's name ("scorecard"), not "app | model".
            name = row.name if isinstance(row, ContentType) else str(row)
            names[(related, target, getattr(row, target))] = name
    return names


def _key(field, value: Any) -> Any:
    """A stored foreign-key value as the target field holds it; None for what is no key (an
    old entry that stored the object's name instead of its id)."""
    if value is None or value == "" or isinstance(value, bool | dict | list):
        return None
    try:
        return field.target_field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return None


def _local(moment: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return timezone.localtime(moment)


def _ymd(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def _ymd_hm(moment: datetime.datetime) -> str:
    moment = _local(moment)
    return f"{_ymd(moment)} {moment.hour:02d}:{moment.minute:02d}"


def _parse_moment(value: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _plain(value: Any) -> Any:
    """A value without a field to go by: lists joined, JSON as key: value, yes/no, and ISO
    times as the reader's date and time."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        parts = [_plain(item) for item in value]
        return ", ".join(str(part) for part in parts if part is not None) or None
    if isinstance(value, dict):
        return "; ".join(
            f"{key.replace('_', ' ')}: {'—' if (shown := _plain(item)) is None else shown}"
            for key, item in value.items()
        )
    if isinstance(value, str) and ISO_DATETIME.match(value) and (moment := _parse_moment(value)):
        return _ymd_hm(moment)
    return value


def _shown(field, value: Any, names: dict) -> Any:
    if value is None or value == "":
        return None
    if field is None or not (field.concrete or field.many_to_many):
        return _plain(value)
    if getattr(field, "choices", None) and not isinstance(value, list | dict):
        return dict(field.flatchoices).get(value, value)
    if field.many_to_many and isinstance(value, str):
        return _coded_names(field.related_model, value)
    if _is_foreign_key(field) or _is_one_to_one(field):
        key = (field.related_model, field.target_field.attname, _key(field, value))
        return names.get(key, _plain(value))
    if isinstance(field, models.BooleanField):
        return _plain(bool(value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = _parse_moment(value)
        return _ymd_hm(moment) if moment else value
    if isinstance(field, models.DateField) and isinstance(value, str):
        if ISO_DATE.match(value[:10]):
            try:
                return _ymd(datetime.date.fromisoformat(value[:10]))
            except ValueError:
                return value
        return value
    if isinstance(field, models.DecimalField) and isinstance(value, str | int | float):
        if field.name in getattr(field.model, "audit_measures", ()):  # not money: 150, 12.5
            number = Decimal(str(value))
            return formatting.num(number, 0 if number == number.to_integral() else 2)
        if field.decimal_places == MONEY_PLACES and (field.max_digits or 0) >= MONEY_DIGITS:
            return formatting.amount(Decimal(str(value)))
        return formatting.num(value, field.decimal_places or 0)
    return _plain(value)


def _coded_names(related: type[Model], value: str) -> str:
    """A many-to-many value written as "code, code" (a user's roles): each code as the label of
    the related model's coded field; names (an agreement's offices) stay as they are."""
    coded = [f for f in related._meta.concrete_fields if f.unique and getattr(f, "choices", None)]
    labels = {code: label for f in coded for code, label in f.flatchoices}
    return ", ".join(str(labels.get(item, item)) for item in value.split(", "))


def audit_rows(entries) -> list[dict]:
    """Audit entries ready to show: each change as {"name", "field" (the label), "before",
    "after"} in the reader's language. The related objects' names are read in one query per
    related model, whatever the number of entries."""
    entries = list(entries)
    models_of = {
        entry.pk: ContentType.objects.get_for_id(entry.content_type_id).model_class()
        for entry in entries
    }
    names = _related_names(entries, models_of)
    rows = []
    for entry in entries:
        model = models_of[entry.pk]
        changes = []
        for name, before, after in _pairs(entry):
            field = _field(model, name)
            changes.append(
                {
                    "name": name,
                    "field": _label(model, field, name),
                    "before": _shown(field, before, names),
                    "after": _shown(field, after, names),
                    "stored_before": before,
                    "stored_after": after,
                }
            )
        rows.append({"entry": entry, "changes": changes})
    return rows
