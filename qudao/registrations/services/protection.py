"""The protection period: extension (an approval), progress updates, and expiry with a notice
before it (run daily by the task worker). An approved registration must also report progress
every `update_interval_days` (from its protection rule): when an update is overdue the partner is
warned once, and if nothing comes within REGISTRATION_STALE_GRACE_DAYS the registration expires
(stale) and stops blocking others."""

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core.cleaning import MAX_TEXT
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, AuditEntry, User
from qudao.core.services.approvals import (
    ApprovalKind,
    StepSpec,
    approval_start,
)
from qudao.core.services.audit import audit_record, audit_updated, snapshot
from qudao.core.state import locked

from ..models import Registration
from .drafts import RegistrationCleaner
from .state import (
    EXPIRY_NOTICE_DAYS,
    EXPIRY_NOTICE_NOTE,
    EXTENSION,
    EXTENSION_DAYS,
    MAX_EXTENSION_DAYS,
    Status,
    is_partner_member,
    notify_partner,
    transition,
)

# Registrations whose partner reports progress: in review or protected.
PROGRESS_STATUSES = (Status.SUBMITTED, Status.APPROVED)


def registration_can_extend(user: User, registration: Registration) -> bool:
    """`user` may ask for more protection of `registration` now: one of its partner's users,
    while it is approved."""
    return (
        is_partner_member(user, registration.partner_id) and registration.status == Status.APPROVED
    )


def registration_can_update_progress(user: User, registration: Registration) -> bool:
    """`user` may report progress on `registration` now: one of its partner's users, while it
    is in review or approved."""
    return (
        is_partner_member(user, registration.partner_id)
        and registration.status in PROGRESS_STATUSES
    )


def registration_extend_request(
    *, actor: User, registration: Registration, reason: str, days: int | None = None
) -> ApprovalRequest:
    """The partner asks its channel manager for `days` (default EXTENSION_DAYS, at most
    MAX_EXTENSION_DAYS) more protection."""
    if not is_partner_member(actor, registration.partner_id):
        raise PermissionDenied(_("Only the partner's own users can ask for an extension."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Explain why the protection should be extended.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("Keep this under %(max)s characters.") % {"max": 2000}})
    try:
        days = EXTENSION_DAYS if days in (None, "") else int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError(
            {"days": _("Ask for 1 to %(max)s days.") % {"max": MAX_EXTENSION_DAYS}}
        )
    with transaction.atomic():
        registration = locked(registration)
        if not registration_can_extend(actor, registration):
            raise ConflictError(
                _("Only an approved registration can be extended; this one is %(status)s.")
                % {"status": registration.get_status_display()}
            )
        approval = approval_start(
            actor=actor,
            target=registration,
            kind=EXTENSION,
            title=gettext_lazy("Extension of %(number)s: %(customer)s"),
            title_params={"number": registration.number, "customer": registration.customer_name},
            steps=[
                StepSpec(
                    name=gettext_lazy("Channel manager review"),
                    approver=registration.partner.owner,
                )
            ],
            payload={"days": days, "reason": reason},
        )
        audit_record(
            actor=actor,
            obj=registration,
            action=AuditEntry.Action.UPDATE,
            changes={"extension_requested": [None, days]},
            note=reason[:200],
        )
    return approval


def _on_extension_approved(approval: ApprovalRequest, actor: User) -> None:
    registration = Registration.objects.select_for_update().get(pk=approval.object_id)
    if registration.status != Status.APPROVED or registration.protection_until is None:
        raise ConflictError(
            _("This registration is %(status)s; its protection cannot be extended.")
            % {"status": registration.get_status_display()}
        )
    before = snapshot(registration)
    days = int((approval.payload or {}).get("days") or EXTENSION_DAYS)
    registration.protection_until += datetime.timedelta(days=days)
    registration.save()
    audit_updated(actor=actor, obj=registration, before=before, note=_("extension approved"))
    transaction.on_commit(
        lambda: notify_partner(
            registration,
            gettext_lazy("Protection extended: %(number)s %(customer)s"),
            gettext_lazy("Protected until %(until)s."),
            {"until": registration.protection_until.isoformat()},
        )
    )


PROGRESS_FIELDS = ("stage", "estimated_amount", "notes")


def registration_update_progress(
    *, actor: User, registration: Registration, data: dict[str, Any]
) -> Registration:
    """The partner reports progress (stage, amount, notes); `updated_at` records when."""
    if not is_partner_member(actor, registration.partner_id):
        raise PermissionDenied(_("Only the partner's own users can update this registration."))
    cleaner = RegistrationCleaner(data, partial=True)
    if "stage" in data:
        if data["stage"] not in Registration.Stage.values:
            cleaner.errors["stage"] = _("Choose a stage from the list.")
        cleaner.values["stage"] = data["stage"]
    cleaner.amount("estimated_amount")
    cleaner.text("notes", max_length=MAX_TEXT)
    clean = cleaner.check()
    with transaction.atomic():
        registration = locked(registration)
        if not registration_can_update_progress(actor, registration):
            raise ConflictError(
                _("This registration is %(status)s; its progress can no longer be updated.")
                % {"status": registration.get_status_display()}
            )
        before = snapshot(registration)
        for name, value in clean.items():
            setattr(registration, name, value)
        now = timezone.now()
        registration.last_progress_at = now
        if registration.update_interval_days:
            registration.progress_due_at = now + datetime.timedelta(
                days=registration.update_interval_days
            )
        registration.stale_warned_at = None
        registration.save()
        audit_updated(actor=actor, obj=registration, before=before, note=_("progress update"))
    return registration


