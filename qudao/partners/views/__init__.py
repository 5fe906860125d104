"""Pages of the partners app, one module per part; each module has its `urlpatterns` and
registers its own navigation entries."""

from . import agreements, archive, credit, evaluation, imports, partners, recruitment, tiers

__all__ = [
    "agreements",
    "archive",
    "credit",
    "evaluation",
    "imports",
    "partners",
    "recruitment",
    "tiers",
]
