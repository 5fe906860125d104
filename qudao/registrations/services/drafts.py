"""Drafts and submission: validation with field errors, the live conflict hint, and the review
chain (the channel manager, plus the customer region's manager for a cross-region customer)."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.catalog.models import ProductLine
from qudao.core.cleaning import MAX_AMOUNT, MAX_TEXT, Cleaner
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, Region, User
from qudao.core.numbering import next_number
from qudao.core.scopes import region_subtree_ids
from qudao.core.services.approvals import (
    StepSpec,
    approval_open,
    approval_resubmit,
    approval_start,
)
from qudao.core.services.audit import audit_created, audit_updated, snapshot
from qudao.core.state import locked
from qudao.partners.models import Agreement, Partner
from qudao.partners.validators import normalise_credit_code, validate_credit_code

from ..models import Registration, RegistrationProduct
from .conflicts import (
    Conflict,
    VendorConflict,
    registration_conflicts,
    registration_keys_refresh,
    registration_vendor_conflicts,
)
from .rules import cross_region_approver
from .state import (
    EDITABLE,
    MAX_PRODUCTS,
    NUMBER_PREFIX,
    REVIEW,
    RegistrationResult,
    Status,
    is_partner_member,
    registration_can_transition,
    transition,
)

# --- validation --------------------------------------------------------------------------------


class RegistrationCleaner(Cleaner):
    """The kit's cleaner (collected errors, text limits from the Registration fields) with the
    registration messages the pages and the API show: the field named in "Enter the …", and
    the estimated amount's own checks (above zero, the CNY hint, two decimal places)."""

    def __init__(self, data: dict[str, Any] | None, *, partial: bool = False):
        super().__init__(data, partial=partial, model=Registration)

    def text(
        self,
        field: str,
        *,
        required: bool = False,
        max_length: int | None = None,
        label: Any = None,
    ) -> str | None:
        if self.skips(field):
            return None
        max_length = max_length or self.limit(field)
        value = str(self.data.get(field) or "").strip()
        if required and not value:
            self.errors[field] = _("Enter the %(field)s.") % {
                "field": label or field.replace("_", " ")
            }
        elif len(value) > max_length:
            self.errors[field] = _("Keep this under %(max)s characters.") % {"max": max_length}
        self.values[field] = value
        return value

    def amount(self, field: str) -> Decimal | None:
        if self.skips(field):
            return None
        value = self.data.get(field)
        try:
            amount = Decimal(str(value).strip()) if value not in (None, "") else None
        except (InvalidOperation, ValueError):
            self.errors[field] = _("Enter an amount in CNY, e.g. 500000.")
            return None
        if amount is None:
            self.errors[field] = _("Enter the estimated amount.")
        elif not amount.is_finite():
            self.errors[field] = _("Enter an amount in CNY, e.g. 500000.")
        elif amount <= 0:
            self.errors[field] = _("The amount must be greater than zero.")
        elif amount > MAX_AMOUNT:
            self.errors[field] = _(
                "The amount is larger than %(max)s CNY; check the number (it is in CNY, not 10k "
                "CNY)."
            ) % {"max": f"{MAX_AMOUNT:,.0f}"}
        elif amount != amount.quantize(Decimal("0.01")):
            self.errors[field] = _("Use at most two decimal places.")
        if field in self.errors:
            return None
        self.values[field] = amount.quantize(Decimal("0.01"))
        return self.values[field]


def _close_date(value: Any, errors: dict[str, str]) -> datetime.date | None:
    field = "expected_close_date"
    if isinstance(value, str):
        try:
            value = parse_date(value.strip())
        except ValueError:
            value = None
        if value is None:
            errors[field] = _("Enter a date as YYYY-MM-DD.")
            return None
    if not isinstance(value, datetime.date):
        errors[field] = _("Enter the expected close date.")
        return None
    if value < timezone.localdate():
        errors[field] = _("The expected close date is in the past.")
        return None
    return value


