"""The partner archive (管理档案): contacts, the partner's own users, documents.

The vendor staff who manage a partner, and the partner's own admins (渠道管理者) from the
portal, keep these up to date. A partner admin acts only on their own partner, and can give
only partner roles below their own.
"""

import inspect
import logging
import os
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import AuditEntry, Role, User
from qudao.core.models.org import PARTNER_ROLES
from qudao.core.services.audit import (
    audit_created,
    audit_deleted,
    audit_record,
    audit_updated,
    snapshot,
)
from qudao.core.uploads import validate_upload

from ..models import Partner, PartnerContact, PartnerDocument
from .partners import partner_can_manage

logger = logging.getLogger("qudao.partners")

CONTACT_FIELDS = ("name", "title", "phone", "email", "is_primary", "notes")
USER_FIELDS = ("username", "last_name", "first_name", "email", "mobile")
# What a partner admin may give; the vendor staff may also make another partner admin.
ROLES_FOR_PARTNER_ADMIN = frozenset({Role.Code.PARTNER_SALES, Role.Code.PARTNER_ENGINEER})


def archive_can_manage(user: User, partner: Partner) -> bool:
    """Vendor managers in scope, or an admin of this very partner."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_partner_user:
        return user.partner_id == partner.pk and user.has_role(Role.Code.PARTNER_ADMIN)
    return partner_can_manage(user, partner)


def archive_can_change(user: User, partner: Partner) -> bool:
    """Whether the archive's contacts, users and documents may be changed by `user` now; an
    exited partner's archive is read-only."""
    return archive_can_manage(user, partner) and partner.status != Partner.Status.EXITED


def roles_grantable(actor: User) -> frozenset[str]:
    return ROLES_FOR_PARTNER_ADMIN if actor.is_partner_user else frozenset(PARTNER_ROLES)


def _require(actor: User, partner: Partner) -> None:
    if not archive_can_manage(actor, partner):
        raise PermissionDenied(_("You cannot manage this partner's archive."))


def _require_not_exited(partner: Partner) -> None:
    if partner.status == Partner.Status.EXITED:
        raise ValidationError(_("This partner has left the channel; its archive is read-only."))


# --- contacts ---------------------------------------------------------------------------------


def _contact_clean(contact: PartnerContact) -> None:
    contact.name = (contact.name or "").strip()
    try:
        contact.full_clean(exclude=["partner"])
    except DjangoValidationError as error:
        raise ValidationError(error.message_dict) from None


def _one_primary(contact: PartnerContact) -> None:
    if contact.is_primary:
        PartnerContact.objects.filter(partner_id=contact.partner_id, is_primary=True).exclude(
            pk=contact.pk
        ).update(is_primary=False)


def contact_create(*, actor: User, partner: Partner, data: dict[str, Any]) -> PartnerContact:
    _require(actor, partner)
    _require_not_exited(partner)
    contact = PartnerContact(partner=partner, **{k: data[k] for k in CONTACT_FIELDS if k in data})
    _contact_clean(contact)
    with transaction.atomic():
        contact.save()
        _one_primary(contact)
        audit_created(actor=actor, obj=contact)
    return contact


def contact_update(
    *, actor: User, partner: Partner, contact: PartnerContact, data: dict[str, Any]
) -> PartnerContact:
    _require(actor, partner)
    _require_not_exited(partner)
    if contact.partner_id != partner.pk:
        raise PermissionDenied(_("This contact belongs to another partner."))
    before = snapshot(contact)
    for key in CONTACT_FIELDS:
        if key in data:
            setattr(contact, key, data[key])
    _contact_clean(contact)
    with transaction.atomic():
        contact.save()
        _one_primary(contact)
        audit_updated(actor=actor, obj=contact, before=before)
    return contact


def contact_delete(*, actor: User, partner: Partner, contact: PartnerContact) -> None:
    _require(actor, partner)
    _require_not_exited(partner)
    if contact.partner_id != partner.pk:
        raise PermissionDenied(_("This contact belongs to another partner."))
    with transaction.atomic():
        audit_deleted(actor=actor, obj=contact)
        # Also on the partner, so its history still shows the contact once the row is gone.
        audit_record(
            actor=actor,
            obj=partner,
            action=AuditEntry.Action.UPDATE,
            changes={"contact": [contact.name, None]},
            note=_("contact deleted"),
        )
        contact.delete()


