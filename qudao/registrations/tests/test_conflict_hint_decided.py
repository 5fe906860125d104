"""Defect 6 of issue 18: a rejected registration still told the partner "将由渠道经理裁定保护哪一个
报备". The promise of a decision is shown only while the decision is pending."""

import pytest

from qudao.core.services.approvals import Decision

from .test_views_registrations import P2_CUSTOMER, in_english, register
from .test_views_review import decide, status_of

pytestmark = pytest.mark.django_db
PROMISE = "will decide which registration is protected"


def test_the_partner_is_promised_a_decision_only_while_it_is_pending(world, as_user):
    register(world, world.p1_user)
    second = register(world, world.p2_user, customer_name=P2_CUSTOMER, estimated_amount="1400000")
    partner = in_english(as_user(world.p2_user))

    pending = partner.get(f"/registrations/{second.pk}/").content.decode()
    assert 'data-testid="conflict-hint"' in pending
    assert PROMISE in pending

    decide(in_english(as_user(world.channel_mgr)), second, Decision.REJECT, comment="一号先报备")
    assert status_of(second) == "rejected"

    decided = partner.get(f"/registrations/{second.pk}/").content.decode()
    assert 'data-testid="conflict-hint"' in decided  # the level is still shown …
    assert 'data-level="none"' not in decided
    assert PROMISE not in decided  # … without a decision to come
    assert "registered by another partner as well" in decided


def test_the_chinese_page_of_a_rejected_registration_has_no_pending_decision(world, as_user):
    register(world, world.p1_user)
    second = register(world, world.p2_user, customer_name=P2_CUSTOMER, estimated_amount="1400000")
    decide(as_user(world.channel_mgr), second, Decision.REJECT, comment="一号先报备")

    html = as_user(world.p2_user).get(f"/registrations/{second.pk}/").content.decode()

    assert "将由渠道经理裁定" not in html
    assert "裁定" not in html
