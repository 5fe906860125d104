"""Review of an application by vendor staff: the one map of allowed moves, assigning a channel
manager, starting the review, scoring (total and recommended tier), a reviewer's rejection, and
sending the partner admin's invitation again.

The applicant is not a user, so `notify` cannot reach them: the rejection is a plain `send_mail`
to the contact e-mail after the commit.
"""

import logging
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import scopes
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import AuditEntry, Role, User
from qudao.core.services.audit import audit_record, audit_updated, snapshot
from qudao.core.services.invitations import invitation_send
from qudao.core.services.notifications import notify

from ...models import (
    ApplicationAttachment,
    ApplicationScore,
    PartnerApplication,
    Scorecard,
    Tier,
)
from .scorecards import _to_decimal, scorecard_active
from .submission import _application_url

logger = logging.getLogger("qudao.partners")

Status = PartnerApplication.Status
Kind = ApplicationAttachment.Kind

# The one map of allowed moves of an application.
TRANSITIONS: dict[str, set[str]] = {
    Status.SUBMITTED: {Status.REVIEWING, Status.REJECTED},
    Status.REVIEWING: {Status.IN_APPROVAL, Status.REJECTED},
    Status.IN_APPROVAL: {Status.APPROVED, Status.REJECTED, Status.REVIEWING},
}

REVIEW_ROLES = (
    Role.Code.ADMIN,
    Role.Code.DIRECTOR,
    Role.Code.REGIONAL_MANAGER,
    Role.Code.CHANNEL_MANAGER,
)


def application_can_review(user: User, application: PartnerApplication | None = None) -> bool:
    """Vendor staff with a reviewing role, and (for one application) who can see it."""
    if not user.is_authenticated or not user.is_active or user.is_partner_user:
        return False
    if not (user.is_superuser or user.has_role(*REVIEW_ROLES)):
        return False
    return application is None or scopes.can_see(user, application)


def _require_reviewer(actor: User, application: PartnerApplication) -> None:
    if not application_can_review(actor, application):
        raise PermissionDenied(_("You cannot review this application."))


def _locked(application: PartnerApplication) -> PartnerApplication:
    return (
        PartnerApplication.objects.select_for_update(of=("self",))
        .select_related("region", "assignee", "recommended_tier")
        .get(pk=application.pk)
    )


def _transition(
    application: PartnerApplication, to: str, *, actor: User | None, note: str = ""
) -> None:
    """Move a locked application to `to`, if the map allows it, with its audit row."""
    if to not in TRANSITIONS.get(application.status, set()):
        raise ValidationError(
            _("This application is %(status)s; that cannot be done now.")
            % {"status": application.get_status_display()}
        )
    before = application.status
    application.status = to
    application.save()
    audit_record(
        actor=actor,
        obj=application,
        action=AuditEntry.Action.STATE,
        changes={"status": [before, to]},
        note=note,
    )


def _is_channel_manager(user: User | None) -> bool:
    return bool(
        user is not None
        and user.is_active
        and not user.is_partner_user
        and user.has_role(Role.Code.CHANNEL_MANAGER)
    )


def application_assign(
    *, actor: User, application: PartnerApplication, assignee: User
) -> PartnerApplication:
    """Give the application to a channel manager, who will own the partner."""
    _require_reviewer(actor, application)
    if not _is_channel_manager(assignee):
        raise ValidationError({"assignee": [_("Choose an active channel manager.")]})
    with transaction.atomic():
        locked = _locked(application)
        if locked.status not in (Status.SUBMITTED, Status.REVIEWING):
            raise ValidationError(
                _("Only an application that is submitted or under review can be assigned.")
            )
        before = snapshot(locked)
        locked.assignee = assignee
        locked.save()
        audit_updated(actor=actor, obj=locked, before=before)
    if assignee.pk != actor.pk:
        transaction.on_commit(
            lambda: notify(
                recipients=[assignee],
                title=gettext_lazy("Partner application assigned to you: %(company)s"),
                body=gettext_lazy("%(number)s, assigned by %(actor)s."),
                params={"company": locked.company_name, "number": locked.number, "actor": actor},
                url=_application_url(locked),
            )
        )
    return locked


def application_review_start(*, actor: User, application: PartnerApplication) -> PartnerApplication:
    """submitted → reviewing. The business licence must be there (API applicants add it later)."""
    _require_reviewer(actor, application)
    with transaction.atomic():
        locked = _locked(application)
        if (
            locked.status == Status.SUBMITTED
            and not locked.attachments.filter(kind=Kind.LICENCE).exists()
        ):
            raise ValidationError(_("The business licence has not been uploaded yet."))
        _transition(locked, Status.REVIEWING, actor=actor)
    return locked


def score_total(application: PartnerApplication, scorecard: Scorecard) -> Decimal | None:
    """Average over reviewers of Σ(score / max × weight): 0–100, None before any score."""
    per_reviewer: dict[int, Decimal] = defaultdict(Decimal)
    rows = ApplicationScore.objects.filter(
        application=application, criterion__scorecard=scorecard
    ).select_related("criterion")
    for row in rows:
        criterion = row.criterion
        per_reviewer[row.reviewer_id] += row.score / criterion.max_score * criterion.weight
    if not per_reviewer:
        return None
    total = sum(per_reviewer.values(), Decimal(0)) / len(per_reviewer)
    return min(max(total, Decimal(0)), Decimal(100)).quantize(Decimal("0.01"))