# --- the partner's users ------------------------------------------------------------------------


def _send_invitation(actor: User, user: User) -> bool:
    """Use the invitations service where it exists (it is built separately)."""
    try:
        from qudao.core.services import invitations
    except ImportError:
        return False
    send = getattr(invitations, "invitation_send", None)
    if not callable(send):
        return False
    offered = {"actor": actor, "user": user}
    parameters = inspect.signature(send).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    try:
        send(**{k: v for k, v in offered.items() if takes_any or k in parameters})
    except OSError as error:  # the mail server is down: the user exists, staff can resend
        logger.warning("invitation to %s not sent: %s", user.username, error)
        return False
    return True


def partner_user_invite(
    *, actor: User, partner: Partner, data: dict[str, Any], role_codes: list[str]
) -> tuple[User, bool]:
    """Create a user of `partner` with no usable password and invite them to set one.

    Returns the user and whether an invitation went out.
    """
    _require(actor, partner)
    _require_not_exited(partner)
    errors: dict[str, str] = {}
    role_codes = sorted(set(role_codes or []))
    if not role_codes:
        errors["roles"] = _("Choose a role.")
    elif any(code not in roles_grantable(actor) for code in role_codes):
        errors["roles"] = _("You can only give these roles: %(roles)s.") % {
            "roles": ", ".join(str(Role.Code(c).label) for c in sorted(roles_grantable(actor)))
        }
    values = {key: (data.get(key) or "").strip() for key in USER_FIELDS}
    if not values["email"]:
        errors["email"] = _("An invitation needs an e-mail address.")
    elif User.objects.filter(email__iexact=values["email"]).exists():
        errors["email"] = _("A user with this e-mail address already exists.")
    if values["mobile"] and User.objects.filter(mobile=values["mobile"]).exists():
        errors["mobile"] = _("A user with this mobile number already exists.")
    user = User(partner=partner, region=partner.region, is_active=True, **values)
    user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except DjangoValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, " ".join(messages))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user.save()
        user.roles.set(Role.objects.filter(code__in=role_codes))
        entry = audit_created(actor=actor, obj=user, note=partner.code)
        entry.changes["roles"] = [None, ", ".join(sorted(role_codes))]  # shown as their labels
        entry.save(update_fields=["changes"])
    invited = _send_invitation(actor, user)
    return user, invited


def partner_user_set_active(*, actor: User, partner: Partner, user: User, is_active: bool) -> User:
    """Deactivate (or reactivate) a user of the partner: they can no longer log in."""
    _require(actor, partner)
    if user.partner_id != partner.pk:
        raise PermissionDenied(_("This user belongs to another organisation."))
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    if is_active and partner.status == Partner.Status.EXITED:
        raise ValidationError(_("This partner has left the channel; its users stay inactive."))
    if user.is_active == is_active:
        return user
    before = snapshot(user)
    user.is_active = is_active
    with transaction.atomic():
        user.save(update_fields=["is_active"])
        audit_updated(actor=actor, obj=user, before=before)
    return user


# --- documents --------------------------------------------------------------------------------


def document_upload(
    *,
    actor: User,
    partner: Partner,
    upload: UploadedFile | None,
    kind: str = PartnerDocument.Kind.OTHER,
    title: str = "",
    valid_until: date | None = None,
) -> PartnerDocument:
    """Add a checked file (type, size, content) to the partner's archive."""
    _require(actor, partner)
    _require_not_exited(partner)
    errors: dict[str, Any] = {}
    if upload is None:
        errors["file"] = _("Choose a file.")
    else:
        try:
            validate_upload(upload)
        except DjangoValidationError as error:
            errors["file"] = error.messages
    if kind not in PartnerDocument.Kind.values:
        errors["kind"] = _("Choose a document type.")
    title = (title or "").strip()
    if not title and upload is not None:
        title = os.path.splitext(os.path.basename(upload.name or ""))[0]
    if not title:
        errors["title"] = _("Give the document a title.")
    elif len(title) > 200:
        errors["title"] = _("Keep the title under 200 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        document = PartnerDocument(
            partner=partner,
            kind=kind,
            title=title,
            size=upload.size,
            valid_until=valid_until,
            uploaded_by=actor,
        )
        document.file.save(os.path.basename(upload.name), upload, save=False)
        document.save()
        audit_created(actor=actor, obj=document)
    return document
