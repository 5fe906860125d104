"""Tiers API: the tiers and their benefits (everyone reads; admins and the channel director
write), and tier changes of partners (propose; list within the data scope)."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from qudao.core.api import ERRORS
from qudao.core.errors import ValidationError
from qudao.core.schemas import (
    ErrorOut,
    InputSchema,
    PageIn,
    choice,
    page_of,
    page_schema,
    related_resolver,
    user_resolver,
)

from ..models import Tier, TierChange
from ..selectors import tiers as selectors
from ..selectors.partners import partner_get_for_user
from ..services import tiers as services

router = Router(tags=["tiers"])


class TierOut(Schema):
    id: int
    code: str
    name: str
    rank: int
    discount_percent: Decimal
    default_credit_limit: Decimal
    mdf_share_percent: Decimal
    training_seats: int
    required_certifications: list[str]
    min_score: Decimal | None
    is_active: bool

    @staticmethod
    def resolve_required_certifications(obj):
        return [line.strip() for line in obj.required_certifications.splitlines() if line.strip()]


TierPage = page_schema("TierPage", TierOut)


PERCENT = {"max_digits": 5, "decimal_places": 2}
MONEY = {"max_digits": 14, "decimal_places": 2}


class TierIn(InputSchema):
    code: str = Field(..., max_length=20)
    name: str = Field(..., max_length=50)
    rank: int = 0
    discount_percent: Decimal = Field(Decimal("0"), **PERCENT)
    default_credit_limit: Decimal = Field(Decimal("0"), **MONEY)
    mdf_share_percent: Decimal = Field(Decimal("0"), **PERCENT)
    training_seats: int = 0
    required_certifications: list[str] = []
    min_score: Decimal | None = Field(None, **PERCENT)
    is_active: bool = True


class TierPatch(InputSchema):
    name: str | None = Field(None, max_length=50)
    rank: int | None = None
    discount_percent: Decimal | None = Field(None, **PERCENT)
    default_credit_limit: Decimal | None = Field(None, **MONEY)
    mdf_share_percent: Decimal | None = Field(None, **PERCENT)
    training_seats: int | None = None
    required_certifications: list[str] | None = None
    min_score: Decimal | None = Field(None, **PERCENT)
    is_active: bool | None = None


class TierChangeOut(Schema):
    id: int
    partner_id: int
    partner: str
    from_tier: str | None = Field(None, description="tier code")
    from_tier_name: str | None
    to_tier: str = Field(..., description="tier code")
    to_tier_name: str
    source: str
    evaluation_id: int | None
    reason: str
    status: str
    requested_by: str
    created_at: datetime.datetime
    decided_at: datetime.datetime | None

    resolve_partner = related_resolver("partner.name")
    resolve_from_tier = related_resolver("from_tier.code")
    resolve_from_tier_name = related_resolver("from_tier.name")
    resolve_to_tier = related_resolver("to_tier.code")
    resolve_to_tier_name = related_resolver("to_tier.name")
    resolve_requested_by = user_resolver("requested_by")


TierChangePage = page_schema("TierChangePage", TierChangeOut)


class TierChangeFilter(PageIn):
    partner: int | None = None
    status: choice(TierChange.Status) | None = None


class TierChangeIn(InputSchema):
    partner_id: int
    to_tier: str = Field(..., max_length=20, description="tier code")
    reason: str = Field(..., max_length=2000)


def _tier_data(data: dict) -> dict:
    data = {key: value for key, value in data.items() if value is not None}
    if "required_certifications" in data:
        data["required_certifications"] = "\n".join(
            line.strip() for line in data["required_certifications"] if line.strip()
        )
    return data


# Tier changes first: "/changes" must not be read as a tier id.


@router.get("/changes", response=TierChangePage)
def tier_change_list(request, filters: Query[TierChangeFilter]):
    rows = selectors.tier_changes_visible_to(request.user)
    if filters.partner:
        rows = rows.filter(partner_id=filters.partner)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return page_of(rows.order_by("-created_at", "-id"), filters.page, filters.page_size)


@router.post("/changes", response={201: TierChangeOut, **ERRORS})
def tier_change_propose(request, payload: TierChangeIn):
    partner = partner_get_for_user(request.user, payload.partner_id)
    to_tier = Tier.objects.filter(code=payload.to_tier).first()
    if to_tier is None:
        raise ValidationError({"to_tier": [_("Unknown tier.")]})
    change = services.tier_change_propose(
        actor=request.user, partner=partner, to_tier=to_tier, reason=payload.reason
    )
    return Status(201, selectors.tier_changes_visible_to(request.user).get(pk=change.pk))


@router.get("", response=TierPage)
def tier_list(request, page: int = 1, page_size: int = 50):
    return page_of(selectors.tiers_visible_to(request.user), page, page_size)


@router.post("", response={201: TierOut, **ERRORS})
def tier_create(request, payload: TierIn):
    tier = services.tier_create(actor=request.user, data=_tier_data(payload.dict()))
    return Status(201, tier)


@router.get("/{tier_id}", response={200: TierOut, 404: ErrorOut})
def tier_detail(request, tier_id: int):
    return selectors.tier_get_for_user(request.user, tier_id)


@router.patch("/{tier_id}", response={200: TierOut, **ERRORS})
def tier_update(request, tier_id: int, payload: TierPatch):
    tier = selectors.tier_get_for_user(request.user, tier_id)
    data = payload.dict(exclude_unset=True)
    if "min_score" in data and data["min_score"] is None:
        data["min_score"] = ""  # an explicit null clears the minimum score
    return services.tier_update(actor=request.user, tier=tier, data=_tier_data(data))
