"""The reviewer's side of the registration pages: the review queue (levels from the approval
payload, both sides of a conflict), deciding on the detail page (approve, override, reject,
request information, a stale version), and the home-page counters."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qudao.core.models import ApprovalRequest
from qudao.core.services.approvals import Decision, approval_decide
from qudao.registrations.models import Registration
from qudao.registrations.services import registration_submit
from qudao.registrations.tests.factories import RegistrationFactory

from .test_views_registrations import P2_CUSTOMER, in_english, posted, register, review_of

pytestmark = pytest.mark.django_db
S = Registration.Status
TODAY = timezone.localdate


@pytest.fixture
def pair(world):
    """Partner 1 registers a customer first, partner 2 the same one spelled differently."""
    first = register(world, world.p1_user)
    second = register(world, world.p2_user, customer_name=P2_CUSTOMER, estimated_amount="1400000")
    return first, second


def decide(client, registration, decision, **extra):
    data = {"decision": decision, "version": review_of(registration).version} | extra
    return client.post(f"/registrations/{registration.pk}/decide/", data)


def status_of(registration) -> str:
    registration.refresh_from_db()
    return registration.status


# --- queue ---------------------------------------------------------------------------------------


def test_the_queue_shows_both_sides_of_a_conflict_with_the_level_from_submit(world, as_user, pair):
    first, second = pair
    unrelated = register(world, world.p1_user, customer_name="拉萨高原牧业有限公司")

    html = as_user(world.channel_mgr).get("/registrations/review/").content.decode()

    for registration in (first, second, unrelated):
        assert f'data-number="{registration.number}"' in html
    row_of_second = html[html.index(f'data-number="{second.number}"') :]
    assert 'data-level="none"' not in row_of_second[:200]
    assert f'data-number="{unrelated.number}" data-level="none"' in html
    assert html.count(f"/registrations/{first.pk}/") >= 2  # its own row and second's conflict
    assert html.count(f"/registrations/{second.pk}/") >= 2


def test_the_queue_filters_by_level_and_partner(world, as_user, pair):
    first, second = pair
    unrelated = register(world, world.p1_user, customer_name="拉萨高原牧业有限公司")
    client = as_user(world.channel_mgr)

    def numbers(query):
        html = client.get(f"/registrations/review/?{query}").content.decode()
        return {r.number for r in (first, second, unrelated) if f'data-number="{r.number}"' in html}

    assert numbers("level=conflict") == {first.number, second.number}
    assert numbers("level=none") == {unrelated.number}
    assert numbers("partner=二号") == {second.number}
    assert numbers("q=牧业") == {unrelated.number}


def test_the_queue_holds_only_what_waits_for_this_reviewer(world, as_user, pair):
    first, _second = pair
    decide(as_user(world.channel_mgr), first, Decision.APPROVE)

    mine = as_user(world.channel_mgr).get("/registrations/review/").content.decode()
    other = as_user(world.other_cm).get("/registrations/review/").content.decode()

    assert f'data-number="{first.number}"' not in mine
    assert 'data-testid="review-row"' not in other
    assert as_user(world.p1_user).get("/registrations/review/").status_code == 403


# --- decisions -----------------------------------------------------------------------------------


def test_the_channel_manager_approves_the_first_registration(world, as_user, pair):
    first, _second = pair
    client = as_user(world.channel_mgr)

    page = client.get(f"/registrations/{first.pk}/").content.decode()
    response = decide(client, first, Decision.APPROVE)

    assert 'data-testid="override"' not in page  # first in: nothing to override
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == S.APPROVED
    assert first.protection_until > TODAY()
    assert 'data-testid="protection"' in client.get(f"/registrations/{first.pk}/").content.decode()


def test_approving_the_later_claim_needs_an_override_reason(world, as_user, pair):
    _first, second = pair
    client = in_english(as_user(world.channel_mgr))

    refused = client.post(
        f"/registrations/{second.pk}/decide/",
        {"decision": "approve", "version": review_of(second).version},
        follow=True,
    )
    assert "Another partner registered this customer first" in refused.content.decode()
    assert status_of(second) == S.SUBMITTED
    assert review_of(second).status == ApprovalRequest.Status.PENDING

    approved = decide(client, second, Decision.APPROVE, override_reason="客户指定二号伙伴实施")
    assert approved.status_code == 302
    assert status_of(second) == S.APPROVED


def test_reject_needs_a_reason_and_then_rejects(world, as_user, pair):
    _first, second = pair
    client = in_english(as_user(world.channel_mgr))

    empty = decide(client, second, Decision.REJECT)
    assert "Give a reason when you reject or return." in empty.content.decode()
    assert status_of(second) == S.SUBMITTED

    decide(client, second, Decision.REJECT, comment="一号伙伴先报备")
    assert status_of(second) == S.REJECTED
    assert review_of(second).status == ApprovalRequest.Status.REJECTED


def test_request_information_sends_it_back_to_the_partner_who_can_edit_it(world, as_user, pair):
    first, _second = pair

    decide(as_user(world.channel_mgr), first, Decision.RETURN, comment="请补充决策人")

    assert status_of(first) == S.INFO_REQUESTED
    page = as_user(world.p1_user).get(f"/registrations/{first.pk}/").content.decode()
    assert 'data-testid="edit"' in page and 'data-testid="submit"' in page


def test_the_partner_completes_and_resubmits_through_the_form(world, as_user, pair):
    first, _second = pair
    decide(as_user(world.channel_mgr), first, Decision.RETURN, comment="请补充决策人")
    data = posted(world, action="submit", decision_makers="信息中心王主任")

    response = as_user(world.p1_user).post(f"/registrations/{first.pk}/edit/", data)

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == S.SUBMITTED
    assert first.decision_makers == "信息中心王主任"
    assert review_of(first).status == ApprovalRequest.Status.PENDING
    assert ApprovalRequest.objects.filter(object_id=str(first.pk)).count() == 1


def test_a_stale_version_changes_nothing_and_says_why(world, as_user, pair):
    first, _second = pair
    client = in_english(as_user(world.channel_mgr))
    seen = review_of(first).version  # the page was opened here
    # Meanwhile the manager asked for information from another tab and partner 1 resubmitted.
    approval_decide(
        actor=world.channel_mgr,
        approval=review_of(first),
        decision=Decision.RETURN,
        comment="请补充",
    )
    registration_submit(actor=world.p1_user, registration=first)
    current = review_of(first).version

    response = client.post(
        f"/registrations/{first.pk}/decide/",
        {"decision": "approve", "version": seen},
        follow=True,
    )

    assert "Someone else has acted on this approval meanwhile" in response.content.decode()
    assert status_of(first) == S.SUBMITTED
    assert review_of(first).version == current


def test_only_the_current_approver_decides(world, as_user, pair):
    first, _second = pair

    partner = decide(as_user(world.p1_user), first, Decision.APPROVE)
    other = decide(as_user(world.hq), first, Decision.APPROVE)
    page = as_user(world.hq).get(f"/registrations/{first.pk}/").content.decode()

    assert partner.status_code == 403
    assert other.status_code == 403
    assert 'data-testid="decision-card"' not in page
    assert status_of(first) == S.SUBMITTED


# --- home ----------------------------------------------------------------------------------------


def test_home_cards_for_the_manager_and_the_partner(world, as_user, pair):
    first, _second = pair
    RegistrationFactory(
        partner=world.p1,
        status=S.APPROVED,
        protection_until=TODAY() + datetime.timedelta(days=2),
    )
    decide(as_user(world.channel_mgr), first, Decision.RETURN, comment="请补充")

    manager = in_english(as_user(world.channel_mgr)).get("/").content.decode()
    partner = in_english(as_user(world.p1_user)).get("/").content.decode()

    assert "Registrations waiting for my review" in manager
    assert "/registrations/review/" in manager
    assert "/registrations/?conflicts=on" in manager
    assert "/registrations/?expiring=on" in manager
    assert "Registrations waiting for my review" not in partner
    assert "/registrations/?status=info_requested" in partner
    assert "/registrations/?status=submitted" in partner
    assert "/registrations/?expiring=on" in partner


def test_the_conflicts_card_links_to_the_registrations_it_counts(world, as_user, pair):
    first, second = pair
    register(world, world.p1_user, customer_name="拉萨高原牧业有限公司")
    client = as_user(world.channel_mgr)

    html = client.get("/registrations/?conflicts=on").content.decode()

    # Partner 2's check at submit found partner 1's, and recorded itself on partner 1's review.
    assert second.number in html
    assert first.number in html
    assert "拉萨高原牧业" not in html


# --- query counts --------------------------------------------------------------------------------


def _queue_of(world, count):
    """`count` registrations waiting for the channel manager, every second one conflicting."""
    for index in range(count):
        user = world.p1_user if index % 2 == 0 else world.p2_user
        register(
            world,
            user,
            customer_name=f"深圳市星河{index // 2}号数据科技有限公司",
            project_name=f"机房扩容{index}期",
        )


@pytest.mark.parametrize("count", [3, 30])
def test_review_queue_query_count_does_not_grow_with_rows(
    world, as_user, django_assert_max_num_queries, count
):
    _queue_of(world, count)
    client = as_user(world.channel_mgr)

    with django_assert_max_num_queries(12):
        response = client.get("/registrations/review/")

    assert response.status_code == 200
    assert response.content.decode().count('data-testid="review-row"') == min(count, 20)


def test_home_query_count_does_not_grow_with_rows(world, as_user):
    """The home page shows every module's cards, so the bound is relative: the registrations
    cards must cost the same with 3 and with 30 registrations."""

    def home_queries(user) -> int:
        client = as_user(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured.captured_queries)

    _queue_of(world, 3)
    few = {user: home_queries(user) for user in (world.channel_mgr, world.p1_user)}
    _queue_of(world, 30)
    many = {user: home_queries(user) for user in (world.channel_mgr, world.p1_user)}
    assert many == few
