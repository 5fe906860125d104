"""Rebate policies (bands never overlap) and statements: computed from the facts and the target,
reviewed through the approval chain, frozen once submitted — a later policy change never changes
an approved statement."""

from decimal import Decimal

import pytest

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest
from qudao.core.services.approvals import approval_decide
from qudao.core.tests.factories import UserFactory
from qudao.partners.models import PartnerDocument
from qudao.performance.models import RebatePolicy, RebateStatement
from qudao.performance.periods import Period
from qudao.performance.services import (
    facts_rebuild,
    rebate_policy_save,
    rebate_statement_compute,
    rebate_statement_issue,
    rebate_statement_submit,
    rebates_compute,
    target_create,
)

from .factories import won_project

pytestmark = pytest.mark.django_db
BANDS = [
    {"min_attainment": "0", "max_attainment": "80", "rebate_percent": "0"},
    {"min_attainment": "80", "max_attainment": "100", "rebate_percent": "2"},
    {"min_attainment": "100", "max_attainment": "", "rebate_percent": "3.5"},
]


def _policy(world, bands=BANDS, **data):
    return rebate_policy_save(
        actor=world.hq,
        data={
            "code": "q-rebate",
            "name": "季度返利",
            "period_kind": "quarter",
            "bonus_per_new_customer": "5000",
        }
        | data,
        bands=bands,
    )


@pytest.fixture
def quarter():
    return Period.current("quarter")


def test_overlapping_bands_are_refused_and_nothing_is_written(world):
    with pytest.raises(ValidationError) as error:
        _policy(
            world,
            bands=[
                {"min_attainment": "0", "max_attainment": "90", "rebate_percent": "1"},
                {"min_attainment": "80", "max_attainment": "", "rebate_percent": "2"},
            ],
        )
    assert "bands" in error.value.message_dict
    with pytest.raises(ValidationError):
        _policy(
            world,
            bands=[
                {"min_attainment": "0", "max_attainment": "", "rebate_percent": "1"},
                {"min_attainment": "100", "max_attainment": "", "rebate_percent": "2"},
            ],
        )
    with pytest.raises(ValidationError):
        _policy(
            world, bands=[{"min_attainment": "-5", "max_attainment": "", "rebate_percent": "101"}]
        )
    with pytest.raises(PermissionDenied):
        rebate_policy_save(actor=world.channel_mgr, data={"code": "x"}, bands=BANDS)
    assert not RebatePolicy.objects.exists()


def test_a_statement_is_computed_from_won_amount_attainment_and_bonuses(world, quarter):
    _policy(world, bonus_per_certification="1000")
    target_create(
        actor=world.hq,
        data={
            "unit_kind": "partner",
            "partner": world.p1,
            "metric": "won_amount",
            "period": quarter.label,
            "value": "200000",
        },
    )
    won_project(world.p1, amount="180000", customer="甲")  # 90 % → 2 %
    PartnerDocument.objects.create(
        partner=world.p1, kind="certificate", title="认证", file="x.pdf", uploaded_by=world.hq
    )
    facts_rebuild()

    statement = rebate_statement_compute(actor=world.channel_mgr, partner=world.p1, period=quarter)

    assert statement.attainment == Decimal("90.00") and statement.rebate_percent == 2
    amounts = {line.kind: line.amount for line in statement.lines.all()}
    assert amounts == {
        "rebate": Decimal("3600.00"),
        "new_customer": Decimal("5000.00"),
        "certification": Decimal("1000.00"),
    }
    assert statement.total_amount == Decimal("9600.00")
    assert statement.policy_snapshot["bands"][1]["rebate_percent"] == "2.00"
    with pytest.raises(PermissionDenied):
        rebate_statement_compute(actor=world.other_cm, partner=world.p1, period=quarter)


def test_an_approved_statement_never_changes_when_the_policy_does(world, quarter):
    policy = _policy(world)
    UserFactory(roles=["finance"])
    finance = UserFactory(roles=["finance"])
    won_project(world.p1, amount="100000")
    facts_rebuild()
    statement = rebate_statement_compute(actor=world.channel_mgr, partner=world.p1, period=quarter)
    before = (
        statement.total_amount,
        list(statement.lines.values_list("amount", flat=True)),
        statement.policy_snapshot,
    )

    approval = rebate_statement_submit(actor=world.channel_mgr, statement=statement)
    for actor in (world.south_manager, finance, world.hq):
        approval = approval_decide(actor=actor, approval=approval, decision="approve")
    assert approval.status == ApprovalRequest.Status.APPROVED
    rebate_policy_save(
        actor=world.hq,
        data={
            "code": "q-rebate",
            "name": "季度返利 v2",
            "period_kind": "quarter",
            "bonus_per_new_customer": "99999",
        },
        bands=[{"min_attainment": "0", "max_attainment": "", "rebate_percent": "50"}],
        policy=policy,
    )
    with pytest.raises(ConflictError):
        rebate_statement_compute(actor=world.channel_mgr, partner=world.p1, period=quarter)
    rebates_compute(period=quarter)

    statement.refresh_from_db()
    assert statement.status == RebateStatement.Status.APPROVED
    assert (
        statement.total_amount,
        list(statement.lines.values_list("amount", flat=True)),
        statement.policy_snapshot,
    ) == before
    issued = rebate_statement_issue(actor=finance, statement=statement)
    assert issued.status == RebateStatement.Status.ISSUED
    with pytest.raises(PermissionDenied):
        rebate_statement_issue(actor=world.channel_mgr, statement=statement)


def test_a_policy_change_recomputes_the_drafts(world, quarter):
    policy = _policy(world)
    won_project(world.p1, amount="100000", customer="甲")
    facts_rebuild()
    draft = rebate_statement_compute(actor=world.channel_mgr, partner=world.p1, period=quarter)
    assert draft.total_amount == Decimal("5000.00")

    rebate_policy_save(
        actor=world.hq,
        data={
            "code": "q-rebate",
            "name": "季度返利",
            "period_kind": "quarter",
            "bonus_per_new_customer": "7000",
        },
        bands=BANDS,
        policy=policy,
    )

    draft.refresh_from_db()
    assert draft.total_amount == Decimal("7000.00") and draft.policy_version == 2


def test_the_worker_computes_every_active_partner(world, quarter):
    _policy(world)
    won_project(world.p2, amount="100000")
    facts_rebuild()

    assert rebates_compute(period=quarter) == {"statements": 3, "frozen": 0}
    assert RebateStatement.objects.get(partner=world.p2).total_amount == Decimal("5000.00")