def _region(value: Any, errors: dict[str, str]) -> Region | None:
    if isinstance(value, Region):
        return value
    region = None
    if value not in (None, ""):
        try:
            region = Region.objects.filter(pk=int(value)).first()
        except (TypeError, ValueError, OverflowError):
            region = None
    if region is None:
        errors["customer_region"] = _("Choose the customer's region.")
    return region


def _products(value: Any, errors: dict[str, str]) -> list[tuple[ProductLine, int, str]]:
    rows = value or []
    if not isinstance(rows, list) or len(rows) > MAX_PRODUCTS:
        errors["products"] = _("Give at most %(max)s product lines.") % {"max": MAX_PRODUCTS}
        return []
    wanted = []
    for row in rows:
        row = row if isinstance(row, dict) else {}
        wanted.append(row.get("product_line_id") or row.get("product_line"))
    ids = [pk for pk in wanted if isinstance(pk, int)]
    lines = {line.pk: line for line in ProductLine.objects.filter(pk__in=ids, is_active=True)}
    clean = []
    for index, row in enumerate(rows):
        row = row if isinstance(row, dict) else {}
        line = lines.get(wanted[index]) if isinstance(wanted[index], int) else None
        if isinstance(wanted[index], ProductLine):
            line = wanted[index]
        try:
            quantity = int(row.get("quantity"))
        except (TypeError, ValueError):
            quantity = 0
        if line is None:
            errors[f"products.{index}.product_line_id"] = _("Choose a product line in use.")
        if quantity <= 0 or quantity > 10_000_000:
            errors[f"products.{index}.quantity"] = _("The quantity must be greater than zero.")
        description = str(row.get("description") or "").strip()[:200]
        if line is not None and 0 < quantity <= 10_000_000:
            clean.append((line, quantity, description))
    return clean


def _validate(data: dict[str, Any]) -> tuple[dict[str, Any], list | None]:
    """Clean field values and product rows (None: the products were not sent, keep them)."""
    cleaner = RegistrationCleaner(data)
    errors = cleaner.errors
    cleaner.text("customer_name", required=True, label=_("customer name"))
    cleaner.text("project_name", required=True, label=_("project name"))
    cleaner.text("customer_city")
    cleaner.text("industry")
    for field in ("competitors", "decision_makers", "notes"):
        cleaner.text(field, max_length=MAX_TEXT)
    clean = cleaner.values | {
        "customer_region": _region(data.get("customer_region"), errors),
        "estimated_amount": cleaner.amount("estimated_amount"),
        "expected_close_date": _close_date(data.get("expected_close_date"), errors),
    }
    code = normalise_credit_code(data.get("customer_credit_code") or "")
    if code:
        try:
            validate_credit_code(code)
        except DjangoValidationError as exc:
            errors["customer_credit_code"] = exc.messages[0]
    clean["customer_credit_code"] = code
    stage = data.get("stage") or Registration.Stage.LEAD
    if stage not in Registration.Stage.values:
        errors["stage"] = _("Choose a stage from the list.")
    clean["stage"] = stage
    products = _products(data["products"], errors) if "products" in data else None
    cleaner.check()
    return clean, products


