"""Periods (year, quarter, month) as the performance module counts them.

Why calendar periods only: targets, scorecards, rebates and benchmarks must line up with the facts
(one row per partner and calendar month) and with the partners app's evaluation periods
("2026", "2026Q3", "2026-07"), so every period is a whole number of calendar months and has the
same label everywhere.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

YEAR, QUARTER, MONTH = "year", "quarter", "month"
KIND_CHOICES = [(YEAR, _("Year")), (QUARTER, _("Quarter")), (MONTH, _("Month"))]
MONTHS_IN = {YEAR: 12, QUARTER: 3, MONTH: 1}
LABEL = re.compile(r"^(?P<year>20\d{2})(?:Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?$")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


@dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    kind: str

    @classmethod
    def of(cls, kind: str, day: datetime.date) -> "Period":
        """The period of `kind` that contains `day`."""
        if kind == YEAR:
            return cls(datetime.date(day.year, 1, 1), YEAR)
        if kind == QUARTER:
            return cls(datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1), QUARTER)
        if kind == MONTH:
            return cls(datetime.date(day.year, day.month, 1), MONTH)
        raise ValueError(kind)

    @classmethod
    def current(cls, kind: str = QUARTER) -> "Period":
        return cls.of(kind, timezone.localdate())

    @classmethod
    def parse(cls, label: str) -> "Period":
        """ "2026" → the year, "2026Q3" → a quarter, "2026-07" → a month; ValueError otherwise."""
        found = LABEL.match((label or "").strip().upper())
        if not found:
            raise ValueError(label)
        year = int(found["year"])
        if found["quarter"]:
            return cls(datetime.date(year, (int(found["quarter"]) - 1) * 3 + 1, 1), QUARTER)
        if found["month"]:
            return cls(datetime.date(year, int(found["month"]), 1), MONTH)
        return cls(datetime.date(year, 1, 1), YEAR)

    @classmethod
    def from_fields(cls, kind: str, start: datetime.date) -> "Period":
        return cls(start, kind)

    @property
    def months(self) -> int:
        return MONTHS_IN[self.kind]

    @property
    def end(self) -> datetime.date:
        """The last day (inclusive)."""
        return add_months(self.start, self.months) - datetime.timedelta(days=1)

    @property
    def after(self) -> datetime.date:
        """The first day after the period."""
        return add_months(self.start, self.months)

    @property
    def label(self) -> str:
        if self.kind == YEAR:
            return f"{self.start.year}"
        if self.kind == QUARTER:
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"

    def __str__(self) -> str:
        return self.label

    @property
    def lookup(self) -> dict[str, object]:
        """The filter of the rows kept per period (scorecards, statements, benchmarks)."""
        return {"period_kind": self.kind, "period_start": self.start}

    def month_starts(self) -> list[datetime.date]:
        return [add_months(self.start, offset) for offset in range(self.months)]

    def previous(self) -> "Period":
        return Period(add_months(self.start, -self.months), self.kind)

    def next(self) -> "Period":
        return Period(self.after, self.kind)

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, other: "Period") -> bool:
        return self.start <= other.end and other.start <= self.end

    @property
    def days(self) -> int:
        return (self.after - self.start).days

    def elapsed_days(self, today: datetime.date | None = None) -> int:
        """Days of the period gone by, today included (0 before it starts, all after it)."""
        today = today or timezone.localdate()
        if today < self.start:
            return 0
        return min((today - self.start).days + 1, self.days)


def recent_periods(kind: str, count: int, today: datetime.date | None = None) -> list[Period]:
    """The current period of `kind` and the `count - 1` before it, newest first (for selects)."""
    period = Period.of(kind, today or timezone.localdate())
    found = []
    for _index in range(count):
        found.append(period)
        period = period.previous()
    return found
