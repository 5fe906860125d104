"""The partner approvals of the foundation: activating a prospect partner."""

from django.utils.translation import gettext_lazy as _

from qudao.core.services.approvals import ApprovalKind

ACTIVATION = "partner_activation"


def _on_activation_approved(approval, actor):
    from .services.partners import partner_activation_approved

    partner_activation_approved(approval=approval, actor=actor)


def _activation_panel(approval, viewer):
    from .selectors.approvals import activation_panel

    return activation_panel(approval, viewer)


# Registered in the app's ready() (core.hooks.approval_kind).
ACTIVATION_KIND = ApprovalKind(
    code=ACTIVATION,
    label=_("Partner activation"),
    on_approved=_on_activation_approved,
    panel=_activation_panel,
)
