"""Recruitment (渠道招募) and qualification (资格认证/准入).

A company applies on the public page or through the API, without logging in. Vendor staff review
the application, score it on the active qualification scorecard and send it through the approval
chain (the region's manager, then the channel director). When the last step approves, the hook
creates the partner with its archive (contact, documents, tier history) and its admin user, who is
invited by e-mail to set a password. A rejection mails the applicant the reason.

States (PartnerApplication.Status) and the one map of allowed moves, TRANSITIONS:
submitted → reviewing → in_approval → approved; submitted/reviewing/in_approval → rejected;
in_approval → reviewing when the approval is returned, or withdrawn by its requester.

Decisions worth knowing:
- The partner's owner is the application's assignee (a channel manager). Submitting for approval
  needs one (a channel manager who submits is assigned automatically); if the assignee is no
  longer a channel manager when the last step approves, the approving user is taken when they are
  one, otherwise the approval fails with a message.
- The partner code is ``next_number("P")`` (``P-2026-000001``), unique and gap-free.
- Archive documents point at the same stored files as the application's attachments (nothing is
  copied); they are recorded as uploaded by the approving user.
- The applicant is not a user, so `notify` cannot reach them: the rejection is a plain
  `send_mail` to the contact e-mail after the commit.
- The public form and API are rate-limited per client IP (REMOTE_ADDR) with Django's cache. The
  default LocMemCache counts per process: with several server processes configure a shared cache
  (Redis, Memcached or the database cache) so that the limit holds across them.
"""

import logging
import os
import re
import time
import uuid
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import scopes
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, ApprovalStep, AuditEntry, Region, Role, User
from qudao.core.models.org import mobile_validator
from qudao.core.numbering import next_number
from qudao.core.services.approvals import (
    ApprovalKind,
    StepSpec,
    approval_resubmit,
    approval_start,
    register_kind,
)
from qudao.core.services.audit import audit_created, audit_record, audit_updated, snapshot
from qudao.core.services.invitations import invitation_send
from qudao.core.services.notifications import notify
from qudao.core.uploads import DOCUMENTS, IMAGES_AND_PDF, validate_upload

from ..models import (
    ApplicationAttachment,
    ApplicationScore,
    Partner,
    PartnerApplication,
    PartnerContact,
    PartnerDocument,
    Scorecard,
    ScorecardCriterion,
    Tier,
    TierChange,
)
from ..models.recruitment import OPEN_STATUSES
from ..validators import normalise_credit_code

logger = logging.getLogger("qudao.partners")

QUALIFICATION = "partner_qualification"
Status = PartnerApplication.Status
Kind = ApplicationAttachment.Kind

# The one map of allowed moves of an application.
TRANSITIONS: dict[str, set[str]] = {
    Status.SUBMITTED: {Status.REVIEWING, Status.REJECTED},
    Status.REVIEWING: {Status.IN_APPROVAL, Status.REJECTED},
    Status.IN_APPROVAL: {Status.APPROVED, Status.REJECTED, Status.REVIEWING},
}
LIVE_STATUSES = (*OPEN_STATUSES, Status.APPROVED)

REVIEW_ROLES = (
    Role.Code.ADMIN,
    Role.Code.DIRECTOR,
    Role.Code.REGIONAL_MANAGER,
    Role.Code.CHANNEL_MANAGER,
)
SCORECARD_ROLES = (Role.Code.ADMIN, Role.Code.DIRECTOR)

APPLICATION_FIELDS = (
    "company_name",
    "credit_code",
    "region",
    "contact_name",
    "contact_phone",
    "contact_email",
    "legal_representative",
    "address",
    "website",
    "business_scope",
    "staff_count",
    "registered_capital",
    "annual_revenue",
    "main_customers",
    "main_industries",
)
# Which files each attachment kind accepts; the licence is a scan or a photo.
ATTACHMENT_TYPES = {
    Kind.LICENCE: IMAGES_AND_PDF,
    Kind.QUALIFICATION: DOCUMENTS,
    Kind.FINANCIAL: DOCUMENTS,
    Kind.OTHER: DOCUMENTS,
}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
DOCUMENT_KINDS = {
    Kind.LICENCE: PartnerDocument.Kind.LICENCE,
    Kind.QUALIFICATION: PartnerDocument.Kind.CERTIFICATE,
}

