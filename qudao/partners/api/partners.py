"""Partners API: list, create, read, update, history, activation."""

from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from qudao.core.api import ERRORS, ApprovalOut, AuditPage, approval_summary, audit_page
from qudao.core.errors import ValidationError
from qudao.core.models import Region, User
from qudao.core.schemas import ErrorOut, InputSchema, SearchIn, choice, page_schema, search_page
from qudao.core.selectors import audit_entries_for_object

from .. import services
from ..models import Partner, Tier
from ..selectors import partner_get_for_user, partners_search

router = Router(tags=["partners"])
# The model field's limit, so that the schema, the form and the service agree.
CREDIT_CODE_MAX = Partner._meta.get_field("credit_code").max_length


class PartnerOut(Schema):
    id: int
    code: str
    name: str
    region_id: int
    region: str
    status: str
    tier: str
    owner_id: int
    owner: str
    tier_name: str
    credit_code: str
    contact_name: str
    contact_phone: str
    legal_representative: str
    address: str
    website: str
    business_scope: str
    registered_capital: Decimal | None
    annual_revenue: Decimal | None
    staff_count: int | None
    sales_staff_count: int | None
    tech_staff_count: int | None
    main_customers: str
    main_industries: str
    credit_limit: Decimal
    credit_used: Decimal
    exited_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_region(obj):
        return str(obj.region)

    @staticmethod
    def resolve_owner(obj):
        return str(obj.owner)

    @staticmethod
    def resolve_tier(obj):
        return obj.tier_id

    @staticmethod
    def resolve_tier_name(obj):
        return obj.tier.name


PartnerPage = page_schema("PartnerPage", PartnerOut)


class PartnerFilter(SearchIn):
    region: int | None = None
    status: choice(Partner.Status) | None = None
    tier: str = ""


class PartnerIn(InputSchema):
    code: str = Field(..., min_length=2, max_length=20)
    name: str = Field(..., min_length=2, max_length=200)
    region_id: int
    tier: str = Field("registered", max_length=20, description="tier code")
    owner_id: int | None = None
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=30)
    credit_code: str = Field("", max_length=CREDIT_CODE_MAX)
    legal_representative: str = Field("", max_length=50)
    address: str = Field("", max_length=200)
    website: str = Field("", max_length=200)
    business_scope: str = Field("", max_length=5000)
    registered_capital: Decimal | None = Field(None, ge=0, description="10k CNY")
    annual_revenue: Decimal | None = Field(None, ge=0, description="10k CNY")
    staff_count: int | None = Field(None, ge=0)
    sales_staff_count: int | None = Field(None, ge=0)
    tech_staff_count: int | None = Field(None, ge=0)
    main_customers: str = Field("", max_length=5000)
    main_industries: str = Field("", max_length=200)


class PartnerPatch(InputSchema):
    code: str | None = Field(None, min_length=2, max_length=20)
    name: str | None = Field(None, min_length=2, max_length=200)
    region_id: int | None = None
    tier: str | None = Field(None, max_length=20)
    owner_id: int | None = None
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=30)
    credit_code: str | None = Field(None, max_length=CREDIT_CODE_MAX)
    legal_representative: str | None = Field(None, max_length=50)
    address: str | None = Field(None, max_length=200)
    website: str | None = Field(None, max_length=200)
    business_scope: str | None = Field(None, max_length=5000)
    registered_capital: Decimal | None = Field(None, ge=0, description="10k CNY")
    annual_revenue: Decimal | None = Field(None, ge=0, description="10k CNY")
    staff_count: int | None = Field(None, ge=0)
    sales_staff_count: int | None = Field(None, ge=0)
    tech_staff_count: int | None = Field(None, ge=0)
    main_customers: str | None = Field(None, max_length=5000)
    main_industries: str | None = Field(None, max_length=200)


def _resolve(data: dict) -> dict:
    """Turn *_id fields into objects, with a field error for an unknown id."""
    resolved = dict(data)
    if resolved.get("region_id") is not None:
        region = Region.objects.filter(pk=resolved.pop("region_id")).first()
        if region is None:
            raise ValidationError({"region_id": [_("Unknown region.")]})
        resolved["region"] = region
    resolved.pop("region_id", None)
    if resolved.get("owner_id") is not None:
        owner = User.objects.filter(pk=resolved.pop("owner_id")).first()
        if owner is None:
            raise ValidationError({"owner_id": [_("Unknown user.")]})
        resolved["owner"] = owner
    resolved.pop("owner_id", None)
    if resolved.get("tier") is not None:
        tier = Tier.objects.filter(code=resolved["tier"], is_active=True).first()
        if tier is None:
            raise ValidationError({"tier": [_("Unknown tier.")]})
        resolved["tier"] = tier
    return resolved


@router.get("", response=PartnerPage)
def partner_list(request, filters: Query[PartnerFilter]):
    return search_page(partners_search, request.user, filters)


@router.post("", response={201: PartnerOut, **ERRORS})
def partner_create(request, payload: PartnerIn):
    partner = services.partner_create(actor=request.user, data=_resolve(payload.dict()))
    return Status(201, partner_get_for_user(request.user, partner.pk))


@router.get("/{partner_id}", response={200: PartnerOut, 404: ErrorOut})
def partner_detail(request, partner_id: int):
    return partner_get_for_user(request.user, partner_id)


@router.patch("/{partner_id}", response={200: PartnerOut, **ERRORS})
def partner_update(request, partner_id: int, payload: PartnerPatch):
    partner = partner_get_for_user(request.user, partner_id)
    services.partner_update(
        actor=request.user, partner=partner, data=_resolve(payload.dict(exclude_unset=True))
    )
    return partner_get_for_user(request.user, partner_id)


@router.get("/{partner_id}/history", response={200: AuditPage, 404: ErrorOut})
def partner_history(request, partner_id: int, page: int = 1, page_size: int = 20):
    partner = partner_get_for_user(request.user, partner_id)
    rows = audit_entries_for_object(partner).select_related("content_type")
    return audit_page(request.user, rows, page, page_size)


@router.post("/{partner_id}/activation", response={201: ApprovalOut, **ERRORS})
def partner_activation(request, partner_id: int):
    partner = partner_get_for_user(request.user, partner_id)
    approval = services.partner_activation_submit(actor=request.user, partner=partner)
    return Status(201, approval_summary(approval))
