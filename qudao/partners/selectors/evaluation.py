"""Reads of evaluations and rectifications, always through the data scope."""

from django.db.models import QuerySet

from qudao.core import scopes
from qudao.core.models import User

from ..models import PartnerEvaluation, Rectification


def evaluations_visible_to(user: User) -> QuerySet[PartnerEvaluation]:
    rows = PartnerEvaluation.objects.select_related(
        "partner", "partner__owner", "scorecard", "evaluator"
    )
    if user.is_partner_user:
        rows = rows.filter(status=PartnerEvaluation.Status.FINAL)
    return scopes.visible(rows, user)


def evaluation_get_for_user(user: User, pk: int) -> PartnerEvaluation:
    return evaluations_visible_to(user).get(pk=pk)


def evaluation_sheet(evaluation: PartnerEvaluation) -> list[dict]:
    """Each criterion of the scorecard with its score (None when not entered), in two queries."""
    scores = {s.criterion_id: s for s in evaluation.scores.all()}
    rows = []
    for criterion in evaluation.scorecard.criteria.all():
        score = scores.get(criterion.pk)
        rows.append(
            {
                "criterion": criterion,
                "score": score.score if score else None,
                "comment": score.comment if score else "",
                "weighted": (score.score / criterion.max_score * criterion.weight)
                if score
                else None,
            }
        )
    return rows


def rectifications_visible_to(user: User) -> QuerySet[Rectification]:
    return scopes.visible(
        Rectification.objects.select_related("partner", "evaluation", "created_by"), user
    )


def rectification_get_for_user(user: User, pk: int) -> Rectification:
    return rectifications_visible_to(user).get(pk=pk)
