"""Writes on agreements (合作协议): create and edit drafts, approval, termination, renewal, and
the daily expiry check with its reminders.

The allowed status changes are in TRANSITIONS and checked by `_transition`, which also records
the audit entry of every change; a refused move is a ConflictError (409), like every state
change in Qudao (core.state).
"""

import calendar
import datetime
import os
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import state
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, ApprovalStep, AuditEntry, Region, Role, User
from qudao.core.numbering import next_number
from qudao.core.services.approvals import (
    ApprovalKind,
    StepSpec,
    approval_cancel,
    approval_resubmit,
    approval_start,
)
from qudao.core.services.audit import audit_record, snapshot
from qudao.core.services.notifications import notify
from qudao.core.uploads import IMAGES_AND_PDF, validate_upload

from ..models import Agreement, Partner, PartnerDocument
from .common import approval_hook
from .partners import partner_can_manage

AGREEMENT_APPROVAL = "agreement_approval"
NUMBER_PREFIX = "HT"
SIGNED_FILE_MAX_BYTES = 20 * 1024 * 1024
# Days before the end date when the partner and its channel manager are reminded, once.
MAX_TARGET = Decimal("999999999999.99")  # what the column (14 digits, 2 decimals) holds

Status = Agreement.Status
# Agreements that count when checking for an overlap: the ones in force or about to be.
LIVE_STATUSES = (Status.ACTIVE, Status.IN_APPROVAL)
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.IN_APPROVAL},
    Status.IN_APPROVAL: {Status.ACTIVE, Status.DRAFT},  # approved; rejected or withdrawn
    Status.ACTIVE: {Status.EXPIRED, Status.TERMINATED},
    Status.EXPIRED: set(),
    Status.TERMINATED: set(),
}
EDITABLE_FIELDS = (
    "start_date",
    "end_date",
    "annual_target",
    "rebate_policy",
    "rights_obligations",
)


# --- permissions ------------------------------------------------------------------------------


def agreement_can_manage(user: User, partner: Partner | None = None) -> bool:
    """Admins, the director, the regional manager of the partner and its channel manager."""
    return partner_can_manage(user, partner)


def agreement_can_transition(agreement: Agreement, to: str) -> bool:
    return to in TRANSITIONS.get(agreement.status, set())


def _transition(
    agreement: Agreement, to: str, *, actor: User | None, note: str = "", fields=()
) -> None:
    """Move `agreement` to state `to` if the map allows it (core.state: a ConflictError if not);
    save and audit the change. Not core.state.transition itself: the audit row also carries the
    fields named in `fields` (set by the caller), e.g. the termination reason."""
    state.transition_check(agreement, to, TRANSITIONS)
    before = agreement.status
    agreement.status = to
    agreement.save(update_fields=["status", "updated_at", *fields])
    changes: dict[str, list[Any]] = {"status": [before, to]}
    for name in fields:
        changes[name] = [None, snapshot(agreement).get(name)]
    audit_record(
        actor=actor, obj=agreement, action=AuditEntry.Action.STATE, changes=changes, note=note
    )


# --- validation ---------------------------------------------------------------------------------


def territory_overlap_ids(regions) -> set[int]:
    """The regions a territory touches: each region or office itself, the offices under a
    region, and the region above an office (a region overlaps its own offices)."""
    ids = {region.pk for region in regions}
    parents = {region.parent_id for region in regions if region.parent_id}
    children = set(Region.objects.filter(parent_id__in=ids).values_list("pk", flat=True))
    return ids | parents | children


def agreement_overlapping(
    *,
    partner: Partner,
    start_date: datetime.date,
    end_date: datetime.date,
    territory,
    exclude_pk: int | None = None,
) -> Agreement | None:
    """Another active or in-approval agreement of the partner that covers part of the same
    territory in part of the same period, if any."""
    rows = Agreement.objects.filter(
        partner=partner,
        status__in=LIVE_STATUSES,
        start_date__lte=end_date,
        end_date__gte=start_date,
        territory__in=territory_overlap_ids(territory),
    )
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    return rows.order_by("start_date", "pk").first()