def tier_recommended(total: Decimal | None) -> Tier | None:
    """The active tier of the highest rank whose minimum score the total reaches (a tier
    without a minimum asks for none)."""
    if total is None:
        return None
    return (
        Tier.objects.filter(is_active=True)
        .filter(Q(min_score__isnull=True) | Q(min_score__lte=total))
        .order_by("-rank", "code")
        .first()
    )


def application_score(
    *,
    actor: User,
    application: PartnerApplication,
    scores: Mapping[int, Any],
    comments: Mapping[int, str] | None = None,
) -> PartnerApplication:
    """A reviewer scores every criterion of the active qualification scorecard (0..max score);
    scoring again replaces their earlier scores. Updates the total and the recommended tier."""
    _require_reviewer(actor, application)
    comments = comments or {}
    scorecard = scorecard_active()
    if scorecard is None:
        raise ValidationError(_("No qualification scorecard is in use; ask a system admin."))
    criteria = list(scorecard.criteria.all())
    errors: dict[str, list[str]] = {}
    values: dict[int, Decimal] = {}
    for criterion in criteria:
        field = f"score_{criterion.pk}"
        raw = scores.get(criterion.pk)
        value = _to_decimal(raw)
        if raw in (None, ""):
            errors[field] = [_("Score every criterion.")]
        elif value is None:
            errors[field] = [_("Enter a number.")]
        elif not (0 <= value <= criterion.max_score) or value != value.quantize(Decimal("0.01")):
            errors[field] = [
                _("Give a score from 0 to %(max)s (at most two decimals).")
                % {"max": criterion.max_score}
            ]
        else:
            values[criterion.pk] = value
        if len(comments.get(criterion.pk) or "") > 500:
            errors[f"comment_{criterion.pk}"] = [_("Keep the comment under 500 characters.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(application)
        if locked.status != Status.REVIEWING:
            raise ValidationError(
                _("Scores can only be entered while the application is under review.")
            )
        before = snapshot(locked)
        for criterion in criteria:
            ApplicationScore.objects.update_or_create(
                application=locked,
                criterion=criterion,
                reviewer=actor,
                defaults={
                    "score": values[criterion.pk],
                    "comment": (comments.get(criterion.pk) or "").strip(),
                },
            )
        locked.total_score = score_total(locked, scorecard)
        locked.recommended_tier = tier_recommended(locked.total_score)
        locked.save()
        entry = audit_updated(
            actor=actor, obj=locked, before=before, note=_("qualification scores")
        ) or audit_record(
            actor=actor, obj=locked, action=AuditEntry.Action.UPDATE, note=_("qualification scores")
        )
        entry.changes.update(
            {
                f"{criterion.name}": [None, f"{values[criterion.pk]}/{criterion.max_score}"]
                for criterion in criteria
            }
        )
        entry.save(update_fields=["changes"])
    return locked


def application_reject(
    *, actor: User, application: PartnerApplication, reason: str
) -> PartnerApplication:
    """A reviewer turns the application down before it goes to approval (e.g. obviously unfit)."""
    _require_reviewer(actor, application)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason; the applicant receives it.")]})
    with transaction.atomic():
        locked = _locked(application)
        if locked.status not in (Status.SUBMITTED, Status.REVIEWING):
            raise ValidationError(
                _("This application is %(status)s; that cannot be done now.")
                % {"status": locked.get_status_display()}
            )
        _reject(locked, actor=actor, reason=reason)
    return locked


def _reject(application: PartnerApplication, *, actor: User, reason: str) -> None:
    application.decision_note = reason
    _transition(application, Status.REJECTED, actor=actor, note=reason[:200])
    transaction.on_commit(lambda: _mail_applicant_rejected(application))


def _mail_applicant_rejected(application: PartnerApplication) -> None:
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


def application_partner_admin(application: PartnerApplication) -> User | None:
    if application.partner_id is None:
        return None
    return (
        User.objects.filter(
            partner_id=application.partner_id,
            email__iexact=application.contact_email,
            roles__code=Role.Code.PARTNER_ADMIN,
        )
        .order_by("pk")
        .first()
    )


def application_invitation_resend(*, actor: User, application: PartnerApplication) -> str:
    """Send the partner admin a new invitation link (e.g. the first one expired)."""
    _require_reviewer(actor, application)
    user = application_partner_admin(application)
    if application.status != Status.APPROVED or user is None:
        raise ValidationError(_("Only an approved application has a partner admin to invite."))
    if user.has_usable_password():
        raise ValidationError(_("The partner admin has already set a password."))
    audit_record(
        actor=actor, obj=user, action=AuditEntry.Action.UPDATE, note=_("invitation sent again")
    )
    return invitation_send(user=user)
