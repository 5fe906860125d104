"""The list kit: what every app's list selectors and list pages share — the text search over a
few columns, the filters applied only when given, the query parameter read against its choices,
the filter fields of the list forms, and the page or its htmx results fragment."""

import operator
from functools import reduce
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .web import is_htmx


def text_search(rows: QuerySet, q: str, fields: tuple[str, ...]) -> QuerySet:
    """The rows one of whose `fields` contains `q` (case-insensitive); every row when `q` is
    empty."""
    if not q:
        return rows
    return rows.filter(reduce(operator.or_, (Q(**{f"{field}__icontains": q}) for field in fields)))


def filter_given(rows: QuerySet, **lookups: Any) -> QuerySet:
    """`rows` filtered by each lookup whose value is given (an empty value means "any"), in the
    order written."""
    for lookup, value in lookups.items():
        if value:
            rows = rows.filter(**{lookup: value})
    return rows


def query_text(request, name: str = "q") -> str:
    """The query parameter `name`, stripped ("" when absent)."""
    return (request.GET.get(name) or "").strip()


def query_choice(request, name: str, values, default: str = "") -> str:
    """The query parameter `name` (`default` when absent) when it is one of `values`, else ""
    (any)."""
    value = request.GET.get(name, default)
    return value if value in values else ""


def render_list(request, template: str, fragment: str, context: dict):
    """The list page, or only its results fragment for an htmx refresh."""
    return render(request, fragment if is_htmx(request) else template, context)


def partner_search_field() -> forms.CharField:
    """A partner filter as a search box (part of a name or code), not a <select>: a vendor may
    see thousands of partners."""
    return forms.CharField(
        label=_("Partner"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Partner name or code")}),
    )


def date_filter_field(label) -> forms.DateField:
    """An optional date bound of a list filter."""
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "title": label}),
    )


class RegionTreeChoiceField(forms.ModelChoiceField):
    """A region filter listing each region followed by its offices, indented, each level by
    its sort order (one query; the tree has two levels: regions and their offices)."""

    def __init__(self, label, empty_label=None, **kwargs):
        from django.db.models import F
        from django.db.models.functions import Coalesce

        from .models import Region

        rows = Region.objects.annotate(
            top_order=Coalesce("parent__sort_order", "sort_order"),
            top_code=Coalesce("parent__code", "code"),
        ).order_by(
            "top_order", "top_code", F("parent_id").asc(nulls_first=True), "sort_order", "code"
        )
        empty_label = empty_label or _("All regions")
        super().__init__(rows, label=label, required=False, empty_label=empty_label, **kwargs)

    def label_from_instance(self, obj):
        return f"\u3000└ {obj.name}" if obj.parent_id else obj.name
