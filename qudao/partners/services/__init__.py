"""Writes of the partners app, one module per part of the partner lifecycle."""

from . import agreements, archive, credit, evaluation, imports, recruitment, tiers  # noqa: F401
from .partners import (
    CODE_PATTERN,
    partner_activation_approved,
    partner_activation_submit,
    partner_can_manage,
    partner_create,
    partner_update,
    regions_assignable,
)

__all__ = [
    "CODE_PATTERN",
    "partner_activation_approved",
    "partner_activation_submit",
    "partner_can_manage",
    "partner_create",
    "partner_update",
    "regions_assignable",
]
