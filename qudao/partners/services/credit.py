"""Credit limits (信用额度): normal and special (专项) applications, their approval, and usage.

A normal application, once approved, becomes the partner's standing limit; a special one stays
an approved credit that counts only inside its period. Finance records how much is used.
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import roles, state
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, Role, User
from qudao.core.numbering import next_number
from qudao.core.services.approvals import (
    ApprovalKind,
    StepSpec,
    approval_cancel,
    approval_start,
)
from qudao.core.services.audit import audit_created, audit_updated, snapshot
from qudao.core.services.notifications import notify

from ..models import CreditApplication, Partner
from ..selectors.credit import CreditSummary, credit_summary
from .common import approval_hook
from .partners import partner_can_manage

CREDIT_APPLICATION = "credit_application"
NUMBER_PREFIX = "XY"
MAX_AMOUNT = Decimal("1000000000")  # 10亿: anything larger is a typing mistake
DEFAULT_EXTRA_APPROVAL_THRESHOLD = Decimal("1000000")

Status = CreditApplication.Status
# The one map of allowed moves of an application (checked by core.state).
TRANSITIONS = {
    Status.IN_APPROVAL: {Status.APPROVED, Status.REJECTED, Status.CANCELLED},
    Status.APPROVED: set(),
    Status.REJECTED: set(),
    Status.CANCELLED: set(),
}


def extra_approval_threshold() -> Decimal:
    """Amounts above this also need the channel director (settings, default 1,000,000)."""
    value = getattr(settings, "CREDIT_EXTRA_APPROVAL_THRESHOLD", None)
    try:
        threshold = Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        threshold = None
    if threshold is None or not threshold.is_finite() or threshold < 0:
        return DEFAULT_EXTRA_APPROVAL_THRESHOLD
    return threshold


def credit_can_apply(user: User, partner: Partner) -> bool:
    """The partner's channel manager, its regional manager, admins and directors, and the
    partner's own admins."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_partner_user:
        return user.partner_id == partner.pk and user.has_role(Role.Code.PARTNER_ADMIN)
    return partner_can_manage(user, partner)


def credit_can_apply_somewhere(user: User) -> bool:
    """Who may open the credit application form: a partner's admins, and vendor staff who
    manage partners (credit_can_apply then checks the partner chosen)."""
    if user.is_partner_user:
        return user.has_role(Role.Code.PARTNER_ADMIN)
    return roles.user_in(user, roles.MANAGERS)


def credit_can_record_usage(user: User) -> bool:
    return roles.user_in(user, roles.FINANCE)


def _amount(value: Any, field: str, errors: dict[str, str], *, allow_zero: bool) -> Decimal | None:
    try:
        amount = Decimal(str(value).strip()) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        amount = None
        errors[field] = _("Enter an amount in CNY, e.g. 500000.")
        return None
    if amount is None:
        errors[field] = _("Enter the amount.")
        return None
    if not amount.is_finite():
        errors[field] = _("Enter an amount in CNY, e.g. 500000.")
    elif amount < 0 or (amount == 0 and not allow_zero):
        errors[field] = (
            _("The amount cannot be negative.")
            if allow_zero
            else _("The amount must be greater than zero.")
        )
    elif amount > MAX_AMOUNT:
        errors[field] = _(
            "The amount is larger than %(max)s CNY; check the number (it is in CNY, not 10k CNY)."
        ) % {"max": f"{MAX_AMOUNT:,.0f}"}
    elif amount != amount.quantize(Decimal("0.01")):
        errors[field] = _("Use at most two decimal places.")
    return None if field in errors else amount.quantize(Decimal("0.01"))


def _validate(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    kind = data.get("kind") or CreditApplication.Kind.NORMAL
    if kind not in CreditApplication.Kind.values:
        errors["kind"] = _("Choose normal or special credit.")
    amount = _amount(data.get("amount"), "amount", errors, allow_zero=False)
    reason = (data.get("reason") or "").strip()
    if not reason:
        errors["reason"] = _("Explain why the partner needs this credit.")
    elif len(reason) > 5000:
        errors["reason"] = _("Keep the reason under 5000 characters.")
    project_name = (data.get("project_name") or "").strip()
    valid_from: date | None = data.get("valid_from")
    valid_to: date | None = data.get("valid_to")
    if len(project_name) > 200:
        errors["project_name"] = _("Keep the project name under 200 characters.")
    if kind == CreditApplication.Kind.SPECIAL:
        if not project_name:
            errors["project_name"] = _("A special credit needs the project it is for.")
        if valid_from is None:
            errors["valid_from"] = _("A special credit needs the start of its period.")
        if valid_to is None:
            errors["valid_to"] = _("A special credit needs the end of its period.")
        elif valid_from is not None and valid_to < valid_from:
            errors["valid_to"] = _("The period cannot end before it starts.")
        elif valid_to < timezone.localdate():
            errors["valid_to"] = _("The period has already ended.")
    else:
        # A normal limit has no period; ignore anything sent for one.
        project_name, valid_from, valid_to = project_name, None, None
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "amount": amount,
        "reason": reason,
        "project_name": project_name,
        "valid_from": valid_from,
        "valid_to": valid_to,
    }


def credit_approval_steps(amount: Decimal) -> list[StepSpec]:
    steps = [
        StepSpec(name=gettext_lazy("Regional manager review"), role=Role.Code.REGIONAL_MANAGER),
        StepSpec(name=gettext_lazy("Finance review"), role=Role.Code.FINANCE),
    ]
    if amount > extra_approval_threshold():
        steps.append(
            StepSpec(name=gettext_lazy("Channel director approval"), role=Role.Code.DIRECTOR)
        )
    return steps


