"""Writes on partners. The lifecycle (recruitment … exit) arrives in its own module."""

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import roles, scopes
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, AuditEntry, Region, Role, User
from qudao.core.services.approvals import StepSpec, approval_start
from qudao.core.services.audit import audit_created, audit_record, audit_updated, snapshot

from ..approvals import ACTIVATION
from ..models import Partner
from ..validators import normalise_credit_code

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")
PARTNER_FIELDS = (
    "code",
    "name",
    "region",
    "tier",
    "owner",
    "contact_name",
    "contact_phone",
    # Profile (经销商信息资料表), shown in the archive.
    "credit_code",
    "legal_representative",
    "address",
    "website",
    "business_scope",
    "registered_capital",
    "annual_revenue",
    "staff_count",
    "sales_staff_count",
    "tech_staff_count",
    "main_customers",
    "main_industries",
)


def partner_can_manage(user: User, partner: Partner | None = None) -> bool:
    if not roles.user_in(user, roles.MANAGERS):
        return False
    return partner is None or scopes.can_see(user, partner)


def _validate(actor: User, data: dict[str, Any], partner: Partner | None = None) -> None:
    errors = {}
    code = data.get("code")
    if code is not None and not CODE_PATTERN.match(code):
        errors["code"] = _("Use 2–20 capital letters, digits or hyphens, e.g. P-GD-001.")
    owner = data.get("owner", partner.owner if partner else None)
    if owner is not None and (
        owner.is_partner_user or not owner.has_role(Role.Code.CHANNEL_MANAGER)
    ):
        errors["owner"] = _("The owner must be a channel manager.")
    region = data.get("region", partner.region if partner else None)
    if region is not None and not scopes.sees_everything(actor):
        # The partner must stay inside the actor's own scope after the change.
        in_region = bool(
            actor.has_role(Role.Code.REGIONAL_MANAGER)
            and actor.region_id
            and region.pk in scopes.user_region_ids(actor)
        )
        own = actor.has_role(Role.Code.CHANNEL_MANAGER) and owner == actor
        if not (in_region or own):
            errors["region"] = _("This would put the partner outside your scope.")
    credit_code = data.get("credit_code")
    if credit_code:
        data["credit_code"] = normalise_credit_code(credit_code)
        taken = Partner.objects.filter(credit_code=data["credit_code"])
        if partner is not None:
            taken = taken.exclude(pk=partner.pk)
        if taken.exists():
            errors["credit_code"] = _("Another partner has this unified social credit code.")
    if errors:
        raise ValidationError(errors)


def partner_create(*, actor: User, data: dict[str, Any]) -> Partner:
    if not partner_can_manage(actor):
        raise PermissionDenied(_("You cannot create partners."))
    data = dict(data)
    if data.get("owner") is None:
        if not actor.has_role(Role.Code.CHANNEL_MANAGER):
            raise ValidationError({"owner": _("Choose the channel manager who owns this partner.")})
        data["owner"] = actor
    _validate(actor, data)
    partner = Partner(**{key: data[key] for key in PARTNER_FIELDS if key in data})
    partner.full_clean()
    try:
        with transaction.atomic():
            partner.save()
            audit_created(actor=actor, obj=partner)
    except IntegrityError:
        raise ValidationError(
            {"code": _("A partner with this code or name already exists.")}
        ) from None
    return partner


def partner_update(*, actor: User, partner: Partner, data: dict[str, Any]) -> Partner:
    if not partner_can_manage(actor, partner):
        raise PermissionDenied(_("You cannot change this partner."))
    _validate(actor, data, partner)
    before = snapshot(partner)
    for key in PARTNER_FIELDS:
        if key in data and not (key == "owner" and data[key] is None):
            setattr(partner, key, data[key])
    partner.full_clean()
    try:
        with transaction.atomic():
            partner.save()
            audit_updated(actor=actor, obj=partner, before=before)
    except IntegrityError:
        raise ValidationError(
            {"code": _("A partner with this code or name already exists.")}
        ) from None
    return partner


def partner_activation_submit(*, actor: User, partner: Partner) -> ApprovalRequest:
    """Ask for a prospect partner to become active: its regional manager, then the director."""
    if not partner_can_manage(actor, partner):
        raise PermissionDenied(_("You cannot change this partner."))
    if partner.status != Partner.Status.PROSPECT:
        raise ValidationError(_("Only a prospect partner can be submitted for activation."))
    return approval_start(
        actor=actor,
        target=partner,
        kind=ACTIVATION,
        title=gettext_lazy("Activate partner %(name)s"),
        title_params={"name": partner.name},
        steps=[
            StepSpec(name=gettext_lazy("Regional manager review"), role=Role.Code.REGIONAL_MANAGER),
            StepSpec(name=gettext_lazy("Channel director approval"), role=Role.Code.DIRECTOR),
        ],
    )


def partner_activation_approved(*, approval: ApprovalRequest, actor: User) -> None:
    """Approval hook: runs inside the deciding transaction."""
    partner = Partner.objects.select_for_update().get(pk=approval.object_id)
    before = snapshot(partner)
    partner.status = Partner.Status.ACTIVE
    partner.save(update_fields=["status", "updated_at"])
    changes = {"status": [before["status"], partner.status]}
    audit_record(
        actor=actor,
        obj=partner,
        action=AuditEntry.Action.STATE,
        changes=changes,
        note=_("approval #%(pk)s") % {"pk": approval.pk},
    )


def regions_assignable(actor: User):
    """Regions/offices the actor may place a partner in."""
    rows = Region.objects.all()
    if scopes.sees_everything(actor) or not actor.has_role(Role.Code.REGIONAL_MANAGER):
        return rows
    return rows.filter(pk__in=scopes.user_region_ids(actor))
