"""The one input-cleaning idiom of every service: a small collector that validates the fields
present in a dict (a form's cleaned data or an API payload) and raises one ValidationError with
every problem, so that nothing is written when anything is wrong. Text limits come from the
model's fields when the cleaner is given the model, so that the form, the API schema and the
service cannot disagree."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ValidationError

MAX_TEXT = 5000  # a long text field (notes, descriptions)
SHORT_TEXT = 200  # a one-line field whose model limit is not given
MAX_AMOUNT = Decimal("10000000000")  # 100亿 CNY: anything larger is a typing mistake


def pk_of(value: Any) -> Any:
    """The primary key of a model instance, or the value itself (an id from a form or payload)."""
    return getattr(value, "pk", value)


class Cleaner:
    """Collects cleaned `values` and `errors` for the fields of `data`. With `partial`, a field
    missing from `data` is left alone (an update); otherwise it gets its default (a create)."""

    def __init__(
        self,
        data: dict[str, Any] | None,
        *,
        partial: bool = False,
        model: type[Model] | None = None,
    ):
        self.data = data or {}
        self.partial = partial
        self.model = model
        self.values: dict[str, Any] = {}
        self.errors: dict[str, str] = {}

    def limit(self, field: str) -> int:
        """The model field's max_length (so that a form, a schema and the service agree)."""
        if self.model is not None:
            try:
                found = self.model._meta.get_field(field).max_length
            except FieldDoesNotExist:
                found = None
            if found:
                return found
        return SHORT_TEXT

    def skips(self, field: str) -> bool:
        return self.partial and field not in self.data

    def text(
        self, field: str, *, required: bool = False, max_length: int | None = None
    ) -> str | None:
        """Stripped text; its limit is `max_length`, else the model field's, else SHORT_TEXT."""
        if self.skips(field):
            return None
        max_length = max_length or self.limit(field)
        value = str(self.data.get(field) or "").strip()
        if required and not value:
            self.errors[field] = _("This field is required.")
        elif len(value) > max_length:
            self.errors[field] = _("Keep it under %(max)s characters.") % {"max": max_length}
        self.values[field] = value
        return value

    def date(self, field: str, *, required: bool = False) -> datetime.date | None:
        if self.skips(field):
            return None
        value = self.data.get(field)
        parsed = None
        if isinstance(value, datetime.datetime):
            parsed = value.date()
        elif isinstance(value, datetime.date):
            parsed = value
        elif value not in (None, ""):
            try:
                parsed = datetime.date.fromisoformat(str(value))
            except ValueError:
                self.errors[field] = _("Enter a date as YYYY-MM-DD.")
                return None
        if parsed is None and required:
            self.errors[field] = _("This field is required.")
        self.values[field] = parsed
        return parsed

    def datetime(self, field: str, *, required: bool = False) -> datetime.datetime | None:
        if self.skips(field):
            return None
        value = self.data.get(field)
        parsed = None
        if isinstance(value, datetime.datetime):
            parsed = value
        elif value not in (None, ""):
            try:
                parsed = datetime.datetime.fromisoformat(str(value))
            except ValueError:
                self.errors[field] = _("Enter a date and time as YYYY-MM-DD HH:MM.")
                return None
        if parsed is None and required:
            self.errors[field] = _("This field is required.")
        if parsed is not None and parsed.tzinfo is None:
            parsed = timezone.make_aware(parsed)
        self.values[field] = parsed
        return parsed

    def choice(self, field: str, choices, *, default: str | None = None) -> str | None:
        if self.skips(field):
            return None
        value = str(self.data.get(field) or default or "")
        if value not in choices.values:
            self.errors[field] = _("Choose one of the options.")
        self.values[field] = value
        return value

    def score(self, field: str, *, required: bool = True, low: int = 1, high: int = 5):
        if self.skips(field):
            return None
        value = self.data.get(field)
        if value in (None, "") and not required:
            self.values[field] = None
            return None
        try:
            number = int(str(value).strip())
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            self.errors[field] = _("Give a whole number from %(low)s to %(high)s.") % {
                "low": low,
                "high": high,
            }
            return None
        self.values[field] = number
        return number

    def amount(self, field: str) -> Decimal | None:
        if self.skips(field):
            return None
        value = self.data.get(field)
        try:
            amount = Decimal(str(value))
            if not amount.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            self.errors[field] = _("Enter an amount in CNY.")
            return None
        if amount < 0 or amount > MAX_AMOUNT:
            self.errors[field] = _("The amount is 0 to 10,000,000,000 CNY.")
            return None
        amount = amount.quantize(Decimal("0.01"))
        self.values[field] = amount
        return amount

    def check(self) -> dict[str, Any]:
        if self.errors:
            raise ValidationError(self.errors)
        return self.values