# Accepted applications per client IP and hour (the page and the API share the count).
RATE_WINDOW_SECONDS = 3600


class RateLimited(Exception):
    """Too many applications from one client in the current hour."""

    def __init__(self, limit: int):
        super().__init__(f"more than {limit} applications this hour")
        self.limit = limit
        self.message = _(
            "Too many applications from your network in the last hour (at most %(limit)s). "
            "Please try again later."
        ) % {"limit": limit}


# --- public submission ----------------------------------------------------------------------


def _rate_key(client_ip: str) -> str:
    window = int(time.time() // RATE_WINDOW_SECONDS)
    return f"qudao:partner-applications:{client_ip or 'unknown'}:{window}"


def application_rate_check(*, client_ip: str) -> None:
    """Raise RateLimited when `client_ip` has used up this hour's applications."""
    limit = settings.APPLICATION_RATE_LIMIT_PER_HOUR
    if cache.get(_rate_key(client_ip), 0) >= limit:
        raise RateLimited(limit)


def _rate_count(client_ip: str) -> None:
    key = _rate_key(client_ip)
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS + 60)
    try:
        cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS + 60)


def credit_code_taken(credit_code: str) -> bool:
    """A live application or an existing partner already has this credit code."""
    code = normalise_credit_code(credit_code)
    return (
        PartnerApplication.objects.filter(credit_code=code, status__in=LIVE_STATUSES).exists()
        or Partner.objects.filter(credit_code=code).exists()
    )


def _duplicate_message() -> str:
    return _(
        "An application or a partner with this unified social credit code already exists; "
        "contact your channel manager if you need to change it."
    )


def _check_upload(kind: str, upload: UploadedFile) -> list[str]:
    try:
        validate_upload(upload, allowed=ATTACHMENT_TYPES[kind], max_bytes=MAX_UPLOAD_BYTES)
    except DjangoValidationError as error:
        return error.messages
    return []


def _store_attachment(application: PartnerApplication, kind: str, upload: UploadedFile):
    original = os.path.basename(upload.name or "file")[:200]
    extension = os.path.splitext(original)[1].lower()
    # A random stored name: nothing about the applicant's files can be guessed from a path.
    upload.name = f"{uuid.uuid4().hex}{extension}"
    return ApplicationAttachment.objects.create(
        application=application, kind=kind, file=upload, original_name=original, size=upload.size
    )


def _delete_files(names: list[str]) -> None:
    storage = ApplicationAttachment._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # pragma: no cover - an orphan file is harmless
            logger.warning("could not delete orphan upload %s", name)


def application_submit(
    *,
    data: Mapping[str, Any],
    files: Mapping[str, UploadedFile | None] | None = None,
    client_ip: str = "",
    require_licence: bool = True,
    actor: User | None = None,
) -> PartnerApplication:
    """A company applies to become a partner (public, no log-in).

    `data` holds APPLICATION_FIELDS (`region` a Region); `files` maps an attachment kind
    (licence, qualification, financial, other) to an upload. Raises RateLimited past the hourly
    limit of `client_ip`, ValidationError with field errors otherwise; writes nothing then.
    """
    application_rate_check(client_ip=client_ip)
    files = {kind: upload for kind, upload in (files or {}).items() if upload}
    errors: dict[str, list[str]] = {}
    values = {key: data[key] for key in APPLICATION_FIELDS if key in data}
    for key, value in values.items():
        if isinstance(value, str):
            values[key] = value.strip()
    values["credit_code"] = normalise_credit_code(values.get("credit_code", ""))
    application = PartnerApplication(**values)
    try:
        application.full_clean(exclude=["number"], validate_constraints=False)
    except DjangoValidationError as error:
        errors.update(error.message_dict)
    for kind, upload in files.items():
        if kind not in ATTACHMENT_TYPES:
            errors[kind] = [_("Unknown attachment type.")]
        elif problems := _check_upload(kind, upload):
            errors[kind] = problems
    if require_licence and Kind.LICENCE not in files:
        errors[Kind.LICENCE] = [_("Attach the business licence (PDF, JPG or PNG).")]
    if "credit_code" not in errors and credit_code_taken(application.credit_code):
        errors["credit_code"] = [_duplicate_message()]
    if errors:
        raise ValidationError(errors)
    stored: list[str] = []
    try:
        with transaction.atomic():
            application.number = next_number("SQ")
            application.save()
            for kind, upload in files.items():
                stored.append(_store_attachment(application, kind, upload).file.name)
            audit_created(actor=actor, obj=application, note=_("public application"))
    except IntegrityError:
        # Another submission with this credit code won the race (partial unique constraint).
        _delete_files(stored)
        raise ValidationError({"credit_code": [_duplicate_message()]}) from None
    _rate_count(client_ip)
    transaction.on_commit(lambda: _notify_new_application(application))
    return application