def registration_conflict_preview(
    *, actor: User, data: dict[str, Any], partner: Partner | None = None
) -> list[Conflict | VendorConflict]:
    """The conflict hint for a registration being typed, before it is saved: the customer name
    (and credit code, region, project, products, amount when given) checked against the other
    partners' live registrations. Fields that are missing or invalid are simply not compared;
    nothing is written."""
    partner = partner or getattr(actor, "partner", None)
    if partner is None or not is_partner_member(actor, partner.pk):
        raise PermissionDenied(_("Only the partner's own users can register its deals."))
    name = str(data.get("customer_name") or "").strip()[:200]
    if not name:
        return []
    errors: dict[str, str] = {}
    code = normalise_credit_code(data.get("customer_credit_code") or "")
    try:
        validate_credit_code(code) if code else None
    except DjangoValidationError:
        code = ""
    region = _region(data.get("customer_region"), errors)
    amount = RegistrationCleaner(data).amount("estimated_amount")
    lines = _products(data["products"], errors) if data.get("products") else []
    draft = Registration(
        partner=partner,
        customer_name=name,
        customer_credit_code=code,
        customer_region=region,
        customer_city=str(data.get("customer_city") or "").strip()[:50],
        project_name=str(data.get("project_name") or "").strip()[:200],
        estimated_amount=amount,
    )
    names = frozenset(line.name for line, _q, _d in lines)
    return [
        *registration_conflicts(registration=draft, product_lines=names),
        *registration_vendor_conflicts(registration=draft, product_lines=names),
    ]


# --- draft and submit --------------------------------------------------------------------------


def registration_can_edit(user: User, registration: Registration) -> bool:
    """`user` may change `registration` now: one of its partner's users, while it is a draft or
    sent back for information."""
    return is_partner_member(user, registration.partner_id) and registration.status in EDITABLE


def registration_can_submit(user: User, registration: Registration) -> bool:
    """`user` may send `registration` for review now (again, when it was sent back)."""
    return is_partner_member(user, registration.partner_id) and registration_can_transition(
        registration, Status.SUBMITTED
    )


def registration_save_draft(
    *,
    actor: User,
    data: dict[str, Any],
    partner: Partner | None = None,
    registration: Registration | None = None,
) -> RegistrationResult:
    """Create or change a draft (or a registration sent back for information); returns it with
    its live conflict hint. Only the partner's own users write their registrations."""
    if registration is None:
        partner = partner or getattr(actor, "partner", None)
        if partner is None or not is_partner_member(actor, partner.pk):
            raise PermissionDenied(_("Only the partner's own users can register its deals."))
        if partner.status != Partner.Status.ACTIVE:
            raise ValidationError(_("Only an active partner can register deals."))
    elif not is_partner_member(actor, registration.partner_id):
        raise PermissionDenied(_("Only the partner's own users can change this registration."))
    clean, products = _validate(data)
    with transaction.atomic():
        if registration is None:
            registration = Registration.objects.create(
                number=next_number(NUMBER_PREFIX), partner=partner, created_by=actor, **clean
            )
            audit_created(actor=actor, obj=registration)
        else:
            registration = locked(registration)
            if not registration_can_edit(actor, registration):
                raise ConflictError(
                    _("This registration is %(status)s and can no longer be edited.")
                    % {"status": registration.get_status_display()}
                )
            before = snapshot(registration)
            for name, value in clean.items():
                setattr(registration, name, value)
            registration.save()
            audit_updated(actor=actor, obj=registration, before=before)
        if products is not None:
            registration.products.all().delete()
            RegistrationProduct.objects.bulk_create(
                RegistrationProduct(
                    registration=registration,
                    product_line=line,
                    quantity=quantity,
                    description=description,
                )
                for line, quantity, description in products
            )
        registration_keys_refresh(registration)
        conflicts = registration_conflicts(registration=registration)
        vendor = registration_vendor_conflicts(registration=registration)
    return RegistrationResult(registration, conflicts, vendor)


def _territory_ids(partner: Partner) -> set[int]:
    """Regions the partner's active agreements cover, offices included; a partner without an
    active agreement sells in its own region (its office's parent region)."""
    today = timezone.localdate()
    roots = set(
        Region.objects.filter(
            agreements__partner=partner,
            agreements__status=Agreement.Status.ACTIVE,
            agreements__start_date__lte=today,
            agreements__end_date__gte=today,
        ).values_list("pk", flat=True)
    )
    if not roots and partner.region_id:
        home = Region.objects.get(pk=partner.region_id)
        roots = {home.parent_id or home.pk}
    covered: set[int] = set()
    for root in roots:
        covered.update(region_subtree_ids(root))
    return covered


