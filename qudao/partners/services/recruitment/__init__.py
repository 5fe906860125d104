"""Recruitment (渠道招募) and qualification (资格认证/准入).

A company applies on the public page or through the API, without logging in (`submission`).
Vendor staff review the application and score it on the active qualification scorecard
(`review`, `scorecards`), then send it through the approval chain (the region's manager, then the
channel director). When the last step approves, the hook creates the partner with its archive and
its admin user, who is invited by e-mail to set a password (`approval`). A rejection mails the
applicant the reason.

States (PartnerApplication.Status) and the one map of allowed moves, `state.TRANSITIONS`:
submitted → reviewing → in_approval → approved; submitted/reviewing/in_approval → rejected;
in_approval → reviewing when the approval is returned, or withdrawn by its requester.

Importing this package registers the qualification ApprovalKind (in `approval`).
"""

from .approval import (
    DOCUMENT_KINDS,
    PROFILE_FIELDS,
    QUALIFICATION,
    USERNAME_UNSAFE,
    application_approval_rejected,
    application_approval_returned,
    application_approved,
    application_review_resume,
    application_submit_for_approval,
    qualification_steps,
)
from .review import (
    application_assign,
    application_invitation_resend,
    application_partner_admin,
    application_reject,
    application_review_start,
    application_score,
    score_total,
    tier_recommended,
)
from .scorecards import (
    CRITERION_CODE,
    scorecard_active,
    scorecard_can_edit,
    scorecard_criteria_save,
)
from .state import TRANSITIONS, application_can_review
from .submission import (
    APPLICATION_FIELDS,
    ATTACHMENT_TYPES,
    LIVE_STATUSES,
    MAX_ATTACHMENTS,
    MAX_UPLOAD_BYTES,
    RATE_WINDOW_SECONDS,
    RateLimited,
    application_attachment_add,
    application_rate_check,
    application_submit,
    credit_code_taken,
)

__all__ = [
    "APPLICATION_FIELDS",
    "ATTACHMENT_TYPES",
    "CRITERION_CODE",
    "DOCUMENT_KINDS",
    "LIVE_STATUSES",
    "MAX_ATTACHMENTS",
    "MAX_UPLOAD_BYTES",
    "PROFILE_FIELDS",
    "QUALIFICATION",
    "RATE_WINDOW_SECONDS",
    "TRANSITIONS",
    "USERNAME_UNSAFE",
    "RateLimited",
    "application_approval_rejected",
    "application_approval_returned",
    "application_approved",
    "application_assign",
    "application_attachment_add",
    "application_can_review",
    "application_invitation_resend",
    "application_partner_admin",
    "application_rate_check",
    "application_reject",
    "application_review_resume",
    "application_review_start",
    "application_score",
    "application_submit",
    "application_submit_for_approval",
    "credit_code_taken",
    "qualification_steps",
    "score_total",
    "scorecard_active",
    "scorecard_can_edit",
    "scorecard_criteria_save",
    "tier_recommended",
]
