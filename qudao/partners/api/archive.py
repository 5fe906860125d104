"""The partner archive's API, mounted inside /api/v1/partners: contacts, documents, the
partner's users, evaluations, rectifications and credit."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.decorators import decorate_view

from qudao.core.api import ERRORS, UserPage
from qudao.core.downloads import download_name, private_file_response
from qudao.core.schemas import (
    ErrorOut,
    InputSchema,
    choice,
    page_of,
    page_schema,
    related_resolver,
    user_resolver,
)
from qudao.core.uploads import DEFAULT_MAX_BYTES, FORM_ALLOWANCE, upload_size_limit

from ..models import PartnerDocument
from ..selectors import partner_get_for_user
from ..selectors.archive import (
    contact_get_for_user,
    contacts_of,
    documents_of,
    evaluations_of,
    rectifications_of,
    staff_get_for_user,
    staff_of,
)
from ..selectors.credit import credit_summary, special_credits_in_force
from ..services.archive import (
    contact_create,
    contact_delete,
    contact_update,
    document_upload,
    partner_user_invite,
    partner_user_set_active,
)
from ..services.credit import credit_usage_set

router = Router(tags=["partner archive"])


# --- contacts ---------------------------------------------------------------------------------


class ContactOut(Schema):
    id: int
    partner_id: int
    name: str
    title: str
    phone: str
    email: str
    is_primary: bool
    notes: str


ContactPage = page_schema("ContactPage", ContactOut)


class ContactIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=50)
    title: str = Field("", max_length=50)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    is_primary: bool = False
    notes: str = Field("", max_length=200)


class ContactPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=50)
    title: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    is_primary: bool | None = None
    notes: str | None = Field(None, max_length=200)


@router.get("/{partner_id}/contacts", response={200: ContactPage, 404: ErrorOut})
def contact_list(request, partner_id: int, page: int = 1, page_size: int = 50):
    partner = partner_get_for_user(request.user, partner_id)
    return page_of(contacts_of(request.user, partner), page, page_size)


@router.post("/{partner_id}/contacts", response={201: ContactOut, **ERRORS})
def contact_add(request, partner_id: int, payload: ContactIn):
    partner = partner_get_for_user(request.user, partner_id)
    return Status(201, contact_create(actor=request.user, partner=partner, data=payload.dict()))


@router.patch("/{partner_id}/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def contact_change(request, partner_id: int, contact_id: int, payload: ContactPatch):
    partner = partner_get_for_user(request.user, partner_id)
    contact = contact_get_for_user(request.user, partner, contact_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return contact_update(actor=request.user, partner=partner, contact=contact, data=data)


@router.delete("/{partner_id}/contacts/{contact_id}", response={204: None, **ERRORS})
def contact_remove(request, partner_id: int, contact_id: int):
    partner = partner_get_for_user(request.user, partner_id)
    contact = contact_get_for_user(request.user, partner, contact_id)
    contact_delete(actor=request.user, partner=partner, contact=contact)
    return Status(204, None)


# --- documents --------------------------------------------------------------------------------


class PartnerDocumentOut(Schema):
    id: int
    partner_id: int
    kind: str
    title: str
    size: int
    valid_until: date | None
    uploaded_by: str
    uploaded_at: datetime
    download_url: str

    resolve_uploaded_by = user_resolver("uploaded_by")

    @staticmethod
    def resolve_download_url(obj):
        return f"/api/v1/partners/{obj.partner_id}/documents/{obj.pk}/file"


DocumentPage = page_schema("DocumentPage", PartnerDocumentOut)


@router.get("/{partner_id}/documents", response={200: DocumentPage, 404: ErrorOut})
def document_list(request, partner_id: int, page: int = 1, page_size: int = 50):
    partner = partner_get_for_user(request.user, partner_id)
    return page_of(documents_of(request.user, partner), page, page_size)


@router.post("/{partner_id}/documents", response={201: PartnerDocumentOut, **ERRORS})
@decorate_view(upload_size_limit(DEFAULT_MAX_BYTES + FORM_ALLOWANCE))
def document_add(
    request,
    partner_id: int,
    file: File[UploadedFile],
    # The default inside Form(): given as `= default`, pydantic drops it from a field whose
    # type is itself Annotated (as choice() is).
    kind: Annotated[choice(PartnerDocument.Kind), Form(PartnerDocument.Kind.OTHER)],
    title: Form[str] = "",
    valid_until: Form[date | None] = None,
):
    """Upload a file (multipart/form-data); its type, size and content are checked."""
    partner = partner_get_for_user(request.user, partner_id)
    document = document_upload(
        actor=request.user,
        partner=partner,
        upload=file,
        kind=kind,
        title=title,
        valid_until=valid_until,
    )
    return Status(201, document)


@router.get("/{partner_id}/documents/{document_id}/file", response={200: None, 404: ErrorOut})
def document_file(request, partner_id: int, document_id: int):
    partner = partner_get_for_user(request.user, partner_id)
    document = documents_of(request.user, partner).get(pk=document_id)
    return private_file_response(document.file, download_name(document.title, document.file))


# --- the partner's users --------------------------------------------------------------------------


class PartnerUserIn(InputSchema):
    username: str = Field(..., min_length=1, max_length=150)
    last_name: str = Field("", max_length=150)
    first_name: str = Field("", max_length=150)
    email: str = Field(..., min_length=3, max_length=254)
    mobile: str = Field("", max_length=11)
    roles: list[str] = Field(..., description="partner_sales and/or partner_engineer")


class PartnerUserCreated(Schema):
    id: int
    username: str
    is_active: bool
    roles: list[str]
    invited: bool


class PartnerUserPatch(InputSchema):
    is_active: bool


class PartnerUserOut(Schema):
    id: int
    username: str
    name: str = Field(..., alias="display_name")
    email: str
    mobile: str
    is_active: bool
    roles: list[str]

    @staticmethod
    def resolve_roles(obj):
        return sorted(role.code for role in obj.roles.all())


@router.get("/{partner_id}/users", response={200: UserPage, 404: ErrorOut})
def partner_user_list(request, partner_id: int, page: int = 1, page_size: int = 50):
    partner = partner_get_for_user(request.user, partner_id)
    return page_of(staff_of(request.user, partner), page, page_size)


@router.post("/{partner_id}/users", response={201: PartnerUserCreated, **ERRORS})
def partner_user_create(request, partner_id: int, payload: PartnerUserIn):
    partner = partner_get_for_user(request.user, partner_id)
    data = payload.dict(exclude={"roles"})
    user, invited = partner_user_invite(
        actor=request.user, partner=partner, data=data, role_codes=payload.roles
    )
    return Status(
        201,
        {
            "id": user.pk,
            "username": user.username,
            "is_active": user.is_active,
            "roles": sorted(payload.roles),
            "invited": invited,
        },
    )


@router.patch("/{partner_id}/users/{user_id}", response={200: PartnerUserOut, **ERRORS})
def partner_user_change(request, partner_id: int, user_id: int, payload: PartnerUserPatch):
    partner = partner_get_for_user(request.user, partner_id)
    member = staff_get_for_user(request.user, partner, user_id)
    partner_user_set_active(
        actor=request.user, partner=partner, user=member, is_active=payload.is_active
    )
    return staff_get_for_user(request.user, partner, user_id)


# --- evaluations and rectifications -------------------------------------------------------------


class EvaluationOut(Schema):
    id: int
    partner_id: int
    period: str
    scorecard: str
    status: str
    total_score: Decimal | None
    grade: str
    evaluator: str
    created_at: datetime
    finalised_at: datetime | None

    resolve_scorecard = related_resolver("scorecard.name")
    resolve_evaluator = user_resolver("evaluator")


EvaluationPage = page_schema("EvaluationPage", EvaluationOut)


class RectificationOut(Schema):
    id: int
    partner_id: int
    evaluation_id: int | None
    warning: str
    plan: str
    deadline: date
    status: str
    closing_note: str
    created_at: datetime
    closed_at: datetime | None


RectificationPage = page_schema("RectificationPage", RectificationOut)


@router.get("/{partner_id}/evaluations", response={200: EvaluationPage, 404: ErrorOut})
def evaluation_list(request, partner_id: int, page: int = 1, page_size: int = 20):
    partner = partner_get_for_user(request.user, partner_id)
    return page_of(evaluations_of(request.user, partner), page, page_size)


@router.get("/{partner_id}/rectifications", response={200: RectificationPage, 404: ErrorOut})
def rectification_list(request, partner_id: int, page: int = 1, page_size: int = 20):
    partner = partner_get_for_user(request.user, partner_id)
    return page_of(rectifications_of(request.user, partner), page, page_size)


# --- credit ------------------------------------------------------------------------------------


class SpecialCreditOut(Schema):
    id: int
    number: str
    project_name: str
    amount: Decimal
    valid_from: date
    valid_to: date


class CreditOut(Schema):
    partner_id: int
    limit: Decimal = Field(..., description="the normal (standing) limit")
    special: Decimal = Field(..., description="approved special credits valid today")
    total: Decimal
    used: Decimal
    available: Decimal
    today: date
    specials: list[SpecialCreditOut]


class CreditUsageIn(InputSchema):
    credit_used: Decimal
    note: str = Field("", max_length=200)


def _credit_out(partner) -> dict:
    summary = credit_summary(partner)
    return {
        "partner_id": partner.pk,
        "limit": summary.limit,
        "special": summary.special,
        "total": summary.total,
        "used": summary.used,
        "available": summary.available,
        "today": summary.today,
        "specials": list(special_credits_in_force(partner, summary.today).order_by("valid_to")),
    }


@router.get("/{partner_id}/credit", response={200: CreditOut, 404: ErrorOut})
def credit_detail(request, partner_id: int):
    return _credit_out(partner_get_for_user(request.user, partner_id))


@router.put("/{partner_id}/credit/usage", response={200: CreditOut, **ERRORS})
def credit_usage(request, partner_id: int, payload: CreditUsageIn):
    """Finance records the credit in use (never negative)."""
    partner = partner_get_for_user(request.user, partner_id)
    partner = credit_usage_set(
        actor=request.user, partner=partner, used=payload.credit_used, note=payload.note
    )
    return _credit_out(partner)