def registration_review_steps(registration: Registration) -> list[StepSpec]:
    steps = [
        StepSpec(name=gettext_lazy("Channel manager review"), approver=registration.partner.owner)
    ]
    if registration.customer_region_id not in _territory_ids(registration.partner):
        needed, approver = cross_region_approver(registration.customer_region_id)
        if needed and approver is not None and approver != registration.partner.owner:
            steps.append(StepSpec(name=gettext_lazy("Cross-region review"), approver=approver))
    return steps


def registration_submit(*, actor: User, registration: Registration) -> RegistrationResult:
    """Send a draft (or a registration sent back) for review; returns its conflicts."""
    if not is_partner_member(actor, registration.partner_id):
        raise PermissionDenied(_("Only the partner's own users can submit this registration."))
    with transaction.atomic():
        registration = locked(registration)
        if not registration_can_submit(actor, registration):
            raise ConflictError(
                _("This registration is %(status)s and cannot be submitted.")
                % {"status": registration.get_status_display()}
            )
        # Check again: a draft saved last month may now have a close date in the past.
        fields = snapshot(registration) | {"customer_region": registration.customer_region}
        _validate({k: v for k, v in fields.items() if k != "products"})
        if not registration.products.exists():
            raise ValidationError({"products": _("Add at least one product line.")})
        previous = registration.status
        registration.submitted_at = timezone.now()
        transition(registration, Status.SUBMITTED, actor=actor)
        conflicts = registration_conflicts(registration=registration)
        vendor = registration_vendor_conflicts(registration=registration)
        payload = {
            "conflicts": [
                {"registration_id": c.registration.pk, "level": c.level.name.lower()}
                for c in conflicts
            ],
            "vendor_conflicts": [
                {"source": c.source, "reference": c.reference, "level": c.level.name.lower()}
                for c in vendor
            ],
        }
        returned = (
            approval_open(registration, REVIEW) if previous == Status.INFO_REQUESTED else None
        )
        if returned is not None:
            if returned.requested_by_id != actor.pk:
                raise PermissionDenied(
                    _("Only %(user)s, who submitted it first, can submit it again.")
                    % {"user": returned.requested_by}
                )
            returned.payload = {**returned.payload, **payload}
            returned.save(update_fields=["payload"])
            approval_resubmit(actor=actor, approval=returned)
        else:
            approval_start(
                actor=actor,
                target=registration,
                kind=REVIEW,
                title=gettext_lazy("Registration %(number)s: %(customer)s"),
                title_params={
                    "number": registration.number,
                    "customer": registration.customer_name,
                },
                steps=registration_review_steps(registration),
                payload=payload,
            )
        _flag_on_earlier_reviews(registration, conflicts)
    return RegistrationResult(registration, conflicts, vendor)


def _flag_on_earlier_reviews(registration: Registration, conflicts: list[Conflict]) -> None:
    """Add `registration` to the conflicts recorded on the open reviews of the registrations it
    conflicts with, so that the reviewer of the earlier one sees the clash too (the review queue
    reads these payloads instead of re-running a check per row)."""
    ids = [str(c.registration.pk) for c in conflicts if c.registration.status == Status.SUBMITTED]
    if not ids:
        return
    levels = {str(c.registration.pk): c.level.name.lower() for c in conflicts}
    open_reviews = ApprovalRequest.objects.select_for_update().filter(
        kind=REVIEW, object_id__in=ids, status=ApprovalRequest.Status.PENDING
    )
    for approval in open_reviews:
        recorded = list((approval.payload or {}).get("conflicts", []))
        if any(row.get("registration_id") == registration.pk for row in recorded):
            continue
        recorded.append({"registration_id": registration.pk, "level": levels[approval.object_id]})
        approval.payload = {**(approval.payload or {}), "conflicts": recorded}
        approval.save(update_fields=["payload"])
