"""The demo registrations: made through the real use cases, every status present, and the
conflicting pairs the demo is meant to show are found by the conflict check."""

import pytest
from django.core.management import call_command

from qudao.core.models import ApprovalRequest, User
from qudao.registrations.models import CustomerKey, Registration
from qudao.registrations.selectors import conflicts_for_viewer

pytestmark = pytest.mark.django_db
S = Registration.Status


def test_demo_registrations_cover_the_statuses_and_show_conflicts():
    call_command("seed_demo", verbosity=0)
    count = Registration.objects.count()
    call_command("seed_demo", verbosity=0)  # a second run changes nothing

    assert Registration.objects.count() == count >= 20
    statuses = set(Registration.objects.values_list("status", flat=True))
    assert statuses >= {S.DRAFT, S.SUBMITTED, S.APPROVED, S.REJECTED, S.INFO_REQUESTED, S.WON}
    live = Registration.objects.filter(status__in=Registration.LIVE)
    assert CustomerKey.objects.filter(registration__in=live).count() >= 5 * live.count()
    assert ApprovalRequest.objects.filter(kind="registration_review", status="pending").exists()

    manager = User.objects.get(username="channel_mgr")
    second = Registration.objects.get(customer_name="腾云智能科技（深圳）有限公司")
    seen = conflicts_for_viewer(manager, second)
    first = Registration.objects.get(customer_name="深圳市腾云智能科技有限公司")
    assert seen["level"] in ("likely", "certain")
    assert [c["number"] for c in seen["candidates"]] == [first.number]
    assert first.status == S.APPROVED and second.status == S.SUBMITTED

    partner_view = conflicts_for_viewer(User.objects.get(username="p2_sales"), second)
    assert partner_view["level"] == seen["level"] and partner_view["candidates"] == []