def _clean_target(value: Any) -> Decimal | None:
    try:
        target = Decimal(str(value if value not in (None, "") else 0))
    except (InvalidOperation, ValueError):
        return None
    return target if target.is_finite() else None


def _validate(
    *,
    partner: Partner,
    values: dict[str, Any],
    territory: list[Region],
    upload: UploadedFile | None,
    exclude_pk: int | None = None,
) -> None:
    """Every rule with a clear message per field; raises before anything is written."""
    errors: dict[str, str] = {}
    start, end = values.get("start_date"), values.get("end_date")
    if not start:
        errors["start_date"] = _("Give the start date.")
    if not end:
        errors["end_date"] = _("Give the end date.")
    if start and end and end < start:
        errors["end_date"] = _("The end date cannot be before the start date.")
    target = _clean_target(values.get("annual_target"))
    if target is None:
        errors["annual_target"] = _("Enter the annual target as a number.")
    elif target < 0:
        errors["annual_target"] = _("The annual target cannot be negative.")
    elif target > MAX_TARGET:
        errors["annual_target"] = _("The annual target is too large.")
    else:
        values["annual_target"] = target.quantize(Decimal("0.01"))
    if not territory:
        errors["territory"] = _("Choose at least one region or office for the territory.")
    if partner.status == Partner.Status.EXITED:
        errors["partner"] = _("This partner has exited; it cannot get an agreement.")
    if upload is not None:
        try:
            validate_upload(upload, allowed=IMAGES_AND_PDF, max_bytes=SIGNED_FILE_MAX_BYTES)
        except ValidationError as error:
            errors["signed_file"] = " ".join(error.messages)
    if not errors:
        other = agreement_overlapping(
            partner=partner,
            start_date=start,
            end_date=end,
            territory=territory,
            exclude_pk=exclude_pk,
        )
        if other is not None:
            errors["territory"] = _(
                "Agreement %(number)s (%(start)s – %(end)s, %(status)s) already covers part of "
                "this territory in this period."
            ) % {
                "number": other.number,
                "start": other.start_date.isoformat(),
                "end": other.end_date.isoformat(),
                "status": other.get_status_display(),
            }
    if errors:
        raise ValidationError(errors)


def _full_clean(agreement: Agreement) -> None:
    """The model's own checks (lengths, constraints) as the last line before the database."""
    agreement.full_clean(exclude=["signed_file", "number", "created_by", "partner"])


def _store_signed_file(agreement: Agreement, upload: UploadedFile) -> None:
    # A random stored name: the file is only ever served by the scope-checking download view,
    # and a guessable path must not leak it if the media folder is ever exposed.
    extension = os.path.splitext(upload.name or "")[1].lower()
    agreement.signed_file.save(f"{uuid.uuid4().hex}{extension}", upload, save=False)


def _agreement_snapshot(agreement: Agreement) -> dict[str, Any]:
    values = snapshot(agreement)
    if agreement.signed_file:
        # Not the storage path (the history is read widely): a label that still shows a change.
        stored = os.path.basename(agreement.signed_file.name)
        extension = os.path.splitext(stored)[1]
        values["signed_file"] = f"{agreement.number}{extension} #{stored[:8]}"
    values["territory"] = ", ".join(sorted(str(r) for r in agreement.territory.all()))
    values["product_lines"] = ", ".join(sorted(str(p) for p in agreement.product_lines.all()))
    values.pop("reminder_sent_at", None)
    return values


def _as_list(items) -> list:
    return list(items) if items is not None else []


# --- create, edit -----------------------------------------------------------------------------


