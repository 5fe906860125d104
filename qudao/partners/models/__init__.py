from .agreements import Agreement
from .credit import CreditApplication
from .evaluation import EvaluationScore, PartnerEvaluation, Rectification
from .partner import Partner, PartnerContact, PartnerDocument
from .recruitment import ApplicationAttachment, ApplicationScore, PartnerApplication
from .scorecards import PartnerScorecard, ScorecardCriterion
from .tiers import Tier, TierChange

__all__ = [
    "Agreement",
    "ApplicationAttachment",
    "ApplicationScore",
    "CreditApplication",
    "EvaluationScore",
    "Partner",
    "PartnerApplication",
    "PartnerContact",
    "PartnerDocument",
    "PartnerEvaluation",
    "Rectification",
    "PartnerScorecard",
    "ScorecardCriterion",
    "Tier",
    "TierChange",
]
