"""The qualification approval: submitting a reviewed application, and the ApprovalKind whose
hooks create the partner with its archive (contact, documents, tier history) and its admin user,
who is invited by e-mail to set a password.

- The partner's owner is the application's assignee (a channel manager). Submitting for approval
  needs one (a channel manager who submits is assigned automatically); if the assignee is no
  longer a channel manager when the last step approves, the approving user is taken when they are
  one, otherwise the approval fails with a message.
- The partner code is ``next_number("P")`` (``P-2026-000001``), unique and gap-free.
- Archive documents point at the same stored files as the application's attachments (nothing is
  copied); they are recorded as uploaded by the approving user.
"""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import state
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, ApprovalStep, Role, User
from qudao.core.models.org import mobile_validator
from qudao.core.numbering import next_number
from qudao.core.services.approvals import (
    ApprovalKind,
    StepSpec,
    approval_resubmit,
    approval_start,
)
from qudao.core.services.audit import audit_created, audit_updated, snapshot
from qudao.core.services.invitations import invitation_send
from qudao.core.services.notifications import notify

from ...models import (
    ApplicationAttachment,
    Partner,
    PartnerApplication,
    PartnerContact,
    PartnerDocument,
    Tier,
    TierChange,
)
from ..common import approval_hook
from ..partners import PARTNER_FIELDS
from .state import (
    TRANSITIONS,
    application_locked,
    application_reject_locked,
    application_review_check,
    credit_code_duplicate_message,
    region_managers,
    user_is_channel_manager,
)
from .submission import APPLICATION_FIELDS

QUALIFICATION = "partner_qualification"
Status = PartnerApplication.Status
Kind = ApplicationAttachment.Kind

DOCUMENT_KINDS = {
    Kind.LICENCE: PartnerDocument.Kind.LICENCE,
    Kind.QUALIFICATION: PartnerDocument.Kind.CERTIFICATE,
}


def _approval_blockers(application: PartnerApplication) -> dict[str, list[str]]:
    """What would make the approval hook fail, checked before the approval starts."""
    problems: dict[str, list[str]] = {}
    if Partner.objects.filter(name=application.company_name).exists():
        problems["company_name"] = [_("A partner with this name already exists.")]
    if Partner.objects.filter(credit_code=application.credit_code).exists():
        problems["credit_code"] = [credit_code_duplicate_message()]
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
    if region_managers(application.region):
        steps.append(
            StepSpec(name=gettext_lazy("Regional manager review"), role=Role.Code.REGIONAL_MANAGER)
        )
    steps.append(StepSpec(name=gettext_lazy("Channel director approval"), role=Role.Code.DIRECTOR))
    return steps


def application_submit_for_approval(
    *, actor: User, application: PartnerApplication
) -> ApprovalRequest:
    """reviewing → in_approval: start (or resubmit, after a return) the qualification approval."""
    application_review_check(actor, application)
    with transaction.atomic():
        locked = application_locked(application)
        if locked.status != Status.REVIEWING:
            raise ValidationError(
                _("Only an application under review can be submitted for approval.")
            )
        errors: dict[str, list[str]] = {}
        if locked.total_score is None:
            errors["scores"] = [_("Score the application first.")]
        if locked.assignee_id is None and user_is_channel_manager(actor):
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
                title=gettext_lazy("Qualify partner %(company)s (%(number)s)"),
                title_params={"company": locked.company_name, "number": locked.number},
                steps=qualification_steps(locked),
                payload={
                    "number": locked.number,
                    "total_score": str(locked.total_score),
                    "recommended_tier": locked.recommended_tier_id,
                },
            )
        state.transition(
            locked, Status.IN_APPROVAL, TRANSITIONS, actor=actor, note=f"#{approval.pk}"
        )
    return approval


def application_review_resume(
    *, actor: User, application: PartnerApplication
) -> PartnerApplication:
    """in_approval → reviewing after the requester withdrew the approval (no hook runs then)."""
    application_review_check(actor, application)
    with transaction.atomic():
        locked = application_locked(application)
        if locked.status != Status.IN_APPROVAL or _open_approval(locked) is not None:
            raise ValidationError(_("The approval of this application is still open."))
        state.transition(
            locked, Status.REVIEWING, TRANSITIONS, actor=actor, note=_("approval withdrawn")
        )
    return locked


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
    if user_is_channel_manager(application.assignee):
        return application.assignee
    if user_is_channel_manager(actor):
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


# What the partner takes over from its application: the fields both have.
PROFILE_FIELDS = tuple(field for field in PARTNER_FIELDS if field in APPLICATION_FIELDS)


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
    state.transition(application, Status.APPROVED, TRANSITIONS, actor=actor, note=f"#{approval.pk}")
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
    application_reject_locked(
        application, actor=actor, reason=_step_comment(approval, ApprovalStep.Status.REJECTED)
    )


def application_approval_returned(*, approval: ApprovalRequest, actor: User) -> None:
    """Approval hook: back to review, so that reviewers can rescore or fix the assignee; the
    requester then submits again (which resubmits the same approval)."""
    application = PartnerApplication.objects.select_for_update().get(pk=approval.object_id)
    reason = _step_comment(approval, ApprovalStep.Status.RETURNED)
    state.transition(application, Status.REVIEWING, TRANSITIONS, actor=actor, note=reason[:200])


def _qualification_panel(approval, viewer):
    from ...selectors.approvals import qualification_panel

    return qualification_panel(approval, viewer)


# Registered in the app's ready() (core.hooks.approval_kind).
QUALIFICATION_KIND = ApprovalKind(
    code=QUALIFICATION,
    label=gettext_lazy("Partner qualification"),
    on_approved=approval_hook(application_approved),
    on_rejected=approval_hook(application_approval_rejected),
    on_returned=approval_hook(application_approval_returned),
    panel=_qualification_panel,
)
