"""Writes on the organisation: users and their roles, profiles."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _

from .. import scopes
from ..errors import PermissionDenied, ValidationError
from ..models.org import PARTNER_ROLES, Role, User
from .audit import audit_created, audit_record, audit_updated, snapshot

USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "mobile",
    "region",
    "department",
    "partner",
    "is_active",
)


def users_can_manage(actor: User) -> bool:
    """`actor` may create users and change anyone's roles: a system admin."""
    return actor.is_superuser or actor.has_role(Role.Code.ADMIN)


def _require_user_admin(actor: User) -> None:
    if not users_can_manage(actor):
        raise PermissionDenied(_("Only a system admin can manage users."))


def _check_roles(partner, role_codes: list[str]) -> None:
    if partner is not None and any(code not in PARTNER_ROLES for code in role_codes):
        raise ValidationError({"roles": _("A partner user can only have partner roles.")})
    if partner is None and any(code in PARTNER_ROLES for code in role_codes):
        raise ValidationError({"roles": _("Partner roles need a partner.")})


def user_create(*, actor: User, data: dict[str, Any], role_codes: list[str], password: str) -> User:
    _require_user_admin(actor)
    _check_roles(data.get("partner"), role_codes)
    user = User(**{key: data[key] for key in USER_FIELDS if key in data})
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        user.save()
        user.roles.set(Role.objects.filter(code__in=role_codes))
        entry = audit_created(actor=actor, obj=user)
        entry.changes["roles"] = [None, ", ".join(sorted(role_codes))]  # shown as their labels
        entry.save(update_fields=["changes"])
    return user


def user_update(*, actor: User, user: User, data: dict[str, Any], role_codes: list[str]) -> User:
    _require_user_admin(actor)
    _check_roles(data.get("partner", user.partner), role_codes)
    before = snapshot(user)
    before_roles = sorted(user.roles.values_list("code", flat=True))
    for key in USER_FIELDS:
        if key in data:
            setattr(user, key, data[key])
    user.full_clean()
    with transaction.atomic():
        user.save()
        user.roles.set(Role.objects.filter(code__in=role_codes))
        entry = audit_updated(actor=actor, obj=user, before=before)
        if sorted(role_codes) != before_roles:
            changes = {"roles": [", ".join(before_roles), ", ".join(sorted(role_codes))]}
            if entry:
                entry.changes.update(changes)
                entry.save(update_fields=["changes"])
            else:
                audit_record(actor=actor, obj=user, action="update", changes=changes)
    if hasattr(user, "_role_codes"):
        del user._role_codes
    return user


PROFILE_FIELDS = ("language", "im_kind", "im_webhook_url", "email_notifications", "email", "mobile")


def profile_update(*, actor: User, data: dict[str, Any]) -> User:
    """A user's own preferences: language, notification channels, contact details."""
    before = snapshot(actor)
    for key in PROFILE_FIELDS:
        if key in data:
            setattr(actor, key, data[key])
    actor.full_clean(exclude=["password"])
    with transaction.atomic():
        actor.save()
        audit_updated(actor=actor, obj=actor, before=before)
    return actor


def user_can_manage(actor: User, user: User) -> bool:
    """`actor` may edit or unlock `user`: a system admin who can see them."""
    return users_can_manage(actor) and scopes.can_see(actor, user)