def agreement_create(*, actor: User, partner: Partner, data: dict[str, Any]) -> Agreement:
    """A new draft agreement for `partner`. `data`: start_date, end_date, territory (regions),
    product_lines, annual_target, rebate_policy, rights_obligations, signed_file (optional)."""
    if not agreement_can_manage(actor, partner):
        raise PermissionDenied(_("You cannot write agreements of this partner."))
    values = {key: data.get(key) for key in EDITABLE_FIELDS}
    values["rebate_policy"] = (values.get("rebate_policy") or "").strip()
    values["rights_obligations"] = (values.get("rights_obligations") or "").strip()
    territory = _as_list(data.get("territory"))
    product_lines = _as_list(data.get("product_lines"))
    upload = data.get("signed_file")
    with transaction.atomic():
        # One writer per partner at a time, so two overlapping agreements cannot slip in together.
        Partner.objects.select_for_update().filter(pk=partner.pk).first()
        _validate(partner=partner, values=values, territory=territory, upload=upload)
        agreement = Agreement(
            partner=partner, created_by=actor, renewed_from=data.get("renewed_from")
        )
        for key, value in values.items():
            setattr(agreement, key, value)
        _full_clean(agreement)
        agreement.number = next_number(NUMBER_PREFIX)
        if upload is not None:
            _store_signed_file(agreement, upload)
        agreement.save()
        agreement.territory.set(territory)
        agreement.product_lines.set(product_lines)
        changes = {
            key: [None, value]
            for key, value in _agreement_snapshot(agreement).items()
            if value not in ("", None)
        }
        audit_record(
            actor=actor,
            obj=agreement,
            action=AuditEntry.Action.CREATE,
            changes=changes,
            note=_("renewal of %(number)s") % {"number": agreement.renewed_from.number}
            if agreement.renewed_from_id
            else "",
        )
    return agreement


