"""Review of an application by vendor staff: the one map of allowed moves, assigning a channel
manager, starting the review, scoring (total and recommended tier), a reviewer's rejection, and
sending the partner admin's invitation again.

The applicant is not a user, so `notify` cannot reach them: the rejection is a plain `send_mail`
to the contact e-mail after the commit.
"""

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import state
from qudao.core.errors import ValidationError
from qudao.core.models import AuditEntry, Role, User
from qudao.core.services.audit import audit_record, audit_updated, snapshot
from qudao.core.services.invitations import invitation_send
from qudao.core.services.notifications import notify

from ...models import (
    ApplicationAttachment,
    ApplicationScore,
    PartnerApplication,
    PartnerScorecard,
    Tier,
)
from ...validators import decimal_or_none
from .scorecards import scorecard_active
from .state import (
    TRANSITIONS,
    application_locked,
    application_reject_locked,
    application_review_check,
    application_url,
    user_is_channel_manager,
)

Status = PartnerApplication.Status
Kind = ApplicationAttachment.Kind


def application_assign(
    *, actor: User, application: PartnerApplication, assignee: User
) -> PartnerApplication:
    """Give the application to a channel manager, who will own the partner."""
    application_review_check(actor, application)
    if not user_is_channel_manager(assignee):
        raise ValidationError({"assignee": [_("Choose an active channel manager.")]})
    with transaction.atomic():
        locked = application_locked(application)
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
                url=application_url(locked),
            )
        )
    return locked


def application_review_start(*, actor: User, application: PartnerApplication) -> PartnerApplication:
    """submitted → reviewing. The business licence must be there (API applicants add it later)."""
    application_review_check(actor, application)
    with transaction.atomic():
        locked = application_locked(application)
        if (
            locked.status == Status.SUBMITTED
            and not locked.attachments.filter(kind=Kind.LICENCE).exists()
        ):
            raise ValidationError(_("The business licence has not been uploaded yet."))
        state.transition(locked, Status.REVIEWING, TRANSITIONS, actor=actor)
    return locked


def score_total(application: PartnerApplication, scorecard: PartnerScorecard) -> Decimal | None:
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
    application_review_check(actor, application)
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
        value = decimal_or_none(raw)
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
        locked = application_locked(application)
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
    application_review_check(actor, application)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason; the applicant receives it.")]})
    with transaction.atomic():
        locked = application_locked(application)
        if locked.status not in (Status.SUBMITTED, Status.REVIEWING):
            raise ValidationError(
                _("This application is %(status)s; that cannot be done now.")
                % {"status": locked.get_status_display()}
            )
        application_reject_locked(locked, actor=actor, reason=reason)
    return locked


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
    application_review_check(actor, application)
    user = application_partner_admin(application)
    if application.status != Status.APPROVED or user is None:
        raise ValidationError(_("Only an approved application has a partner admin to invite."))
    if user.has_usable_password():
        raise ValidationError(_("The partner admin has already set a password."))
    audit_record(
        actor=actor, obj=user, action=AuditEntry.Action.UPDATE, note=_("invitation sent again")
    )
    return invitation_send(user=user)
