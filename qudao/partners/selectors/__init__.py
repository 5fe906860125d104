"""Reads of the partners app, always through the data scope; one module per part."""

from .partners import (
    SORTS,
    partner_get_for_user,
    partner_ids_named,
    partners_search,
    partners_visible_to,
)

__all__ = [
    "SORTS",
    "partner_get_for_user",
    "partner_ids_named",
    "partners_search",
    "partners_visible_to",
]
