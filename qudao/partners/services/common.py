"""What the partners services share."""

from collections.abc import Callable

from qudao.core.models import ApprovalRequest, User


def approval_hook(service: Callable[..., None]) -> Callable[[ApprovalRequest, User], None]:
    """An ApprovalKind hook (called with the approval and the deciding user) that runs the
    keyword-only decision service `service(approval=, actor=)`."""
    return lambda approval, actor: service(approval=approval, actor=actor)
