import datetime

from django import template
from django.utils.html import format_html

from .. import formatting

register = template.Library()


@register.simple_tag
def query_with(request, **changes):
    """The current query string with some parameters replaced (pagination, sorting)."""
    query = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    if "page" not in changes:
        query.pop("page", None)
    return query.urlencode()


@register.simple_tag
def sort_header(request, current: str, key: str, label: str):
    """A column header that sorts by `key`, toggling the direction when already sorted by it."""
    descending = current == key
    target = f"-{key}" if descending else key
    arrow = "bi-sort-up" if current == key else "bi-sort-down" if current == f"-{key}" else ""
    query = query_with(request, sort=target)
    return format_html(
        '<a href="?{}" class="text-reset text-decoration-none">{} <i class="bi {}"></i></a>',
        query,
        label,
        arrow,
    )


STATUS_COLOURS = {
    "approved": "success",
    "active": "success",
    "sent": "success",
    "pending": "warning",
    "returned": "warning",
    "prospect": "info",
    "draft": "light",
    "submitted": "info",
    "info_requested": "warning",
    "won": "success",
    "lost": "dark",
    "good": "success",
    "warning": "warning",
    "critical": "danger",
    "reviewing": "info",
    "in_approval": "warning",
    "open": "warning",
    "closed": "success",
    "final": "success",
    "expired": "secondary",
    "terminated": "dark",
    "exit": "dark",
    "waiting": "secondary",
    "cancelled": "secondary",
    "exited": "secondary",
    "rejected": "danger",
    "suspended": "danger",
    "failed": "danger",
}


@register.filter
def status_colour(status: str) -> str:
    """The Bootstrap colour of a state badge; one map for every module."""
    return STATUS_COLOURS.get(status, "secondary")


# Dates as lists show them, written directly: the `date` filter builds a formatter and looks up
# the language's format settings for each value, which adds up over a page of dates. The same
# text: aware datetimes in the current time zone (expects_localtime), "" for what is not a date,
# as `date` gives it.
@register.filter(expects_localtime=True)
def ymd(value) -> str:
    """`value|date:"Y-m-d"`, faster."""
    if not isinstance(value, datetime.date):
        return ""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


@register.filter(expects_localtime=True)
def ymd_hm(value) -> str:
    """`value|date:"Y-m-d H:i"`, faster ("" for a date without a time, as `date` gives)."""
    if not isinstance(value, datetime.datetime):
        return ""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}"


# Numbers, one way everywhere (core.formatting): {{ x|money }} ¥1,234,567.00, {{ x|amount }}
# 1,234,567.00 under a header naming the currency, {{ x|wan }} ¥2,367.0 万 in cards and summaries,
# {{ n|num }} 12,345, {{ p|pct }} 85.3%.
@register.filter
def money(value, places=2) -> str:
    return formatting.money(value, int(places))


@register.filter
def amount(value, places=2) -> str:
    return formatting.amount(value, int(places))


@register.filter
def wan(value) -> str:
    return formatting.wan(value)


@register.filter
def num(value, places=0) -> str:
    return formatting.num(value, int(places))


@register.filter
def pct(value, places=1) -> str:
    return formatting.pct(value, int(places))
