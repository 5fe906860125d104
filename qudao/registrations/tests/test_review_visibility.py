"""Who decides can see: the customer region's manager, named on the second step of another
region's partner's registration, reads it (page and API) with its conflicts while that step
waits for them, and can give an override reason; nobody else gains anything."""

import pytest
from django.utils import timezone

from qudao.core.models import ApprovalRequest, ApprovalStep
from qudao.registrations import services
from qudao.registrations.models import Registration
from qudao.registrations.services import registration_decide
from qudao.registrations.tests.factories import RegistrationFactory
from qudao.registrations.tests.test_services_registration import submitted

pytestmark = pytest.mark.django_db
URL = "/api/v1/registrations"
CUSTOMER = "上海浦东发展集团有限公司"


def review(registration) -> ApprovalRequest:
    return ApprovalRequest.objects.get(kind=services.REVIEW, object_id=str(registration.pk))


def claim(world, partner, **fields) -> Registration:
    """Another partner's earlier claim of the Shanghai customer."""
    return RegistrationFactory(
        partner=partner,
        customer_name=CUSTOMER,
        customer_region=world.shanghai,
        customer_city="上海",
        submitted_at=timezone.now() - timezone.timedelta(days=3),
        **fields,
    )


def cross_region(world) -> Registration:
    """Partner 1 (Shenzhen) registers a Shanghai customer: its channel manager's step, then the
    east manager's."""
    registration = submitted(
        world, world.p1_user, customer_region=world.shanghai.pk, customer_name=CUSTOMER
    )
    steps = review(registration).steps.order_by("order")
    assert [step.approver for step in steps] == [world.channel_mgr, world.east_manager]
    return registration


def at_second_step(world, registration) -> Registration:
    registration_decide(
        actor=world.channel_mgr,
        registration=registration,
        decision="approve",
        comment="",
        override_reason="客户要求一号伙伴实施",
    )
    assert review(registration).steps.get(order=1).status == ApprovalStep.Status.PENDING
    return registration


def test_the_cross_region_reviewer_reads_the_registration_and_its_conflicts(world, as_user, as_api):
    # Given partner 3 (East China) claimed the customer first, and partner 1's registration now
    # waits for the east manager
    east_claim = claim(world, world.p3, status=Registration.Status.APPROVED)
    registration = cross_region(world)
    page_url, api_url = f"/registrations/{registration.pk}/", f"{URL}/{registration.pk}"
    # (before the step is theirs, it is not theirs to read)
    assert as_user(world.east_manager).get(page_url).status_code == 404
    assert as_api(world.east_manager).get(api_url).status_code == 404
    at_second_step(world, registration)

    # When the east manager opens it
    page = as_user(world.east_manager).get(page_url)
    detail = as_api(world.east_manager).get(api_url)
    conflicts = as_api(world.east_manager).get(f"{api_url}/conflicts")

    # Then they read it, its conflicts, and the decision form with the override reason
    assert page.status_code == 200
    assert page.context["actions"].decide
    assert page.context["needs_override"]
    assert 'data-testid="override"' in page.content.decode()
    assert [c["registration_id"] for c in page.context["candidates"]] == [east_claim.pk]
    assert detail.status_code == 200 and detail.json()["number"] == registration.number
    assert conflicts.status_code == 200
    assert [c["number"] for c in conflicts.json()["candidates"]] == [east_claim.number]
    # and it is in their review queue, as in their approvals inbox
    queue = as_user(world.east_manager).get("/registrations/review/").content.decode()
    assert f'data-number="{registration.number}"' in queue


def test_an_earlier_claim_outside_the_reviewers_scope_is_counted_and_asks_for_a_reason(
    world, as_user
):
    # Given partner 2 (Shenzhen, outside the east manager's scope) claimed the customer first
    claim(world, world.p2, status=Registration.Status.SUBMITTED)
    registration = at_second_step(world, cross_region(world))
    client = as_user(world.east_manager)

    page = client.get(f"/registrations/{registration.pk}/")

    # Then the claim is counted, not shown, and the override reason is asked for
    assert page.context["candidates"] == [] and page.context["conflicts"]["hidden"] == 1
    assert page.context["needs_override"]
    # and the decision with a reason is recorded; the decider, whose step is done, is taken
    # back to the review queue rather than to a page they may no longer read
    decided = client.post(
        f"/registrations/{registration.pk}/decide/",
        {
            "decision": "approve",
            "version": review(registration).version,
            "override_reason": "上海客户指定",
        },
    )
    assert decided.status_code == 302 and decided.url == "/registrations/review/"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED
    assert client.get(f"/registrations/{registration.pk}/").status_code == 404


def test_the_api_decision_of_the_last_step_answers_with_the_registration(world, as_api):
    registration = at_second_step(world, cross_region(world))

    response = as_api(world.east_manager).post(
        f"{URL}/{registration.pk}/approve", {}, content_type="application/json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == Registration.Status.APPROVED
    assert as_api(world.east_manager).get(f"{URL}/{registration.pk}").status_code == 404


def test_users_without_a_pending_step_still_get_404(world, as_user, as_api):
    registration = at_second_step(world, cross_region(world))

    for user in (world.other_cm, world.p2_user, world.pm):
        assert as_user(user).get(f"/registrations/{registration.pk}/").status_code == 404
        api = as_api(user)
        assert api.get(f"{URL}/{registration.pk}").status_code == 404
        assert api.get(f"{URL}/{registration.pk}/conflicts").status_code == 404
        listed = api.get(URL).json()["items"]
        assert registration.pk not in [row["id"] for row in listed]
    # The channel manager decided their step: they read it through their partner, as before.
    assert as_api(world.channel_mgr).get(f"{URL}/{registration.pk}").status_code == 200


def test_partner_2_never_reads_partner_1s_registration_even_when_named_on_a_step(world, as_api):
    # Given a step that (wrongly) names partner 2's user: the scope still hides partner 1's data
    registration = cross_region(world)
    review(registration).steps.filter(order=0).update(approver=world.p2_user)

    assert as_api(world.p2_user).get(f"{URL}/{registration.pk}").status_code == 404
