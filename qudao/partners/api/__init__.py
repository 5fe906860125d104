"""The partners app's API: one router, mounted by qudao/api.py at /api/v1/, holding each
feature's router under its path."""

from ninja import Router

from . import agreements, applications, archive, credit, partners, tiers

router = Router()
router.add_router("/partners", partners.router)
# The archive (contacts, documents, users, evaluations, credit) hangs under a partner.
router.add_router("/partners", archive.router)
router.add_router("/partner-applications", applications.router)
router.add_router("/agreements", agreements.router)
router.add_router("/tiers", tiers.router)
router.add_router("/credit-applications", credit.router)
