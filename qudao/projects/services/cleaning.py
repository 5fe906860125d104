"""Input cleaning shared by the work, closing and stock-take services: one small collector that
validates the fields present in a dict (from a form or an API payload) and raises one
ValidationError with every problem, so that nothing is written when anything is wrong."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core.errors import ValidationError
from qudao.core.models import User

from ..models import Project, ProjectMember
from .common import MAX_AMOUNT

MAX_TEXT = 5000


def pk_of(value: Any) -> Any:
    return getattr(value, "pk", value)


def team_users(project: Project) -> Q:
    """Users on `project`'s team (the owner is always a member, see services.projects)."""
    return Q(pk=project.owner_id) | Q(
        pk__in=ProjectMember.objects.filter(project=project).values("user_id")
    )


class Cleaner:
    """Collects cleaned `values` and `errors` for the fields of `data`. With `partial`, a field
    missing from `data` is left alone (an update); otherwise it gets its default (a create)."""

    def __init__(self, data: dict[str, Any] | None, *, partial: bool = False):
        self.data = data or {}
        self.partial = partial
        self.values: dict[str, Any] = {}
        self.errors: dict[str, str] = {}

    def skips(self, field: str) -> bool:
        return self.partial and field not in self.data

    def text(self, field: str, *, required: bool = False, max_length: int = 200) -> str | None:
        if self.skips(field):
            return None
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

    def team_member(self, field: str, project: Project, *, required: bool = False) -> User | None:
        """A user on `project`'s team (who can carry an owner's duty there)."""
        if self.skips(field):
            return None
        value = pk_of(self.data.get(field))
        if value in (None, ""):
            if required:
                self.errors[field] = _("Choose someone from the project team.")
            self.values[field] = None
            return None
        user = None
        if str(value).isdigit():
            user = User.objects.filter(team_users(project), pk=value, is_active=True).first()
        if user is None:
            self.errors[field] = _("Choose someone from the project team.")
        self.values[field] = user
        return user

    def check(self) -> dict[str, Any]:
        if self.errors:
            raise ValidationError(self.errors)
        return self.values
