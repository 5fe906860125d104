"""The approvals page shows what a rebate statement's approval decides (issue 18, item 9): its
lines and its total, as money, for those who may see the statement."""

import pytest

from qudao.core.tests.factories import UserFactory
from qudao.performance.periods import Period
from qudao.performance.services import (
    facts_rebuild,
    rebate_policy_save,
    rebate_statement_compute,
    rebate_statement_submit,
)

from .factories import won_project

pytestmark = pytest.mark.django_db
BANDS = [{"min_attainment": "0", "max_attainment": "", "rebate_percent": "2"}]


@pytest.fixture
def submitted(world):
    rebate_policy_save(
        actor=world.hq,
        data={
            "code": "q-ctx",
            "name": "季度返利",
            "period_kind": "quarter",
            "bonus_per_new_customer": "5000",
        },
        bands=BANDS,
    )
    UserFactory(roles=["finance"])
    won_project(world.p1, amount="1000000")
    facts_rebuild()
    statement = rebate_statement_compute(
        actor=world.channel_mgr, partner=world.p1, period=Period.current("quarter")
    )
    return statement, rebate_statement_submit(actor=world.channel_mgr, statement=statement)


def test_the_approver_sees_the_statements_lines_and_total(
    world, submitted, as_user, django_assert_max_num_queries
):
    statement, approval = submitted

    with django_assert_max_num_queries(30):
        response = as_user(world.south_manager).get(f"/approvals/{approval.pk}/")

    html = response.content.decode()
    assert 'data-testid="rebate-panel"' in html
    assert html.index('data-testid="rebate-panel"') < html.index('name="decision"')
    lines = list(statement.lines.all())
    assert lines and all(f"¥{line.amount:,.2f}" in html for line in lines)
    assert f'data-testid="rebate-total">¥{statement.total_amount:,.2f}<' in html
    assert "返利合计" in html


def test_out_of_scope_users_get_no_rebate_panel(world, submitted):
    from qudao.performance.selectors.approvals import rebate_panel

    _statement, approval = submitted
    assert rebate_panel(approval, world.south_manager) is not None
    assert rebate_panel(approval, world.east_manager) is None
    assert rebate_panel(approval, world.p2_user) is None