def application_attachment_add(
    *, application: PartnerApplication, kind: str, upload: UploadedFile
) -> ApplicationAttachment:
    """The applicant adds a file to an application that nobody reviews yet (API upload)."""
    if kind not in ATTACHMENT_TYPES:
        raise ValidationError({"kind": [_("Unknown attachment type.")]})
    if problems := _check_upload(kind, upload):
        raise ValidationError({"file": problems})
    with transaction.atomic():
        locked = PartnerApplication.objects.select_for_update().get(pk=application.pk)
        if locked.status != Status.SUBMITTED:
            raise ValidationError(
                _("Files can only be added before the review starts; contact your channel manager.")
            )
        if locked.attachments.count() >= MAX_ATTACHMENTS:
            raise ValidationError(
                {
                    "file": [
                        _("At most %(count)s files per application.") % {"count": MAX_ATTACHMENTS}
                    ]
                }
            )
        attachment = _store_attachment(locked, kind, upload)
        audit_record(
            actor=None,
            obj=locked,
            action=AuditEntry.Action.UPDATE,
            changes={"attachments": [None, attachment.original_name]},
            note=str(attachment.get_kind_display()),
        )
    return attachment


def _region_managers(region: Region) -> list[User]:
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


def _application_url(application: PartnerApplication) -> str:
    return reverse("partners:application-detail", args=[application.pk])


def _notify_new_application(application: PartnerApplication) -> None:
    recipients = _region_managers(application.region) or list(
        User.objects.filter(
            roles__code=Role.Code.DIRECTOR, is_active=True, partner__isnull=True
        ).distinct()
    )
    notify(
        recipients=recipients,
        title=gettext_lazy("New partner application: %(company)s"),
        body=gettext_lazy("%(number)s, %(region)s. Review it and assign a channel manager."),
        params={
            "company": application.company_name,
            "number": application.number,
            "region": application.region,
        },
        url=_application_url(application),
    )


# --- review ---------------------------------------------------------------------------------


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


def scorecard_active(kind: str = Scorecard.Kind.QUALIFICATION) -> Scorecard | None:
    return Scorecard.objects.filter(kind=kind, is_active=True).prefetch_related("criteria").first()


def _to_decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


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


def _approval_blockers(application: PartnerApplication) -> dict[str, list[str]]:
    """What would make the approval hook fail, checked before the approval starts."""
    problems: dict[str, list[str]] = {}
    if Partner.objects.filter(name=application.company_name).exists():
        problems["company_name"] = [_("A partner with this name already exists.")]
    if Partner.objects.filter(credit_code=application.credit_code).exists():
        problems["credit_code"] = [_duplicate_message()]
    if User.objects.filter(email__iexact=application.contact_email).exists():
        problems["contact_email"] = [
            _(
                "A user with this e-mail already exists; the partner admin needs an e-mail "
                "of their own."
            )
        ]
    return problems


def _open_approval(application: PartnerApplication) -> ApprovalRequest | None:
    return (
        ApprovalRequest.objects.filter(
            kind=QUALIFICATION,
            object_id=str(application.pk),
            content_type__app_label="partners",
            content_type__model="partnerapplication",
            status__in=[ApprovalRequest.Status.PENDING, ApprovalRequest.Status.RETURNED],
        )
        .order_by("-created_at", "-id")
        .first()
    )


def qualification_steps(application: PartnerApplication) -> list[StepSpec]:
    """The region's manager, then the channel director. A region without a manager goes
    straight to the director (nobody could decide the first step otherwise)."""
    steps = []
    if _region_managers(application.region):
        steps.append(
            StepSpec(name=gettext_lazy("Regional manager review"), role=Role.Code.REGIONAL_MANAGER)
        )
    steps.append(StepSpec(name=gettext_lazy("Channel director approval"), role=Role.Code.DIRECTOR))
    return steps


