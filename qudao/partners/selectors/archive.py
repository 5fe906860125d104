"""Reads of the partner archive (管理档案). The caller has fetched the partner through its
scope; every list here starts from the data scope again, with the joins it shows, so that
each tab costs the same few queries however many rows it has."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from qudao.core import scopes
from qudao.core.models import AuditEntry, User

from ..models import (
    Agreement,
    CreditApplication,
    Partner,
    PartnerContact,
    PartnerDocument,
    PartnerEvaluation,
    Rectification,
    TierChange,
)

TABS = (
    "overview",
    "contacts",
    "staff",
    "agreements",
    "tiers",
    "credit",
    "evaluations",
    "documents",
    "approvals",
    "history",
)


def contacts_of(user: User, partner: Partner) -> QuerySet[PartnerContact]:
    return scopes.visible(PartnerContact.objects.filter(partner=partner), user)


def contact_get_for_user(user: User, partner: Partner, pk: int) -> PartnerContact:
    return contacts_of(user, partner).get(pk=pk)


def staff_of(user: User, partner: Partner) -> QuerySet[User]:
    rows = User.objects.filter(partner=partner).prefetch_related("roles").order_by("username")
    return scopes.visible(rows, user)


def staff_get_for_user(user: User, partner: Partner, pk: int) -> User:
    return staff_of(user, partner).get(pk=pk)


def agreements_of(user: User, partner: Partner) -> QuerySet[Agreement]:
    return scopes.visible(
        Agreement.objects.filter(partner=partner).prefetch_related("product_lines"), user
    )


def tier_changes_of(user: User, partner: Partner) -> QuerySet[TierChange]:
    return scopes.visible(
        TierChange.objects.filter(partner=partner).select_related(
            "from_tier", "to_tier", "requested_by", "evaluation"
        ),
        user,
    )


def credit_applications_of(user: User, partner: Partner) -> QuerySet[CreditApplication]:
    return scopes.visible(
        CreditApplication.objects.filter(partner=partner).select_related("requested_by"), user
    )


def evaluations_of(user: User, partner: Partner) -> QuerySet[PartnerEvaluation]:
    """Partner users see only final evaluations of their own partner, never drafts."""
    rows = PartnerEvaluation.objects.filter(partner=partner).select_related(
        "scorecard", "evaluator"
    )
    if user.is_partner_user:
        rows = rows.filter(status=PartnerEvaluation.Status.FINAL)
    return scopes.visible(rows, user)


def rectifications_of(user: User, partner: Partner) -> QuerySet[Rectification]:
    return scopes.visible(
        Rectification.objects.filter(partner=partner).select_related("evaluation", "created_by"),
        user,
    )


def documents_of(user: User, partner: Partner) -> QuerySet[PartnerDocument]:
    return scopes.visible(
        PartnerDocument.objects.filter(partner=partner).select_related("uploaded_by"), user
    )


def document_get_for_user(user: User, pk: int) -> PartnerDocument:
    return scopes.visible(PartnerDocument.objects.select_related("partner"), user).get(pk=pk)


# Child rows whose history belongs in the partner's history.
HISTORY_CHILDREN = (
    PartnerContact,
    PartnerDocument,
    CreditApplication,
    PartnerEvaluation,
    Rectification,
    TierChange,
    Agreement,
    User,
)


def history_of(partner: Partner) -> QuerySet[AuditEntry]:
    """The partner's audit trail and that of everything in its archive, in one query."""
    content_type = ContentType.objects.get_for_model
    condition = Q(content_type=content_type(Partner), object_id=str(partner.pk))
    for model in HISTORY_CHILDREN:
        ids = model._default_manager.filter(partner=partner).values(pk_text=Cast("pk", CharField()))
        condition |= Q(content_type=content_type(model), object_id__in=ids)
    return AuditEntry.objects.select_related("actor", "content_type").filter(condition)
