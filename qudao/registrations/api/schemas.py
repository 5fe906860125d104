"""The schemas the registration endpoints share, and turning a payload into a service's data
and a service's result into a response."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from qudao.core.schemas import InputSchema, choice, field_limit, related_resolver

from ..models import Registration
from ..selectors import registration_get_for_user
from ..services import RegistrationResult


class ProductIn(InputSchema):
    product_line_id: int
    quantity: int
    description: str = Field("", max_length=200)


class ProductOut(Schema):
    product_line_id: int
    product_line: str
    quantity: int
    description: str

    resolve_product_line = related_resolver("product_line.name")


class RegistrationIn(InputSchema):
    customer_name: str = Field(..., max_length=200)
    customer_credit_code: str = Field(
        "", max_length=field_limit(Registration, "customer_credit_code")
    )
    customer_region_id: int
    customer_city: str = Field("", max_length=50)
    project_name: str = Field(..., max_length=200)
    industry: str = Field("", max_length=50)
    products: list[ProductIn] = []
    estimated_amount: Decimal = Field(..., description="CNY; > 0 and at most 10,000,000,000")
    expected_close_date: date = Field(..., description="today or later")
    stage: choice(Registration.Stage) = Registration.Stage.LEAD
    competitors: str = Field("", max_length=5000)
    decision_makers: str = Field("", max_length=5000)
    notes: str = Field("", max_length=5000)


class RegistrationOut(Schema):
    id: int
    number: str
    partner_id: int
    partner: str
    customer_name: str
    customer_credit_code: str
    customer_region_id: int
    customer_region: str
    customer_city: str
    project_name: str
    industry: str
    products: list[ProductOut]
    estimated_amount: Decimal
    expected_close_date: date
    stage: str
    competitors: str
    decision_makers: str
    notes: str
    status: str
    submitted_at: datetime | None
    protection_until: date | None
    last_progress_at: datetime | None
    progress_due_at: datetime | None
    created_at: datetime
    updated_at: datetime

    resolve_partner = related_resolver("partner.name")
    resolve_customer_region = related_resolver("customer_region.name")

    @staticmethod
    def resolve_products(obj):
        return list(obj.products.all())


class ConflictHint(Schema):
    """What the registering partner may know: the worst level and the number of conflicts."""

    level: str
    count: int


class RegistrationSaved(Schema):
    registration: RegistrationOut
    conflict: ConflictHint


def registration_data(payload: RegistrationIn) -> dict:
    data = payload.dict(exclude={"customer_region_id"})
    data["customer_region"] = payload.customer_region_id
    return data


def registration_saved(request, result: RegistrationResult) -> dict:
    return {
        "registration": registration_get_for_user(request.user, result.registration.pk),
        "conflict": {"level": result.conflict_level.name.lower(), "count": result.conflict_count},
    }
