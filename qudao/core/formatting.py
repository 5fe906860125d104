"""One way to write numbers for people: money with thousands separators (¥1,234,567.00),
large sums in 万/亿 for cards, charts and summaries (¥2,367.0 万; in English ¥23.67 m),
counts and percentages. Templates use the filters of the same names (core.templatetags.qudao);
charts use static/js/format.js, which follows the same rules."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language

EMPTY = "—"
CURRENCY = "¥"


def _number(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _grouped(number: Decimal, places: int) -> str:
    return f"{number:,.{places}f}"


def amount(value: Any, places: int = 2) -> str:
    """1,234,567.00 — a money column whose header names the currency."""
    number = _number(value)
    return EMPTY if number is None else _grouped(number, places)


def money(value: Any, places: int = 2) -> str:
    """¥1,234,567.00 (−¥5.00 below zero)."""
    number = _number(value)
    if number is None:
        return EMPTY
    sign = "-" if number < 0 else ""
    return f"{sign}{CURRENCY}{_grouped(abs(number), places)}"


def _chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def wan(value: Any, currency: bool = True) -> str:
    """A sum for a card or a summary: ¥2,367.0 万 / ¥1.24 亿 (English: ¥23.67 m / ¥1.24 bn).

    Below 10,000 (English: 1,000) the exact amount is written."""
    number = _number(value)
    if number is None:
        return EMPTY
    symbol = CURRENCY if currency else ""
    sign = "-" if number < 0 else ""
    size = abs(number)
    if _chinese():
        steps = [(Decimal(100_000_000), 2, "亿"), (Decimal(10_000), 1, "万")]
    else:
        steps = [
            (Decimal(1_000_000_000), 2, "bn"),
            (Decimal(1_000_000), 2, "m"),
            (Decimal(1_000), 1, "k"),
        ]
    for unit, places, name in steps:
        if size >= unit:
            return f"{sign}{symbol}{_grouped(size / unit, places)} {name}"
    return f"{sign}{symbol}{_grouped(size, 2 if currency else 0)}"


def num(value: Any, places: int = 0) -> str:
    """A count or a measure: 12,345 (places=1: 12,345.6)."""
    number = _number(value)
    return EMPTY if number is None else _grouped(number, places)


def pct(value: Any, places: int = 1) -> str:
    """A percentage already in percent: 85.3%."""
    number = _number(value)
    return EMPTY if number is None else f"{_grouped(number, places)}%"


def money_unit_label() -> str:
    """The unit written on a chart axis of sums shown by `wan`."""
    return "万元" if _chinese() else "CNY m"
