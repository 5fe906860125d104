"""Reads of recruitment and qualification, always through the data scope.

Partner users never see applications (the scope rule has no partner link); the region's manager
sees its region's, the assigned channel manager theirs, HQ all of them.
"""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from qudao.core import scopes
from qudao.core.models import ApprovalRequest, Region, Role, User
from qudao.core.paging import sort_by

from ..models import ApplicationAttachment, ApplicationScore, PartnerApplication, PartnerScorecard
from .common import filtered, in_region

SORTS = {
    "number": "number",
    "company": "company_name",
    "region": "region__sort_order",
    "status": "status",
    "score": "total_score",
    "submitted": "submitted_at",
}


def applications_visible_to(user: User) -> QuerySet[PartnerApplication]:
    return scopes.visible(
        PartnerApplication.objects.select_related(
            "region", "region__parent", "assignee", "recommended_tier"
        ),
        user,
    )


def application_get_for_user(user: User, pk: int) -> PartnerApplication:
    return applications_visible_to(user).get(pk=pk)


def applications_search(
    user: User,
    *,
    q: str = "",
    region: int | None = None,
    status: str = "",
    assignee: int | None = None,
    sort: str = "",
) -> tuple[QuerySet[PartnerApplication], str]:
    """The review queue with its filters; returns the rows and the sort key applied."""
    rows = applications_visible_to(user)
    if q:
        rows = rows.filter(
            Q(company_name__icontains=q)
            | Q(number__icontains=q)
            | Q(credit_code__icontains=q.upper())
            | Q(contact_name__icontains=q)
        )
    rows = filtered(in_region(rows, region), status=status, assignee_id=assignee)
    return sort_by(rows, sort, SORTS, "-submitted")


def application_attachment_get_for_user(
    user: User, application_pk: int, attachment_pk: int
) -> ApplicationAttachment:
    """An attachment of an application the user may see; anything else does not exist."""
    application = application_get_for_user(user, application_pk)
    return application.attachments.get(pk=attachment_pk)


def scorecard_for_kind(kind: str = PartnerScorecard.Kind.QUALIFICATION) -> PartnerScorecard | None:
    return PartnerScorecard.objects.filter(kind=kind, is_active=True).first()


def score_sheet(application: PartnerApplication, scorecard: PartnerScorecard | None) -> dict:
    """The scorecard as a table: one row per criterion, one column per reviewer, and each
    reviewer's weighted subtotal (0–100). Two queries."""
    if scorecard is None:
        return {"criteria": [], "reviewers": [], "rows": [], "subtotals": []}
    criteria = list(scorecard.criteria.all())
    scores = list(
        ApplicationScore.objects.filter(application=application, criterion__scorecard=scorecard)
        .select_related("reviewer")
        .order_by("reviewer__username")
    )
    reviewers: list[User] = []
    for score in scores:
        if score.reviewer not in reviewers:
            reviewers.append(score.reviewer)
    by_key = {(s.criterion_id, s.reviewer_id): s for s in scores}
    rows = [
        {
            "criterion": criterion,
            "cells": [by_key.get((criterion.pk, reviewer.pk)) for reviewer in reviewers],
        }
        for criterion in criteria
    ]
    subtotals = []
    for reviewer in reviewers:
        subtotal = Decimal(0)
        for criterion in criteria:
            score = by_key.get((criterion.pk, reviewer.pk))
            if score is not None:
                subtotal += score.score / criterion.max_score * criterion.weight
        subtotals.append(subtotal.quantize(Decimal("0.01")))
    return {"criteria": criteria, "reviewers": reviewers, "rows": rows, "subtotals": subtotals}


def application_my_scores(
    application: PartnerApplication, user: User
) -> dict[int, ApplicationScore]:
    return {
        score.criterion_id: score
        for score in ApplicationScore.objects.filter(application=application, reviewer=user)
    }


def application_approvals(user: User, application: PartnerApplication):
    """The application's approvals; the caller has already checked the user may see it."""
    return (
        ApprovalRequest.objects.filter(
            content_type=ContentType.objects.get_for_model(PartnerApplication),
            object_id=str(application.pk),
        )
        .select_related("requested_by")
        .order_by("-created_at", "-id")
    )


def channel_managers() -> QuerySet[User]:
    return (
        User.objects.filter(
            roles__code=Role.Code.CHANNEL_MANAGER, is_active=True, partner__isnull=True
        )
        .select_related("region")
        .distinct()
        .order_by("region__sort_order", "username")
    )


def regions_for_applicants() -> list[tuple[int, str]]:
    """Regions and their offices ("华南 / 深圳办事处") in display order, in one query."""
    nodes = list(Region.objects.order_by("sort_order", "code"))
    names = {node.pk: node.name for node in nodes}
    choices = []
    for region in (node for node in nodes if node.parent_id is None):
        choices.append((region.pk, region.name))
        choices.extend(
            (node.pk, f"{names[region.pk]} / {node.name}")
            for node in nodes
            if node.parent_id == region.pk
        )
    return choices