def application_submit_for_approval(
    *, actor: User, application: PartnerApplication
) -> ApprovalRequest:
    """reviewing → in_approval: start (or resubmit, after a return) the qualification approval."""
    _require_reviewer(actor, application)
    with transaction.atomic():
        locked = _locked(application)
        if locked.status != Status.REVIEWING:
            raise ValidationError(
                _("Only an application under review can be submitted for approval.")
            )
        errors: dict[str, list[str]] = {}
        if locked.total_score is None:
            errors["scores"] = [_("Score the application first.")]
        if locked.assignee_id is None and _is_channel_manager(actor):
            before = snapshot(locked)
            locked.assignee = actor
            locked.save()
            audit_updated(actor=actor, obj=locked, before=before)
        if locked.assignee_id is None:
            errors["assignee"] = [
                _("Assign a channel manager first: they will own the new partner.")
            ]
        errors.update(_approval_blockers(locked))
        if errors:
            raise ValidationError(errors)
        returned = _open_approval(locked)
        if returned is not None:
            if returned.requested_by_id != actor.pk:
                raise PermissionDenied(
                    _("%(name)s requested this approval; only they can resubmit it.")
                    % {"name": returned.requested_by}
                )
            approval = approval_resubmit(actor=actor, approval=returned)
        else:
            approval = approval_start(
                actor=actor,
                target=locked,
                kind=QUALIFICATION,
                title=_("Qualify partner %(company)s (%(number)s)")
                % {"company": locked.company_name, "number": locked.number},
                steps=qualification_steps(locked),
                payload={
                    "number": locked.number,
                    "total_score": str(locked.total_score),
                    "recommended_tier": locked.recommended_tier_id,
                },
            )
        _transition(locked, Status.IN_APPROVAL, actor=actor, note=f"#{approval.pk}")
    return approval


def application_review_resume(
    *, actor: User, application: PartnerApplication
) -> PartnerApplication:
    """in_approval → reviewing after the requester withdrew the approval (no hook runs then)."""
    _require_reviewer(actor, application)
    with transaction.atomic():
        locked = _locked(application)
        if locked.status != Status.IN_APPROVAL or _open_approval(locked) is not None:
            raise ValidationError(_("The approval of this application is still open."))
        _transition(locked, Status.REVIEWING, actor=actor, note=_("approval withdrawn"))
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


# --- approval hooks -------------------------------------------------------------------------


def _step_comment(approval: ApprovalRequest, status: str) -> str:
    step = approval.steps.filter(status=status).order_by("-order").first()
    return step.comment if step else ""


def _partner_code() -> str:
    code = next_number("P")
    while Partner.objects.filter(code=code).exists():  # a hand-made partner took it
        code = next_number("P")
    return code


USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")


def _free_username(application: PartnerApplication) -> str:
    base = USERNAME_UNSAFE.sub("", application.contact_email.split("@")[0].lower())[:140]
    base = base or application.number.lower()
    candidate, suffix = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


def _free_mobile(phone: str) -> str:
    phone = re.sub(r"[\s-]", "", phone or "")
    try:
        mobile_validator(phone)
    except DjangoValidationError:
        return ""
    return "" if User.objects.filter(mobile=phone).exists() else phone


def _partner_owner(application: PartnerApplication, actor: User) -> User:
    if _is_channel_manager(application.assignee):
        return application.assignee
    if _is_channel_manager(actor):
        return actor
    raise ValidationError(
        {
            "assignee": [
                _(
                    "The application has no active channel manager to own the partner; return "
                    "it so that one is assigned."
                )
            ]
        }
    )


def _partner_tier(application: PartnerApplication) -> Tier:
    tier = application.recommended_tier
    if tier is not None and tier.is_active:
        return tier
    lowest = Tier.objects.filter(is_active=True).order_by("rank", "code").first()
    if lowest is None:
        raise ValidationError(_("No tier is in use; ask a system admin to set up tiers."))
    return lowest


PROFILE_FIELDS = (
    "credit_code",
    "region",
    "contact_name",
    "contact_phone",
    "legal_representative",
    "address",
    "website",
    "business_scope",
    "registered_capital",
    "annual_revenue",
    "staff_count",
    "main_customers",
    "main_industries",
)


