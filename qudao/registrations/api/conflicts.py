"""The conflicts of a registration, as the caller may see them."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from qudao.core.schemas import ErrorOut

from ..selectors import conflicts_for_viewer, registration_get_for_user
from . import router


class LevelCount(Schema):
    level: str
    count: int


class CandidateOut(Schema):
    registration_id: int
    number: str
    partner: str
    customer_name: str
    project_name: str
    estimated_amount: Decimal
    status: str
    submitted_at: datetime | None
    level: str
    score: float
    reasons: list[str]


class VendorCandidateOut(Schema):
    """A match with the vendor's own records (vendor staff only)."""

    source: str
    source_label: str = ""
    reference: str
    title: str
    url: str = Field("", description="empty when the record is outside your data scope")
    level: str
    score: float
    reasons: list[str]


class ConflictsOut(Schema):
    level: str
    levels: list[LevelCount]
    candidates: list[CandidateOut] = []
    hidden: int = 0
    vendor: list[VendorCandidateOut] = []


@router.get("/{registration_id}/conflicts", response={200: ConflictsOut, 404: ErrorOut})
def registration_conflicts_endpoint(request, registration_id: int):
    registration = registration_get_for_user(request.user, registration_id)
    return conflicts_for_viewer(request.user, registration)
