"""Invitations: a one-time link by e-mail with which a new user sets their first password.

The link carries the user's id and a token from Django's `default_token_generator` (the
password-reset generator). The token hashes the user's password and last log-in, so it stops
working as soon as the password is set: each link works once. It also expires after
settings.PASSWORD_RESET_TIMEOUT (three days by default); staff can send a new one.
"""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from ..errors import ValidationError
from ..models import AuditEntry, User
from .audit import audit_record


def invitation_path(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("core:invitation-accept", args=[uidb64, token])


def invitation_send(*, user: User) -> str:
    """E-mail `user` a link to set their password; returns the link (an absolute URL)."""
    url = settings.SITE_URL.rstrip("/") + invitation_path(user)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("Your Qudao account")
        body = _(
            "Hello %(name)s,\n\nan account has been opened for you in Qudao (user name: "
            "%(username)s).\nSet your password with this link; it works once and expires in "
            "%(days)s days:\n\n%(url)s\n"
        ) % {
            "name": user.display_name,
            "username": user.username,
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "url": url,
        }
    send_mail(
        subject=subject,
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
        fail_silently=False,
    )
    return url


def invitation_user(uidb64: str, token: str) -> User | None:
    """The active user the link belongs to, or None when it is malformed, used or expired."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def invitation_accept(*, user: User, token: str, password: str) -> User:
    """Set the first password through a valid invitation token (which the change then voids)."""
    if not default_token_generator.check_token(user, token):
        raise ValidationError(_("This invitation link is not valid or has been used already."))
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"new_password1": error.messages}) from None
    with transaction.atomic():
        user.set_password(password)
        user.failed_login_count, user.locked_until = 0, None
        user.save(update_fields=["password", "failed_login_count", "locked_until"])
        audit_record(
            actor=user,
            obj=user,
            action=AuditEntry.Action.UPDATE,
            note=_("password set by invitation"),
        )
    return user