def application_approved(*, approval: ApprovalRequest, actor: User) -> Partner:
    """Approval hook (inside the deciding transaction): the partner, its archive and admin user."""
    application = (
        PartnerApplication.objects.select_for_update(of=("self",))
        .select_related("region", "assignee", "recommended_tier")
        .get(pk=approval.object_id)
    )
    if application.status != Status.IN_APPROVAL:
        raise ConflictError(
            _("This application is %(status)s already.")
            % {"status": application.get_status_display()}
        )
    if problems := _approval_blockers(application):
        raise ValidationError(problems)
    note = application.number
    partner = Partner(
        code=_partner_code(),
        name=application.company_name,
        status=Partner.Status.ACTIVE,
        tier=_partner_tier(application),
        owner=_partner_owner(application, actor),
        joined_on=timezone.localdate(),
        **{field: getattr(application, field) for field in PROFILE_FIELDS},
    )
    partner.save()
    audit_created(actor=actor, obj=partner, note=note)
    contact = PartnerContact.objects.create(
        partner=partner,
        name=application.contact_name,
        phone=application.contact_phone,
        email=application.contact_email,
        is_primary=True,
    )
    audit_created(actor=actor, obj=contact, note=note)
    for attachment in application.attachments.all():
        document = PartnerDocument(
            partner=partner,
            kind=DOCUMENT_KINDS.get(attachment.kind, PartnerDocument.Kind.OTHER),
            title=f"{attachment.get_kind_display()} · {attachment.original_name}"[:200],
            size=attachment.size,
            uploaded_by=actor,
        )
        document.file.name = attachment.file.name  # the same stored file, not a copy
        document.save()
        audit_created(actor=actor, obj=document, note=note)
    TierChange.objects.create(
        partner=partner,
        from_tier=None,
        to_tier=partner.tier,
        source=TierChange.Source.QUALIFICATION,
        reason=_("Qualification %(number)s, score %(score)s")
        % {"number": application.number, "score": application.total_score},
        status=TierChange.Status.APPROVED,
        requested_by=approval.requested_by,
        decided_at=timezone.now(),
    )
    user = User(
        username=_free_username(application),
        email=application.contact_email,
        mobile=_free_mobile(application.contact_phone),
        first_name=application.contact_name[:150],
        partner=partner,
        region=application.region,
    )
    user.set_unusable_password()  # the invitation link sets the password
    user.save()
    user.roles.set([Role.objects.get_or_create(code=Role.Code.PARTNER_ADMIN)[0]])
    audit_created(actor=actor, obj=user, note=_("partner admin, %(number)s") % {"number": note})
    application.partner = partner
    application.decision_note = _step_comment(approval, ApprovalStep.Status.APPROVED)
    _transition(application, Status.APPROVED, actor=actor, note=f"#{approval.pk}")
    # robust: a mail server that is down must not turn the committed decision into an error;
    # staff can send the invitation again from the application page.
    transaction.on_commit(lambda: invitation_send(user=user), robust=True)
    if application.assignee_id and application.assignee_id != actor.pk:
        transaction.on_commit(
            lambda: notify(
                recipients=[partner.owner],
                title=gettext_lazy("New partner in your care: %(name)s"),
                body=gettext_lazy("Qualified through %(number)s; its admin has been invited."),
                params={"name": partner.name, "number": note},
                url=partner.get_absolute_url(),
            )
        )
    return partner


def application_approval_rejected(*, approval: ApprovalRequest, actor: User) -> None:
    """Approval hook: the application is rejected with the approver's reason; the applicant
    gets it by e-mail."""
    application = PartnerApplication.objects.select_for_update().get(pk=approval.object_id)
    _reject(application, actor=actor, reason=_step_comment(approval, ApprovalStep.Status.REJECTED))


def application_approval_returned(*, approval: ApprovalRequest, actor: User) -> None:
    """Approval hook: back to review, so that reviewers can rescore or fix the assignee; the
    requester then submits again (which resubmits the same approval)."""
    application = PartnerApplication.objects.select_for_update().get(pk=approval.object_id)
    reason = _step_comment(approval, ApprovalStep.Status.RETURNED)
    _transition(application, Status.REVIEWING, actor=actor, note=reason[:200])


register_kind(
    ApprovalKind(
        code=QUALIFICATION,
        label=gettext_lazy("Partner qualification"),
        on_approved=lambda approval, actor: application_approved(approval=approval, actor=actor),
        on_rejected=lambda approval, actor: application_approval_rejected(
            approval=approval, actor=actor
        ),
        on_returned=lambda approval, actor: application_approval_returned(
            approval=approval, actor=actor
        ),
    )
)


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


