"""Agreements API: list, create, read, update (drafts), submit, withdraw, terminate, renew, and
the signed file (upload and scope-checked download)."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

from qudao.catalog.models import ProductLine
from qudao.core.api import ERRORS, ApprovalOut, approval_summary
from qudao.core.downloads import download_name, private_file_response
from qudao.core.errors import ValidationError
from qudao.core.models import Region
from qudao.core.schemas import (
    ErrorOut,
    InputSchema,
    SearchIn,
    choice,
    page_schema,
    related_resolver,
    search_page,
)
from qudao.core.uploads import FORM_ALLOWANCE, upload_size_limit

from ..models import Agreement
from ..selectors.agreements import agreement_get_for_user, agreements_search
from ..selectors.partners import partner_get_for_user
from ..services import agreements as services

router = Router(tags=["agreements"])


class RegionRef(Schema):
    id: int
    code: str
    name: str


class ProductLineRef(Schema):
    id: int
    code: str
    name: str


class AgreementOut(Schema):
    id: int
    number: str
    partner_id: int
    partner: str
    status: str
    start_date: datetime.date
    end_date: datetime.date
    territory: list[RegionRef]
    product_lines: list[ProductLineRef]
    annual_target: Decimal
    rebate_policy: str
    rights_obligations: str
    signed_file_url: str | None
    renewed_from_id: int | None
    renewed_from: str | None
    termination_reason: str
    reminder_sent_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    resolve_partner = related_resolver("partner.name")

    @staticmethod
    def resolve_territory(obj):
        return list(obj.territory.all())

    @staticmethod
    def resolve_product_lines(obj):
        return list(obj.product_lines.all())

    @staticmethod
    def resolve_signed_file_url(obj):
        # The scope-checking download endpoint, never the storage path.
        if not obj.signed_file:
            return None
        return reverse("api:agreement_signed_file", kwargs={"agreement_id": obj.pk})

    resolve_renewed_from = related_resolver("renewed_from.number")


AgreementPage = page_schema("AgreementPage", AgreementOut)


class AgreementFilter(SearchIn):
    status: choice(Agreement.Status) | None = None
    partner: int | None = None
    region: int | None = None
    expiring: bool = False


class AgreementIn(InputSchema):
    partner_id: int
    start_date: datetime.date
    end_date: datetime.date
    territory_ids: list[int] = Field(..., description="regions or offices")
    product_line_ids: list[int] = []
    annual_target: Decimal = Field(Decimal("0"), max_digits=14, decimal_places=2)
    rebate_policy: str = Field("", max_length=100)
    rights_obligations: str = Field("", max_length=20000)


class AgreementPatch(InputSchema):
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    territory_ids: list[int] | None = None
    product_line_ids: list[int] | None = None
    annual_target: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    rebate_policy: str | None = Field(None, max_length=100)
    rights_obligations: str | None = Field(None, max_length=20000)


class TerminateIn(InputSchema):
    reason: str = Field(..., max_length=2000)


def _resolve(data: dict) -> dict:
    """Ids to objects, with a field error for any unknown id; None means "leave as is"."""
    resolved = {key: value for key, value in data.items() if value is not None}
    if "territory_ids" in resolved:
        ids = set(resolved.pop("territory_ids"))
        regions = list(Region.objects.filter(pk__in=ids))
        if len(regions) != len(ids):
            raise ValidationError({"territory_ids": [_("Unknown region or office.")]})
        resolved["territory"] = regions
    if "product_line_ids" in resolved:
        ids = set(resolved.pop("product_line_ids"))
        lines = list(ProductLine.objects.filter(pk__in=ids, is_active=True))
        if len(lines) != len(ids):
            raise ValidationError({"product_line_ids": [_("Unknown product line.")]})
        resolved["product_lines"] = lines
    return resolved


def _reload(request, agreement: Agreement) -> Agreement:
    return agreement_get_for_user(request.user, agreement.pk)


@router.get("", response=AgreementPage)
def agreement_list(request, filters: Query[AgreementFilter]):
    return search_page(agreements_search, request.user, filters)


@router.post("", response={201: AgreementOut, **ERRORS})
def agreement_create(request, payload: AgreementIn):
    data = payload.dict()
    partner = partner_get_for_user(request.user, data.pop("partner_id"))
    agreement = services.agreement_create(actor=request.user, partner=partner, data=_resolve(data))
    return Status(201, _reload(request, agreement))


@router.get("/{agreement_id}", response={200: AgreementOut, 404: ErrorOut})
def agreement_detail(request, agreement_id: int):
    return agreement_get_for_user(request.user, agreement_id)


@router.patch("/{agreement_id}", response={200: AgreementOut, **ERRORS})
def agreement_update(request, agreement_id: int, payload: AgreementPatch):
    agreement = agreement_get_for_user(request.user, agreement_id)
    data = _resolve(payload.dict(exclude_unset=True))
    services.agreement_update(actor=request.user, agreement=agreement, data=data)
    return _reload(request, agreement)


@router.post("/{agreement_id}/signed-file", response={200: AgreementOut, **ERRORS})
@decorate_view(upload_size_limit(services.SIGNED_FILE_MAX_BYTES + FORM_ALLOWANCE))
def agreement_upload(request, agreement_id: int, file: File[UploadedFile]):
    """Upload (or replace) the signed agreement of a draft: PDF or image, up to 20 MB."""
    agreement = agreement_get_for_user(request.user, agreement_id)
    services.agreement_update(actor=request.user, agreement=agreement, data={"signed_file": file})
    return _reload(request, agreement)


@router.get(
    "/{agreement_id}/signed-file",
    response={200: None, 404: ErrorOut},
    url_name="agreement_signed_file",
)
def agreement_signed_file(request, agreement_id: int):
    agreement = agreement_get_for_user(request.user, agreement_id)
    return private_file_response(
        agreement.signed_file, download_name(agreement.number, agreement.signed_file)
    )


@router.post("/{agreement_id}/submit", response={201: ApprovalOut, **ERRORS})
def agreement_submit(request, agreement_id: int):
    agreement = agreement_get_for_user(request.user, agreement_id)
    approval = services.agreement_submit(actor=request.user, agreement=agreement)
    return Status(201, approval_summary(approval))


@router.post("/{agreement_id}/withdraw", response={200: AgreementOut, **ERRORS})
def agreement_withdraw(request, agreement_id: int):
    agreement = agreement_get_for_user(request.user, agreement_id)
    services.agreement_withdraw(actor=request.user, agreement=agreement)
    return _reload(request, agreement)


@router.post("/{agreement_id}/terminate", response={200: AgreementOut, **ERRORS})
def agreement_terminate(request, agreement_id: int, payload: TerminateIn):
    agreement = agreement_get_for_user(request.user, agreement_id)
    services.agreement_terminate(actor=request.user, agreement=agreement, reason=payload.reason)
    return _reload(request, agreement)


@router.post("/{agreement_id}/renew", response={201: AgreementOut, **ERRORS})
def agreement_renew(request, agreement_id: int):
    agreement = agreement_get_for_user(request.user, agreement_id)
    renewal = services.agreement_renew(actor=request.user, agreement=agreement)
    return Status(201, _reload(request, renewal))
