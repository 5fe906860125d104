"""What the partners' approvals decide, for the approvals page (core.hooks.approval_kind's
`panel`): a credit application with the partner's limit, usage and its tier's default; a compact
summary of an agreement, a tier change, an exit, a qualification, an activation. Each read
through the viewer's scope (the module's `*_get_for_user`): outside it, no panel."""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _

from qudao.core.models import ApprovalRequest, User

from ..models import Agreement, Partner, PartnerApplication, TierChange
from .agreements import agreement_get_for_user
from .credit import credit_application_get_for_user, credit_summary
from .partners import partner_get_for_user
from .recruitment import application_get_for_user
from .tiers import tier_changes_visible_to

Panel = tuple[str, dict[str, Any]] | None
SUMMARY = "core/approvals/_summary.html"


def _get(getter, viewer: User, approval: ApprovalRequest):
    try:
        return getter(viewer, int(approval.object_id))
    except (ObjectDoesNotExist, ValueError):
        return None


def _label(model, name: str):
    return model._meta.get_field(name).verbose_name


def credit_panel(approval: ApprovalRequest, viewer: User) -> Panel:
    """The application beside the partner's credit today: its normal limit (which a normal
    application replaces), the special credit in force, what is used and available, and the
    default limit of the partner's tier."""
    application = _get(credit_application_get_for_user, viewer, approval)
    if application is None:
        return None
    partner = partner_get_for_user(viewer, application.partner_id)
    return "partners/approvals/_credit_panel.html", {
        "application": application,
        "partner": partner,
        "summary": credit_summary(partner),
        "tier": partner.tier,
    }


def agreement_panel(approval: ApprovalRequest, viewer: User) -> Panel:
    agreement = _get(agreement_get_for_user, viewer, approval)
    if agreement is None:
        return None
    rows = [
        {"label": _("Partner"), "value": agreement.partner},
        {"label": _label(Agreement, "start_date"), "value": agreement.start_date, "format": "date"},
        {"label": _label(Agreement, "end_date"), "value": agreement.end_date, "format": "date"},
        {
            "label": _label(Agreement, "annual_target"),
            "value": agreement.annual_target,
            "format": "money",
        },
        {
            "label": _label(Agreement, "territory"),
            "value": "、".join(str(region) for region in agreement.territory.all()),
        },
        {
            "label": _label(Agreement, "product_lines"),
            "value": "、".join(str(line) for line in agreement.product_lines.all()),
        },
        {"label": _label(Agreement, "rebate_policy"), "value": agreement.rebate_policy},
    ]
    return SUMMARY, {
        "rows": rows,
        "link": agreement.get_absolute_url(),
        "link_label": agreement.number,
    }


def tier_change_panel(approval: ApprovalRequest, viewer: User) -> Panel:
    change = _get(lambda user, pk: tier_changes_visible_to(user).get(pk=pk), viewer, approval)
    if change is None:
        return None
    rows = [
        {"label": _("Partner"), "value": change.partner},
        {"label": _label(TierChange, "from_tier"), "value": change.from_tier},
        {"label": _label(TierChange, "to_tier"), "value": change.to_tier},
        {"label": _label(TierChange, "source"), "value": change.get_source_display()},
    ]
    return SUMMARY, {
        "rows": rows,
        "note": change.reason,
        "link": change.get_absolute_url(),
        "link_label": str(change.partner),
    }


def _partner_rows(partner: Partner) -> list[dict]:
    return [
        {"label": _label(Partner, "code"), "value": partner.code},
        {"label": _label(Partner, "region"), "value": partner.region},
        {"label": _label(Partner, "tier"), "value": partner.tier},
        {"label": _label(Partner, "owner"), "value": partner.owner},
        {"label": _("Status"), "value": partner.get_status_display()},
    ]


def partner_exit_panel(approval: ApprovalRequest, viewer: User) -> Panel:
    partner = _get(partner_get_for_user, viewer, approval)
    if partner is None:
        return None
    return SUMMARY, {
        "rows": _partner_rows(partner),
        "note": (approval.payload or {}).get("reason", ""),
        "link": partner.get_absolute_url(),
        "link_label": partner.name,
    }


def activation_panel(approval: ApprovalRequest, viewer: User) -> Panel:
    partner = _get(partner_get_for_user, viewer, approval)
    if partner is None:
        return None
    return SUMMARY, {
        "rows": _partner_rows(partner),
        "link": partner.get_absolute_url(),
        "link_label": partner.name,
    }


def qualification_panel(approval: ApprovalRequest, viewer: User) -> Panel:
    application = _get(application_get_for_user, viewer, approval)
    if application is None:
        return None
    rows = [
        {"label": _label(PartnerApplication, "company_name"), "value": application.company_name},
        {"label": _label(PartnerApplication, "region"), "value": application.region},
        {
            "label": _label(PartnerApplication, "registered_capital"),
            "value": application.registered_capital,
            "format": "amount",
        },
        {
            "label": _label(PartnerApplication, "annual_revenue"),
            "value": application.annual_revenue,
            "format": "amount",
        },
        {"label": _label(PartnerApplication, "staff_count"), "value": application.staff_count},
        {"label": _label(PartnerApplication, "total_score"), "value": application.total_score},
        {
            "label": _label(PartnerApplication, "recommended_tier"),
            "value": application.recommended_tier,
        },
    ]
    return SUMMARY, {
        "rows": rows,
        "note": application.business_scope,
        "note_label": _label(PartnerApplication, "business_scope"),
        "link": application.get_absolute_url(),
        "link_label": application.number,
    }
