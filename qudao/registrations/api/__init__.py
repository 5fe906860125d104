"""Deal registrations API (/api/v1/registrations): list, create and update drafts, a conflict
check while typing, read, submit, conflicts, approve, reject, request information, extend,
progress updates and the outcome. Everything is scoped: a registration outside the caller's
scope is a 404."""

from ninja import Router

router = Router(tags=["registrations"])

# Each feature module adds its endpoints to `router` when imported, in this order: Django tries
# the paths in it, so drafts' "/check" must come before registrations' "/{registration_id}".
from . import conflicts, drafts, outcome, protection, registrations, review  # noqa: E402

__all__ = ["conflicts", "drafts", "outcome", "protection", "registrations", "review", "router"]
