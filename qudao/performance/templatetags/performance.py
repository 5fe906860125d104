"""Template filters of the performance pages."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def cell(value):
    """A report cell: numbers with thousands separators (two decimals for amounts), "—" for
    nothing, text as it is."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return intcomma(value)
    if isinstance(value, float):
        return intcomma(f"{value:.2f}")
    return value


@register.filter
def at(items, index):
    """The item at a position of a list ("" past its end): a report cell's column header."""
    try:
        return items[int(index)]
    except (IndexError, TypeError, ValueError):
        return ""