def _notify_until(registration: Registration, subject, body) -> None:
    """After the commit: tell the partner (its owner too) about the protection's end date."""
    transaction.on_commit(
        lambda: notify_partner(
            registration,
            subject,
            body,
            {"until": registration.protection_until.isoformat()},
            owner=True,
        )
    )


def registration_expire_due(today: datetime.date | None = None) -> dict[str, int]:
    """Expire approved registrations whose protection ended before `today` (their keys go, so
    they stop blocking others); warn, once per protection date, of those ending within
    EXPIRY_NOTICE_DAYS."""
    today = today or timezone.localdate()
    expired = reminded = 0
    due = Registration.objects.filter(status=Status.APPROVED, protection_until__lt=today)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            registration = (
                Registration.objects.select_for_update().select_related("partner").get(pk=pk)
            )
            if registration.status != Status.APPROVED or registration.protection_until >= today:
                continue
            transition(registration, Status.EXPIRED, actor=None, note=_("protection ended"))
            _notify_until(
                registration,
                gettext_lazy("Registration expired: %(number)s %(customer)s"),
                gettext_lazy("Its protection ended on %(until)s."),
            )
            expired += 1
    soon = Registration.objects.filter(
        status=Status.APPROVED,
        protection_until__gte=today,
        protection_until__lte=today + datetime.timedelta(days=EXPIRY_NOTICE_DAYS),
    ).select_related("partner__owner")
    for registration in soon:
        note = EXPIRY_NOTICE_NOTE % registration.protection_until.isoformat()
        with transaction.atomic():
            already = AuditEntry.objects.filter(
                content_type__model="registration",
                content_type__app_label="registrations",
                object_id=str(registration.pk),
                note=note,
            ).exists()
            if already:
                continue
            audit_record(actor=None, obj=registration, action=AuditEntry.Action.UPDATE, note=note)
            _notify_until(
                registration,
                gettext_lazy("Protection ends soon: %(number)s %(customer)s"),
                gettext_lazy("Protected until %(until)s; update it or ask for an extension."),
            )
            reminded += 1
    return {"expired": expired, "reminded": reminded}


def registration_expire_stale(now: datetime.datetime | None = None) -> dict[str, int]:
    """Warn once of approved registrations whose progress update is overdue; expire those still
    without an update REGISTRATION_STALE_GRACE_DAYS after the warning."""
    now = now or timezone.now()
    grace = datetime.timedelta(days=settings.REGISTRATION_STALE_GRACE_DAYS)
    warned = stale = 0
    overdue = Registration.objects.filter(
        status=Status.APPROVED, progress_due_at__lt=now, stale_warned_at__isnull=True
    )
    for pk in overdue.values_list("pk", flat=True):
        with transaction.atomic():
            registration = (
                Registration.objects.select_for_update().select_related("partner").get(pk=pk)
            )
            if registration.status != Status.APPROVED or registration.stale_warned_at:
                continue
            registration.stale_warned_at = now
            registration.save(update_fields=["stale_warned_at"])
            audit_record(
                actor=None,
                obj=registration,
                action=AuditEntry.Action.UPDATE,
                changes={"stale_warned_at": [None, now.isoformat()]},
                note=_("no progress update"),
            )
            deadline = timezone.localdate(now + grace).isoformat()
            transaction.on_commit(
                lambda r=registration, d=deadline: notify_partner(
                    r,
                    gettext_lazy("Progress update overdue: %(number)s %(customer)s"),
                    gettext_lazy(
                        "Report the stage, amount or progress by %(deadline)s, "
                        "or the registration loses its protection."
                    ),
                    {"deadline": d},
                    owner=True,
                )
            )
            warned += 1
    lapsed = Registration.objects.filter(
        status=Status.APPROVED, stale_warned_at__lt=now - grace, progress_due_at__lt=now
    )
    for pk in lapsed.values_list("pk", flat=True):
        with transaction.atomic():
            registration = (
                Registration.objects.select_for_update().select_related("partner").get(pk=pk)
            )
            if (
                registration.status != Status.APPROVED
                or registration.stale_warned_at is None
                or registration.stale_warned_at >= now - grace
            ):
                continue
            transition(registration, Status.EXPIRED, actor=None, note=_("no progress update"))
            transaction.on_commit(
                lambda r=registration: notify_partner(
                    r,
                    gettext_lazy("Registration expired: %(number)s %(customer)s"),
                    gettext_lazy("No progress was reported; its protection has ended."),
                    owner=True,
                )
            )
            stale += 1
    return {"stale_warned": warned, "stale_expired": stale}


def _extension_panel(approval, viewer):
    from ..selectors.approvals import extension_panel

    return extension_panel(approval, viewer)


# Registered in the app's ready() (core.hooks.approval_kind).
EXTENSION_KIND = ApprovalKind(
    code=EXTENSION,
    label=gettext_lazy("Deal registration extension"),
    on_approved=_on_extension_approved,
    panel=_extension_panel,
    amount=lambda registration: registration.estimated_amount,
)
