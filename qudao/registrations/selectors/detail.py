"""What the detail page offers: the actions a user may take on a registration now, each from the
service's own predicate (`registration_can_*`), so a button is shown exactly when the service
would accept the action, and the approvals with their steps."""

from dataclasses import dataclass

from qudao.core import selectors as core_selectors
from qudao.core.models import ApprovalRequest, User
from qudao.core.services.approvals import approval_open

from ..models import Registration
from ..services import (
    EXTENSION,
    REVIEW,
    registration_can_decide,
    registration_can_edit,
    registration_can_extend,
    registration_can_submit,
    registration_can_update_progress,
    registration_close_outcomes,
)


@dataclass(frozen=True)
class Actions:
    """What `user` may do with one registration now (each flag is a service's predicate)."""

    edit: bool = False
    submit: bool = False
    progress: bool = False
    extend: bool = False
    extension_pending: bool = False
    close_outcomes: tuple[str, ...] = ()
    decide: bool = False
    approval: ApprovalRequest | None = None  # the open review, for its version


def registration_actions(user: User, registration: Registration) -> Actions:
    """The actions to offer on the detail page; a few small queries whatever the data size."""
    review = approval_open(registration, REVIEW) if registration.is_live else None
    decide = registration_can_decide(user, registration, review)
    can_extend = registration_can_extend(user, registration)
    extension = approval_open(registration, EXTENSION) if can_extend else None
    return Actions(
        edit=registration_can_edit(user, registration),
        submit=registration_can_submit(user, registration),
        progress=registration_can_update_progress(user, registration),
        extend=can_extend and extension is None,
        extension_pending=extension is not None,
        close_outcomes=registration_close_outcomes(user, registration, review),
        decide=decide,
        approval=review if review and review.status == ApprovalRequest.Status.PENDING else None,
    )


def approvals_with_steps(user: User, registration: Registration) -> list[ApprovalRequest]:
    """The registration's approvals (review, extensions) the user may see, with their steps."""
    return list(
        core_selectors.approvals_for_object(user, registration)
        .prefetch_related("steps__approver", "steps__decided_by")
        .order_by("-created_at", "-id")
    )
