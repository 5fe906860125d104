"""KPI schemes (weights add up to 100, rules valid) and scorecards computed from the facts,
targets and actions: linear with a cap, thresholds, manual scores kept on recompute, the warning
line raising an alert once, the partner's evaluation and a tier change through the partners app."""

from decimal import Decimal

import pytest

from qudao.core.errors import PermissionDenied, ValidationError
from qudao.partners.models import PartnerEvaluation, TierChange
from qudao.partners.models import PartnerScorecard as EvaluationCard
from qudao.partners.tests.factories import tier
from qudao.performance.models import Alert, KpiScheme, Scorecard
from qudao.performance.periods import Period
from qudao.performance.services import (
    facts_rebuild,
    scorecard_feed_evaluation,
    scorecard_manual_score_set,
    scorecard_recompute,
    scorecard_tier_change_propose,
    scorecards_compute,
    target_create,
)

from .factories import registration, scheme, won_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarter():
    return Period.current("quarter")


def _target(world, partner, metric, value, quarter):
    return target_create(
        actor=world.hq,
        data={
            "unit_kind": "partner",
            "partner": partner,
            "metric": metric,
            "period": quarter.label,
            "value": value,
        },
    )


def test_weights_must_add_up_to_100_and_nothing_is_written(world):
    with pytest.raises(ValidationError) as error:
        scheme(
            world.hq,
            lines=[
                {"metric": "won_amount", "weight": "60", "rule": "linear"},
                {"metric": "registrations", "weight": "30", "rule": "linear"},
            ],
        )
    assert "lines" in error.value.message_dict
    assert "90" in error.value.message_dict["lines"][0]
    assert not KpiScheme.objects.exists()


@pytest.mark.parametrize(
    "line",
    [
        {"metric": "won_amount", "weight": "100", "rule": "manual"},
        {
            "metric": "won_amount",
            "weight": "100",
            "rule": "threshold",
            "thresholds": "100:50, 80:60",
        },
        {"metric": "won_amount", "weight": "100", "rule": "linear", "cap": "90"},
        {"metric": "nonsense", "weight": "100", "rule": "linear"},
        {"metric": "manual", "weight": "100", "rule": "manual"},  # no name
    ],
)
def test_invalid_scoring_rules_are_refused(world, line):
    with pytest.raises(ValidationError):
        scheme(world.hq, lines=[line])
    assert not KpiScheme.objects.exists()


def test_only_hq_keeps_schemes(world):
    with pytest.raises(PermissionDenied):
        scheme(world.south_manager)


def test_scorecards_score_linear_with_cap_thresholds_and_manual(world, quarter):
    scheme(world.hq)
    _target(world, world.p1, "won_amount", "100000", quarter)
    _target(world, world.p1, "registrations", "4", quarter)
    won_project(world.p1, amount="150000")  # 150% → capped at 120 points
    for _ in range(2):
        registration(world.p1)  # 2 of 4 → 50% → 50 points
    facts_rebuild()

    counts = scorecards_compute(period=quarter)

    card = Scorecard.objects.get(partner=world.p1)
    lines = {line.metric: line for line in card.lines.all()}
    assert lines["won_amount"].attainment == Decimal("150.00") and lines["won_amount"].score == 120
    assert lines["registrations"].score == 50
    assert lines["manual"].needs_manual_score
    # 120 × 60% + 50 × 20% + 0 = 82
    assert card.total_score == Decimal("82.00") and not card.below_warning
    assert counts["scorecards"] == 3  # p1, p2, p3 are active partners


def test_below_the_line_raises_one_alert_and_a_manual_score_survives_recompute(world, quarter):
    scheme(world.hq)
    facts_rebuild()
    scorecards_compute(period=quarter)
    card = Scorecard.objects.get(partner=world.p2)
    assert card.below_warning and card.total_score == 0
    assert Alert.objects.filter(scorecard=card, kind="below_line").count() == 1

    manual = card.lines.get(metric="manual")
    card = scorecard_manual_score_set(
        actor=world.channel_mgr, scorecard=card, line=manual, score="80", note="配合积极"
    )
    assert card.total_score == Decimal("16.00")
    scorecards_compute(period=quarter)
    card = scorecard_recompute(actor=world.channel_mgr, scorecard=card)

    assert card.lines.get(metric="manual").manual_score == 80 and card.total_score == Decimal(
        "16.00"
    )
    assert Alert.objects.filter(scorecard=card).count() == 1


def test_manual_scores_are_checked_and_scoped(world, quarter):
    scheme(world.hq)
    scorecards_compute(period=quarter)
    card = Scorecard.objects.get(partner=world.p1)
    manual = card.lines.get(metric="manual")

    with pytest.raises(ValidationError):
        scorecard_manual_score_set(
            actor=world.channel_mgr, scorecard=card, line=manual, score="101"
        )
    with pytest.raises(PermissionDenied):
        scorecard_manual_score_set(actor=world.other_cm, scorecard=card, line=manual, score="50")
    with pytest.raises(PermissionDenied):
        scorecard_manual_score_set(actor=world.p1_admin, scorecard=card, line=manual, score="50")
    assert card.lines.get(metric="manual").manual_score is None


def test_a_tier_scheme_applies_to_its_tier_and_the_general_one_to_the_rest(world, quarter):
    tier("gold")
    world.p3.tier_id = "gold"
    world.p3.save()
    scheme(world.hq)
    scheme(
        world.hq,
        code="gold-q",
        tier="gold",
        lines=[{"metric": "won_amount", "weight": "100", "rule": "linear"}],
    )

    scorecards_compute(period=quarter)

    assert Scorecard.objects.get(partner=world.p3).scheme.code == "gold-q"
    assert Scorecard.objects.get(partner=world.p1).scheme.code == "partner-q"


def test_a_scorecard_feeds_the_partners_evaluation_and_proposes_a_tier_change(world, quarter):
    card_scheme = EvaluationCard.objects.filter(kind="evaluation", is_active=True).first()
    card_scheme = card_scheme or EvaluationCard.objects.create(
        code="eval", name="考评", kind="evaluation"
    )
    card_scheme.criteria.create(code="won_amount", name="销售额", weight=10, max_score=10)
    scheme(world.hq)
    _target(world, world.p1, "won_amount", "100000", quarter)
    won_project(world.p1, amount="80000")
    facts_rebuild()
    scorecards_compute(period=quarter)
    card = Scorecard.objects.get(partner=world.p1)

    evaluation = scorecard_feed_evaluation(actor=world.channel_mgr, scorecard=card)

    assert (
        evaluation.status == PartnerEvaluation.Status.DRAFT and evaluation.period == quarter.label
    )
    assert evaluation.scores.get(criterion__code="won_amount").score == Decimal(
        "8.00"
    )  # 80 points of 100 → 8 of 10
    card.refresh_from_db()
    assert card.evaluation == evaluation
    tier("gold")
    from qudao.partners.models import Tier

    change = scorecard_tier_change_propose(
        actor=world.channel_mgr,
        scorecard=card,
        to_tier=Tier.objects.get(code="gold"),
        reason="考核优秀",
    )
    assert change.status == TierChange.Status.PENDING and change.partner == world.p1
    card.refresh_from_db()
    assert card.tier_change == change
