"""Defect 3 of issue 18: a later, conflicting registration could be approved at the channel
manager's step with the override reason empty (only the last step asked for it). Every approving
step now needs the reason, on the registration page, on the approvals page and in the API;
without it nothing changes, with it the reason is recorded."""

import pytest

from qudao.core.models import ApprovalRequest, ApprovalStep, AuditEntry
from qudao.registrations.models import Registration
from qudao.registrations.tests.test_review_visibility import claim, cross_region, review
from qudao.registrations.tests.test_views_registrations import in_english

pytestmark = pytest.mark.django_db
S = Registration.Status
URL = "/api/v1/registrations"
REASON = "客户指定一号伙伴实施"
ZH_REFUSAL = "其他伙伴已先报备该客户：批准本报备须填写改判理由。"
EN_REFUSAL = "Another partner registered this customer first: give the override reason"


@pytest.fixture
def later(world) -> Registration:
    """Partner 3 approved first; partner 1's later registration of the same Shanghai customer
    waits for its channel manager, then for the east manager."""
    claim(world, world.p3, status=S.APPROVED)
    return cross_region(world)


def unchanged(registration: Registration, approval: ApprovalRequest) -> None:
    fresh = ApprovalRequest.objects.get(pk=approval.pk)
    assert fresh.version == approval.version and fresh.status == ApprovalRequest.Status.PENDING
    assert "override_reason" not in fresh.payload
    assert fresh.steps.get(order=0).status == ApprovalStep.Status.PENDING
    assert Registration.objects.get(pk=registration.pk).status == S.SUBMITTED


def test_the_first_step_on_the_registration_page_needs_the_reason(world, later, as_user):
    approval = review(later)
    url = f"/registrations/{later.pk}/decide/"
    client = as_user(world.channel_mgr)

    refused = client.post(url, {"decision": "approve", "version": approval.version})

    assert refused.status_code == 200
    assert "override_reason" in refused.context["decision_form"].errors
    assert ZH_REFUSAL in refused.content.decode()
    unchanged(later, approval)
    english = in_english(as_user(world.channel_mgr)).post(
        url, {"decision": "approve", "version": approval.version}
    )
    assert EN_REFUSAL in english.content.decode()
    unchanged(later, approval)

    done = client.post(
        url, {"decision": "approve", "version": approval.version, "override_reason": REASON}
    )

    assert done.status_code == 302
    fresh = review(later)
    assert fresh.steps.get(order=0).status == ApprovalStep.Status.APPROVED
    assert fresh.steps.get(order=1).status == ApprovalStep.Status.PENDING
    assert fresh.payload["override_reason"] == REASON


def test_every_step_on_the_approvals_page_needs_the_reason(world, later, as_user):
    approval = review(later)
    url = f"/approvals/{approval.pk}/"
    client = as_user(world.channel_mgr)

    # The page shows the registration with its conflict and asks for the override reason
    page = client.get(url)
    html = page.content.decode()
    assert 'data-testid="review-panel"' in html and 'data-testid="conflict-panel"' in html
    assert 'data-testid="review-override-needed"' in html
    assert "override_reason" in page.context["decision_form"].fields

    refused = client.post(url, {"action": "decide", "decision": "approve", "version": 1})
    english = in_english(as_user(world.channel_mgr)).post(
        url, {"action": "decide", "decision": "approve", "version": 1}
    )

    assert refused.status_code == english.status_code == 200
    assert "override_reason" in refused.context["decision_form"].errors
    assert ZH_REFUSAL in refused.content.decode()
    assert EN_REFUSAL in english.content.decode()
    unchanged(later, approval)

    first = client.post(
        url, {"action": "decide", "decision": "approve", "version": 1, "override_reason": REASON}
    )
    assert first.status_code == 302
    assert review(later).payload["override_reason"] == REASON

    # The east manager's step asks again: no reason, nothing changes
    east = as_user(world.east_manager)
    version = review(later).version
    again = east.post(url, {"action": "decide", "decision": "approve", "version": version})
    assert again.status_code == 200 and ZH_REFUSAL in again.content.decode()
    assert review(later).steps.get(order=1).status == ApprovalStep.Status.PENDING
    assert Registration.objects.get(pk=later.pk).status == S.SUBMITTED

    last = east.post(
        url,
        {
            "action": "decide",
            "decision": "approve",
            "version": version,
            "override_reason": "上海客户书面指定",
        },
    )
    assert last.status_code == 302
    assert Registration.objects.get(pk=later.pk).status == S.APPROVED
    assert review(later).payload["override_reason"] == "上海客户书面指定"
    approved = AuditEntry.objects.get(
        object_id=str(later.pk), changes__status=["submitted", "approved"]
    )
    assert "上海客户书面指定" in approved.note


def test_reject_and_return_do_not_ask_for_the_reason(world, later, as_user):
    approval = review(later)
    response = as_user(world.channel_mgr).post(
        f"/approvals/{approval.pk}/",
        {"action": "decide", "decision": "return", "comment": "请补充客户授权书", "version": 1},
    )
    assert response.status_code == 302
    assert Registration.objects.get(pk=later.pk).status == S.INFO_REQUESTED


def test_the_api_refuses_the_first_step_without_the_reason(world, later, as_api):
    api = as_api(world.channel_mgr)
    refused = api.post(f"{URL}/{later.pk}/approve", {}, content_type="application/json")
    assert refused.status_code == 422 and "override_reason" in refused.json()["errors"]
    unchanged(later, review(later))

    ok = api.post(
        f"{URL}/{later.pk}/approve", {"override_reason": REASON}, content_type="application/json"
    )
    assert ok.status_code == 200
    assert review(later).payload["override_reason"] == REASON


def test_without_a_conflict_no_reason_is_asked(world, as_user):
    registration = cross_region(world)
    approval = review(registration)
    client = as_user(world.channel_mgr)

    assert (
        "override_reason"
        not in client.get(f"/approvals/{approval.pk}/").context["decision_form"].fields
    )
    done = client.post(
        f"/approvals/{approval.pk}/", {"action": "decide", "decision": "approve", "version": 1}
    )
    assert done.status_code == 302
    assert review(registration).steps.get(order=0).status == ApprovalStep.Status.APPROVED


def test_the_core_approvals_api_asks_for_the_reason_too(world, later, as_api):
    approval = review(later)
    api = as_api(world.channel_mgr)
    url = f"/api/v1/approvals/{approval.pk}/approve"
    refused = api.post(url, {}, content_type="application/json")
    assert refused.status_code == 422 and "override_reason" in refused.json()["errors"]
    unchanged(later, review(later))

    ok = api.post(url, {"extra": {"override_reason": REASON}}, content_type="application/json")
    assert ok.status_code == 200
    assert review(later).payload["override_reason"] == REASON