def agreement_update(*, actor: User, agreement: Agreement, data: dict[str, Any]) -> Agreement:
    """Change a draft. Keys left out of `data` keep their value; a new signed_file replaces the
    old one."""
    if not agreement_can_manage(actor, agreement.partner):
        raise PermissionDenied(_("You cannot write agreements of this partner."))
    with transaction.atomic():
        Partner.objects.select_for_update().filter(pk=agreement.partner_id).first()
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.status != Status.DRAFT:
            raise ConflictError(
                _("Only a draft agreement can be changed; this one is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        before = _agreement_snapshot(locked)
        values = {key: data.get(key, getattr(locked, key)) for key in EDITABLE_FIELDS}
        for key in ("rebate_policy", "rights_obligations"):
            values[key] = (values.get(key) or "").strip()
        territory = (
            _as_list(data["territory"]) if "territory" in data else list(locked.territory.all())
        )
        upload = data.get("signed_file")
        _validate(
            partner=locked.partner,
            values=values,
            territory=territory,
            upload=upload,
            exclude_pk=locked.pk,
        )
        for key, value in values.items():
            setattr(locked, key, value)
        _full_clean(locked)
        if upload is not None:
            old_name = locked.signed_file.name if locked.signed_file else ""
            _store_signed_file(locked, upload)
            if old_name:
                storage = locked.signed_file.storage
                transaction.on_commit(lambda: storage.delete(old_name))
        locked.save()
        if "territory" in data:
            locked.territory.set(territory)
        if "product_lines" in data:
            locked.product_lines.set(_as_list(data["product_lines"]))
        after = _agreement_snapshot(locked)
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if changes:
            audit_record(actor=actor, obj=locked, action=AuditEntry.Action.UPDATE, changes=changes)
    return locked


# --- approval ---------------------------------------------------------------------------------


def _open_approval(agreement: Agreement) -> ApprovalRequest | None:
    return (
        ApprovalRequest.objects.filter(
            kind=AGREEMENT_APPROVAL,
            content_type__app_label="partners",
            content_type__model="agreement",
            object_id=str(agreement.pk),
            status__in=[ApprovalRequest.Status.PENDING, ApprovalRequest.Status.RETURNED],
        )
        .order_by("-created_at")
        .first()
    )


def agreement_submit(*, actor: User, agreement: Agreement) -> ApprovalRequest:
    """Send a draft for approval: the partner's regional manager, then the channel director."""
    if not agreement_can_manage(actor, agreement.partner):
        raise PermissionDenied(_("You cannot write agreements of this partner."))
    with transaction.atomic():
        Partner.objects.select_for_update().filter(pk=agreement.partner_id).first()
        locked = (
            Agreement.objects.select_for_update().select_related("partner").get(pk=agreement.pk)
        )
        if not agreement_can_transition(locked, Status.IN_APPROVAL):
            raise ConflictError(
                _("Only a draft agreement can be submitted; this one is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        _validate(
            partner=locked.partner,
            values={key: getattr(locked, key) for key in EDITABLE_FIELDS},
            territory=list(locked.territory.all()),
            upload=None,
            exclude_pk=locked.pk,
        )
        _transition(locked, Status.IN_APPROVAL, actor=actor)
        approval = approval_start(
            actor=actor,
            target=locked,
            kind=AGREEMENT_APPROVAL,
            title=gettext_lazy("Agreement %(number)s with %(partner)s"),
            title_params={"number": locked.number, "partner": locked.partner.name},
            steps=[
                StepSpec(
                    name=gettext_lazy("Regional manager review"), role=Role.Code.REGIONAL_MANAGER
                ),
                StepSpec(name=gettext_lazy("Channel director approval"), role=Role.Code.DIRECTOR),
            ],
            payload={
                "number": locked.number,
                "partner": locked.partner.name,
                "start_date": locked.start_date.isoformat(),
                "end_date": locked.end_date.isoformat(),
                "annual_target": str(locked.annual_target),
            },
        )
    return approval


def agreement_withdraw(*, actor: User, agreement: Agreement) -> Agreement:
    """Take an agreement out of approval, back to draft. The open approval is cancelled (only
    its requester may do that); one already cancelled on the approvals page just ends here."""
    if not agreement_can_manage(actor, agreement.partner):
        raise PermissionDenied(_("You cannot write agreements of this partner."))
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.status != Status.IN_APPROVAL:
            raise ConflictError(_("Only an agreement in approval can be withdrawn."))
        approval = _open_approval(locked)
        if approval is not None:
            approval_cancel(actor=actor, approval=approval, comment=_("Withdrawn"))
        _transition(locked, Status.DRAFT, actor=actor, note=_("withdrawn from approval"))
    return locked


def agreement_resubmit(*, actor: User, agreement: Agreement) -> ApprovalRequest:
    """Send an approval that was returned for changes again (its requester only)."""
    approval = _open_approval(agreement)
    if approval is None or approval.status != ApprovalRequest.Status.RETURNED:
        raise ValidationError(_("This agreement's approval was not returned."))
    return approval_resubmit(actor=actor, approval=approval)


def agreement_approved(*, approval: ApprovalRequest, actor: User) -> None:
    """Approval hook, inside the deciding transaction: the agreement comes into force and its
    signed file goes into the partner archive."""
    agreement = (
        Agreement.objects.select_for_update().select_related("partner").get(pk=approval.object_id)
    )
    _transition(
        agreement,
        Status.ACTIVE,
        actor=actor,
        note=_("approval #%(pk)s") % {"pk": approval.pk},
    )
    if agreement.signed_file:
        document = PartnerDocument(
            partner=agreement.partner,
            kind=PartnerDocument.Kind.AGREEMENT,
            title=_("Agreement %(number)s") % {"number": agreement.number},
            valid_until=agreement.end_date,
            uploaded_by=agreement.created_by,
        )
        with agreement.signed_file.open("rb") as source:
            content = source.read()
        extension = os.path.splitext(agreement.signed_file.name)[1].lower()
        document.file.save(f"{uuid.uuid4().hex}{extension}", ContentFile(content), save=False)
        document.size = len(content)
        document.save()
        audit_record(
            actor=actor,
            obj=document,
            action=AuditEntry.Action.CREATE,
            changes={"title": [None, document.title], "kind": [None, document.kind]},
            note=agreement.number,
        )
    partner = agreement.partner
    transaction.on_commit(
        lambda: notify(
            recipients=_partner_admins(partner),
            title=gettext_lazy("Agreement %(number)s is in force"),
            body=gettext_lazy("Period: %(start)s – %(end)s."),
            params={
                "number": agreement.number,
                "start": agreement.start_date.isoformat(),
                "end": agreement.end_date.isoformat(),
            },
            url=reverse("partners:agreement-detail", args=[agreement.pk]),
        )
    )


def agreement_rejected(*, approval: ApprovalRequest, actor: User) -> None:
    """Approval hook: back to draft, with the approver's reason in the history."""
    agreement = Agreement.objects.select_for_update().get(pk=approval.object_id)
    step = approval.steps.filter(status=ApprovalStep.Status.REJECTED).order_by("-order").first()
    reason = step.comment if step else ""
    _transition(
        agreement,
        Status.DRAFT,
        actor=actor,
        note=(_("rejected: %(reason)s") % {"reason": reason})[:200],
    )


def _agreement_panel(approval, viewer):
    from ..selectors.approvals import agreement_panel

    return agreement_panel(approval, viewer)


# Registered in the app's ready() (core.hooks.approval_kind).
AGREEMENT_APPROVAL_KIND = ApprovalKind(
    code=AGREEMENT_APPROVAL,
    label=gettext_lazy("Agreement approval"),
    on_approved=approval_hook(agreement_approved),
    on_rejected=approval_hook(agreement_rejected),
    panel=_agreement_panel,
    amount=lambda agreement: agreement.annual_target,
)


# --- terminate, renew -------------------------------------------------------------------------


def agreement_terminate(*, actor: User, agreement: Agreement, reason: str) -> Agreement:
    """End an active agreement early; the reason is required and kept."""
    if not agreement_can_manage(actor, agreement.partner):
        raise PermissionDenied(_("You cannot write agreements of this partner."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the termination.")})
    with transaction.atomic():
        locked = (
            Agreement.objects.select_for_update().select_related("partner").get(pk=agreement.pk)
        )
        if not agreement_can_transition(locked, Status.TERMINATED):
            raise ConflictError(
                _("Only an active agreement can be terminated; this one is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        locked.termination_reason = reason
        _transition(locked, Status.TERMINATED, actor=actor, fields=("termination_reason",))
        partner = locked.partner
        transaction.on_commit(
            lambda: notify(
                recipients=[partner.owner, *_partner_admins(partner)],
                title=gettext_lazy("Agreement %(number)s was terminated"),
                body=gettext_lazy("Reason: %(reason)s"),
                params={"number": locked.number, "reason": reason},
                url=reverse("partners:agreement-detail", args=[locked.pk]),
            )
        )
    return locked


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def renewal_period(agreement: Agreement) -> tuple[datetime.date, datetime.date]:
    """The period right after `agreement`: from the day after its end, for as long (in whole
    months when the old period was whole months, e.g. a calendar year; otherwise in days)."""
    start = agreement.end_date + datetime.timedelta(days=1)
    old_start = agreement.start_date
    if start.day == old_start.day:
        months = (start.year - old_start.year) * 12 + start.month - old_start.month
        return start, _add_months(start, months) - datetime.timedelta(days=1)
    return start, start + (agreement.end_date - old_start)


def agreement_renew(*, actor: User, agreement: Agreement) -> Agreement:
    """A new draft copying `agreement`, starting the day after it ends."""
    if not agreement_can_manage(actor, agreement.partner):
        raise PermissionDenied(_("You cannot write agreements of this partner."))
    if agreement.status not in (Status.ACTIVE, Status.EXPIRED):
        raise ConflictError(_("Only an active or expired agreement can be renewed."))
    existing = agreement.renewals.exclude(status=Status.TERMINATED).order_by("-created_at").first()
    if existing is not None:
        raise ValidationError(
            _("This agreement has already been renewed as %(number)s.")
            % {"number": existing.number}
        )
    start, end = renewal_period(agreement)
    return agreement_create(
        actor=actor,
        partner=agreement.partner,
        data={
            "start_date": start,
            "end_date": end,
            "territory": list(agreement.territory.all()),
            "product_lines": list(agreement.product_lines.all()),
            "annual_target": agreement.annual_target,
            "rebate_policy": agreement.rebate_policy,
            "rights_obligations": agreement.rights_obligations,
            "renewed_from": agreement,
        },
    )


# --- daily expiry check (run by the task worker) ----------------------------------------------


def _partner_admins(partner: Partner) -> list[User]:
    admins = getattr(partner, "admin_users", None)
    if admins is None:
        admins = list(
            partner.users.filter(is_active=True, roles__code=Role.Code.PARTNER_ADMIN).distinct()
        )
    return admins


def agreements_expire(*, today: datetime.date | None = None) -> int:
    """Active agreements whose end date has passed become expired (recorded with no actor)."""
    today = today or timezone.localdate()
    count = 0
    with transaction.atomic():
        rows = Agreement.objects.select_for_update().filter(
            status=Status.ACTIVE, end_date__lt=today
        )
        for agreement in rows:
            _transition(agreement, Status.EXPIRED, actor=None, note=_("end date passed"))
            count += 1
    return count


def agreements_remind(*, today: datetime.date | None = None, days: int | None = None) -> int:
    """Remind the channel manager and the partner admins, once, of every active agreement that
    ends within `days` days."""
    today = today or timezone.localdate()
    days = settings.AGREEMENT_REMINDER_DAYS if days is None else days
    admins = User.objects.filter(is_active=True, roles__code=Role.Code.PARTNER_ADMIN).distinct()
    due = (
        Agreement.objects.filter(
            status=Status.ACTIVE,
            reminder_sent_at__isnull=True,
            end_date__gte=today,
            end_date__lte=today + datetime.timedelta(days=days),
        )
        .select_related("partner__owner")
        .prefetch_related(Prefetch("partner__users", queryset=admins, to_attr="admin_users"))
    )
    count = 0
    for agreement in due:
        with transaction.atomic():
            # Claim it first: a second run (or a second worker) finds it already reminded.
            claimed = Agreement.objects.filter(
                pk=agreement.pk, status=Status.ACTIVE, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=timezone.now())
            if not claimed:
                continue
            partner = agreement.partner
            notify(
                recipients=[partner.owner, *_partner_admins(partner)],
                title=gettext_lazy("Agreement %(number)s ends on %(end)s"),
                body=gettext_lazy(
                    "The agreement with %(partner)s ends in %(days)s days. Renew it in time."
                ),
                params={
                    "number": agreement.number,
                    "end": agreement.end_date.isoformat(),
                    "partner": partner.name,
                    "days": (agreement.end_date - today).days,
                },
                url=reverse("partners:agreement-detail", args=[agreement.pk]),
            )
            count += 1
    return count


def agreements_expiry_check(*, today: datetime.date | None = None) -> dict[str, int]:
    """The daily job: expire what has ended, remind of what ends soon."""
    return {
        "expired": agreements_expire(today=today),
        "reminded": agreements_remind(today=today),
    }


__all__ = [
    "AGREEMENT_APPROVAL",
    "TRANSITIONS",
    "agreement_approved",
    "agreement_can_manage",
    "agreement_can_transition",
    "agreement_create",
    "agreement_overlapping",
    "agreement_rejected",
    "agreement_renew",
    "agreement_resubmit",
    "agreement_submit",
    "agreement_terminate",
    "agreement_update",
    "agreement_withdraw",
    "agreements_expire",
    "agreements_expiry_check",
    "agreements_remind",
    "renewal_period",
]
