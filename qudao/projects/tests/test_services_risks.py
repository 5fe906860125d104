"""Risks (level from probability × impact) and issues (resolved with a resolution)."""

import pytest

from qudao.core.errors import ValidationError
from qudao.projects.models import Risk
from qudao.projects.services import risks as risk_services
from qudao.projects.tests.helpers import fresh, running_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(world):
    return running_project(world)


@pytest.mark.parametrize(
    "probability, impact, level", [(1, 1, "low"), (2, 3, "low"), (2, 4, "medium"), (3, 5, "high")]
)
def test_a_risks_level_follows_its_score(world, running, probability, impact, level):
    risk = risk_services.risk_create(
        actor=world.pm,
        project=running,
        data={"title": "客户预算推迟", "probability": probability, "impact": impact},
    )
    assert (risk.score, risk.level) == (probability * impact, level)


def test_changing_a_risk_rederives_its_level_and_closing_it_records_when(world, running):
    risk = risk_services.risk_create(
        actor=world.pm,
        project=running,
        data={"title": "竞争对手降价", "probability": 2, "impact": 2},
    )
    risk = risk_services.risk_update(
        actor=world.pm,
        risk=risk,
        data={"probability": 5, "impact": 4, "response": "提前锁定价格", "status": "mitigating"},
    )
    assert risk.level == "high" and risk.closed_at is None
    risk = risk_services.risk_update(actor=world.pm, risk=risk, data={"status": "closed"})
    assert risk.closed_at is not None


@pytest.mark.parametrize("value", [0, 6, "high", "", None, 2.5])
def test_probability_and_impact_are_one_to_five(world, running, value):
    with pytest.raises(ValidationError) as error:
        risk_services.risk_create(
            actor=world.pm, project=running, data={"title": "x", "probability": value, "impact": 3}
        )
    assert "probability" in error.value.message_dict
    assert not Risk.objects.exists()


def test_resolving_an_issue_needs_its_resolution(world, running):
    issue = risk_services.issue_create(
        actor=world.pm, project=running, data={"title": "到货延迟", "priority": "high"}
    )
    with pytest.raises(ValidationError) as error:
        risk_services.issue_update(actor=world.pm, issue=issue, data={"status": "resolved"})
    assert "resolution" in error.value.message_dict
    assert fresh(issue).status == "open"
    resolved = risk_services.issue_update(
        actor=world.pm, issue=issue, data={"status": "resolved", "resolution": "更换物流"}
    )
    assert resolved.resolved_at is not None
