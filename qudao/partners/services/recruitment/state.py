"""What the recruitment steps share: an application's one map of allowed moves (core.state
checks and audits each move), the reviewer check, the row lock, the rejection, and who is told
what."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from qudao.core import roles, scopes, state
from qudao.core.errors import PermissionDenied
from qudao.core.models import Region, Role, User

from ...models import PartnerApplication

logger = logging.getLogger("qudao.partners")

Status = PartnerApplication.Status

# The one map of allowed moves of an application (checked by core.state).
TRANSITIONS: dict[str, set[str]] = {
    Status.SUBMITTED: {Status.REVIEWING, Status.REJECTED},
    Status.REVIEWING: {Status.IN_APPROVAL, Status.REJECTED},
    Status.IN_APPROVAL: {Status.APPROVED, Status.REJECTED, Status.REVIEWING},
}


def application_can_review(user: User, application: PartnerApplication | None = None) -> bool:
    """Vendor staff with a reviewing role, and (for one application) who can see it."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not roles.user_in(user, roles.MANAGERS):
        return False
    return application is None or scopes.can_see(user, application)


def application_review_check(actor: User, application: PartnerApplication) -> None:
    """Raise PermissionDenied unless `actor` may review `application`."""
    if not application_can_review(actor, application):
        raise PermissionDenied(_("You cannot review this application."))


def application_locked(application: PartnerApplication) -> PartnerApplication:
    """`application` read again under a row lock, with what the steps show and check."""
    return (
        PartnerApplication.objects.select_for_update(of=("self",))
        .select_related("region", "assignee", "recommended_tier")
        .get(pk=application.pk)
    )


def user_is_channel_manager(user: User | None) -> bool:
    """An active vendor channel manager: who may be assigned an application and own the partner."""
    return bool(
        user is not None
        and user.is_active
        and not user.is_partner_user
        and user.has_role(Role.Code.CHANNEL_MANAGER)
    )


def application_reject_locked(application: PartnerApplication, *, actor: User, reason: str) -> None:
    """Reject a locked application with `reason`, kept and mailed to the applicant after commit
    (by a reviewer, or by the approval's rejection)."""
    application.decision_note = reason
    state.transition(application, Status.REJECTED, TRANSITIONS, actor=actor, note=reason[:200])
    transaction.on_commit(lambda: applicant_rejected_mail(application))


def applicant_rejected_mail(application: PartnerApplication) -> None:
    """The applicant is no user: the rejection reaches them as a plain e-mail."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your partner application %(number)s") % {"number": application.number}
        body = _(
            "Dear %(contact)s,\n\nthank you for applying to become our partner. We are sorry: "
            "the application of %(company)s (%(number)s) was not accepted.\n\nReason: "
            "%(reason)s\n\nYou may apply again once the reason no longer applies."
        ) % {
            "contact": application.contact_name,
            "company": application.company_name,
            "number": application.number,
            "reason": application.decision_note,
        }
    try:
        send_mail(
            subject=subject,
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[application.contact_email],
            fail_silently=False,
        )
    except Exception:  # noqa: BLE001 - the decision stands; the failure is logged
        logger.exception("rejection mail for %s failed", application.number)


def credit_code_duplicate_message() -> str:
    """One wording for a taken credit code, found by the form, the database or the approval."""
    return _(
        "An application or a partner with this unified social credit code already exists; "
        "contact your channel manager if you need to change it."
    )


def region_managers(region: Region) -> list[User]:
    """Regional managers whose scope covers `region` (its own manager or its parent's)."""
    covering = [region.pk] + ([region.parent_id] if region.parent_id else [])
    return list(
        User.objects.filter(
            roles__code=Role.Code.REGIONAL_MANAGER,
            region_id__in=covering,
            is_active=True,
            partner__isnull=True,
        ).distinct()
    )


def application_url(application: PartnerApplication) -> str:
    """The application's page, for notifications."""
    return reverse("partners:application-detail", args=[application.pk])