def credit_application_submit(
    *, actor: User, partner: Partner, data: dict[str, Any]
) -> CreditApplication:
    """Apply for a normal or special credit limit; starts its approval."""
    if not credit_can_apply(actor, partner):
        raise PermissionDenied(_("You cannot apply for credit for this partner."))
    if partner.status == Partner.Status.EXITED:
        raise ValidationError(_("This partner has left the channel."))
    clean = _validate(data)
    with transaction.atomic():
        application = CreditApplication.objects.create(
            number=next_number(NUMBER_PREFIX),
            partner=partner,
            requested_by=actor,
            status=Status.IN_APPROVAL,
            **clean,
        )
        audit_created(actor=actor, obj=application)
        approval_start(
            actor=actor,
            target=application,
            kind=CREDIT_APPLICATION,
            title=gettext_lazy("Credit %(number)s: %(partner)s, %(amount)s CNY"),
            title_params={
                "number": application.number,
                "partner": partner.name,
                "amount": f"{application.amount:,.2f}",
            },
            steps=credit_approval_steps(application.amount),
            payload={"kind": application.kind, "amount": str(application.amount)},
        )
    return application


def _decide(application: CreditApplication, to: str, *, actor: User, note: str = "") -> None:
    """Move a locked application to its final state `to` (core.state: the move checked and
    audited), with the decision time."""
    application.decided_at = timezone.now()
    state.transition(application, to, TRANSITIONS, actor=actor, note=note, also=("decided_at",))


def _decided(approval: ApprovalRequest, actor: User, status: str) -> CreditApplication:
    application = CreditApplication.objects.select_for_update().get(pk=approval.object_id)
    _decide(application, status, actor=actor, note=_("approval #%(pk)s") % {"pk": approval.pk})
    return application


def credit_application_approved(*, approval: ApprovalRequest, actor: User) -> None:
    """Approval hook (inside the deciding transaction): a normal credit becomes the limit."""
    application = _decided(approval, actor, Status.APPROVED)
    if application.kind == CreditApplication.Kind.NORMAL:
        partner = Partner.objects.select_for_update().get(pk=application.partner_id)
        before = snapshot(partner)
        partner.credit_limit = application.amount
        partner.save(update_fields=["credit_limit", "updated_at"])
        audit_updated(
            actor=actor,
            obj=partner,
            before=before,
            note=_("credit application %(number)s") % {"number": application.number},
        )


def credit_application_rejected(*, approval: ApprovalRequest, actor: User) -> None:
    _decided(approval, actor, Status.REJECTED)


def credit_application_cancel(*, actor: User, application: CreditApplication) -> CreditApplication:
    """The applicant withdraws an application still in approval."""
    if application.requested_by_id != actor.pk:
        raise PermissionDenied(_("Only the applicant can withdraw this application."))
    approval = (
        ApprovalRequest.objects.filter(kind=CREDIT_APPLICATION, object_id=str(application.pk))
        .order_by("-created_at", "-id")
        .first()
    )
    with transaction.atomic():
        if approval is not None and approval.is_open:
            # The approval's on_cancelled hook cancels the application with its audit entry.
            approval_cancel(actor=actor, approval=approval)
            return CreditApplication.objects.get(pk=application.pk)
        locked = CreditApplication.objects.select_for_update().get(pk=application.pk)
        _decide(locked, Status.CANCELLED, actor=actor)
    return locked


def credit_usage_set(*, actor: User, partner: Partner, used: Any, note: str = "") -> Partner:
    """Finance records how much of the partner's credit is in use (never negative)."""
    if not credit_can_record_usage(actor):
        raise PermissionDenied(_("Only finance can record credit usage."))
    errors: dict[str, str] = {}
    amount = _amount(used, "credit_used", errors, allow_zero=True)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Partner.objects.select_for_update().get(pk=partner.pk)
        before = snapshot(locked)
        locked.credit_used = amount
        locked.save(update_fields=["credit_used", "updated_at"])
        audit_updated(actor=actor, obj=locked, before=before, note=(note or "").strip()[:200])
    partner.credit_used = locked.credit_used
    summary = credit_summary(locked)
    if summary.overrun:
        transaction.on_commit(lambda: _notify_overrun(locked, summary))
    return locked


def _notify_overrun(partner: Partner, summary: CreditSummary) -> None:
    notify(
        recipients=[partner.owner],
        title=gettext_lazy("Credit overrun: %(partner)s"),
        body=gettext_lazy("Credit used %(used)s CNY is above the credit of %(total)s CNY."),
        params={
            "partner": partner.name,
            "used": f"{summary.used:,.2f}",
            "total": f"{summary.total:,.2f}",
        },
        url=partner.get_absolute_url() + "?tab=credit",
    )


def _on_cancelled(approval, actor):
    # Withdrawn from the approvals page: the application follows (unless it already moved).
    if CreditApplication.objects.filter(pk=approval.object_id, status=Status.IN_APPROVAL).exists():
        _decided(approval, actor, Status.CANCELLED)


def _credit_panel(approval, viewer):
    from ..selectors.approvals import credit_panel

    return credit_panel(approval, viewer)


# Registered in the app's ready() (core.hooks.approval_kind).
CREDIT_APPLICATION_KIND = ApprovalKind(
    code=CREDIT_APPLICATION,
    label=gettext_lazy("Credit application"),
    on_approved=approval_hook(credit_application_approved),
    on_rejected=approval_hook(credit_application_rejected),
    on_cancelled=_on_cancelled,
    panel=_credit_panel,
    amount=lambda application: application.amount,
)