# --- scorecards -----------------------------------------------------------------------------

CRITERION_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,29}$")


def scorecard_can_edit(user: User) -> bool:
    return bool(
        user.is_authenticated
        and not user.is_partner_user
        and (user.is_superuser or user.has_role(*SCORECARD_ROLES))
    )


def _criterion_in_use(criterion: ScorecardCriterion) -> bool:
    from ..models import EvaluationScore

    return (
        ApplicationScore.objects.filter(criterion=criterion).exists()
        or EvaluationScore.objects.filter(criterion=criterion).exists()
    )


def scorecard_criteria_save(
    *, actor: User, scorecard: Scorecard, rows: list[dict[str, Any]]
) -> list[ScorecardCriterion]:
    """Replace a scorecard's criteria: each row has code, name, weight, max_score, order and
    optionally `id` (an existing criterion) and `delete`. The kept weights must sum to 100; a
    criterion that has scores cannot be deleted."""
    if not scorecard_can_edit(actor):
        raise PermissionDenied(
            _("Only a system admin or the channel director can edit scorecards.")
        )
    existing = {c.pk: c for c in scorecard.criteria.all()}
    errors: dict[str, list[str]] = {}
    kept, deleted, codes = [], [], set()
    for index, row in enumerate(rows):
        criterion = existing.get(row.get("id")) if row.get("id") else None
        if row.get("id") and criterion is None:
            errors[f"rows.{index}"] = [_("This criterion belongs to another scorecard.")]
            continue
        if row.get("delete"):
            if criterion is not None:
                if _criterion_in_use(criterion):
                    errors[f"rows.{index}.delete"] = [
                        _("%(name)s has scores already and cannot be deleted.")
                        % {"name": criterion.name}
                    ]
                else:
                    deleted.append(criterion)
            continue
        code = (row.get("code") or "").strip()
        name = (row.get("name") or "").strip()
        weight = _to_decimal(row.get("weight"))
        max_score = row.get("max_score")
        if not CRITERION_CODE.match(code):
            errors[f"rows.{index}.code"] = [_("Use lower-case letters, digits, - or _.")]
        elif code in codes:
            errors[f"rows.{index}.code"] = [_("Each criterion needs its own code.")]
        codes.add(code)
        if not name:
            errors[f"rows.{index}.name"] = [_("Give the criterion a name.")]
        if weight is None or not (0 <= weight <= 100):
            errors[f"rows.{index}.weight"] = [_("A weight is from 0 to 100.")]
        if not isinstance(max_score, int) or max_score < 1:
            errors[f"rows.{index}.max_score"] = [_("The maximum score is at least 1.")]
        kept.append((criterion, row, code, name, weight, max_score))
    if not kept and not errors:
        errors["__all__"] = [_("A scorecard needs at least one criterion.")]
    total = sum((row[4] or Decimal(0) for row in kept), Decimal(0))
    if not errors and total != Decimal(100):
        errors["__all__"] = [
            _("The weights add up to %(total)s; they must add up to 100.") % {"total": total}
        ]
    if errors:
        raise ValidationError(errors)
    saved = []
    with transaction.atomic():
        for criterion in deleted:
            audit_record(
                actor=actor,
                obj=scorecard,
                action=AuditEntry.Action.UPDATE,
                changes={"criteria": [criterion.name, None]},
            )
            criterion.delete()
        # Free the codes first, so that two criteria may swap codes.
        for criterion, *_rest in kept:
            if criterion is not None:
                ScorecardCriterion.objects.filter(pk=criterion.pk).update(
                    code=f"~{criterion.pk}"[:30]
                )
        for criterion, row, code, name, weight, max_score in kept:
            target = criterion or ScorecardCriterion(scorecard=scorecard)
            before = snapshot(criterion) if criterion else None
            target.code, target.name, target.weight = code, name, weight
            target.max_score, target.order = max_score, int(row.get("order") or 0)
            target.save()
            if before is None:
                audit_created(actor=actor, obj=target, note=str(scorecard))
            else:
                audit_updated(actor=actor, obj=target, before=before, note=str(scorecard))
            saved.append(target)
    return saved
