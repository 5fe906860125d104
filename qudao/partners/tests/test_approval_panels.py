"""The approvals page shows what a partner approval decides (issue 18, item 9): a credit
application beside the partner's current limit, usage and its tier's default; the other kinds a
compact summary. Only for those who may see the object; the list shows the amount."""

from decimal import Decimal

import pytest

from qudao.core.models import ApprovalRequest
from qudao.partners.services import partner_activation_submit
from qudao.partners.services.credit import credit_application_submit
from qudao.partners.tests.factories import tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def credit(world) -> ApprovalRequest:
    gold = tier("gold")
    gold.default_credit_limit = Decimal("800000")
    gold.save()
    world.p1.tier = gold
    world.p1.credit_limit = Decimal("200000")
    world.p1.credit_used = Decimal("150000")
    world.p1.save()
    application = credit_application_submit(
        actor=world.channel_mgr,
        partner=world.p1,
        data={"kind": "normal", "amount": "500000", "reason": "年底备货资金需求"},
    )
    return ApprovalRequest.objects.get(kind="credit_application", object_id=str(application.pk))


def test_the_credit_approver_sees_limit_usage_request_and_tier_default(
    world, credit, as_user, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        response = as_user(world.south_manager).get(f"/approvals/{credit.pk}/")

    html = response.content.decode()
    assert 'data-testid="credit-panel"' in html
    assert html.index('data-testid="credit-panel"') < html.index('name="decision"')
    for testid, money in (
        ("credit-requested", "¥500,000.00"),
        ("credit-current", "¥200,000.00"),
        ("credit-used", "¥150,000.00"),
        ("credit-tier-default", "¥800,000.00"),
    ):
        # the tile in 万 (a card), the exact amount on hover
        assert f'data-testid="{testid}" title="{money}">' in html
    assert "¥50.0 万" in html  # the requested 500,000
    assert "年底备货资金需求" in html


def test_out_of_scope_users_get_no_credit_panel(world, credit):
    from qudao.partners.selectors.approvals import credit_panel

    assert credit_panel(credit, world.south_manager) is not None
    assert credit_panel(credit, world.east_manager) is None
    assert credit_panel(credit, world.p2_user) is None


def test_the_list_shows_the_requested_amount(world, credit, as_user):
    html = as_user(world.south_manager).get("/approvals/").content.decode()
    assert "¥500,000.00" in html and "信用额度申请" in html


def test_an_activation_shows_a_compact_summary_of_the_partner(world, as_user):
    world.p2.status = "prospect"
    world.p2.save()
    approval = partner_activation_submit(actor=world.channel_mgr, partner=world.p2)

    html = as_user(world.south_manager).get(f"/approvals/{approval.pk}/").content.decode()

    assert 'data-testid="approval-summary"' in html
    assert world.p2.code in html and world.p2.get_absolute_url() in html
