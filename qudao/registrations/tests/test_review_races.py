"""Two decisions of one review at the same moment: the loser is told it lost (409), whether or
not it sent the approval's version, never that it is no approver of the step the winner moved
the chain on to."""

import threading

import pytest
from django.db import close_old_connections, connection

from qudao.core.errors import ConflictError
from qudao.core.models import ApprovalEvent, ApprovalRequest, ApprovalStep
from qudao.registrations import services
from qudao.registrations.models import Registration
from qudao.registrations.services import registration_decide
from qudao.registrations.services import review as review_service
from qudao.registrations.tests.test_services_registration import submitted

URL = "/api/v1/registrations"


def review(registration) -> ApprovalRequest:
    return ApprovalRequest.objects.get(kind=services.REVIEW, object_id=str(registration.pk))


def both_read_first(monkeypatch, parties: int = 2) -> None:
    """Every decision reads the open review, then waits until all have read it: both act on
    the chain as it was, as two clicks a moment apart do."""
    barrier = threading.Barrier(parties)
    real = review_service.approval_open

    def read_then_wait(registration, kind):
        approval = real(registration, kind)
        barrier.wait(timeout=20)
        return approval

    monkeypatch.setattr(review_service, "approval_open", read_then_wait)


def in_threads(*calls) -> list:
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test compares
            results[index] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_api_approvals_without_version_give_200_and_409(world, as_api, monkeypatch):
    # Given a Shanghai customer of a Shenzhen partner: the channel manager's step, then the
    # east manager's; the channel manager's approval is sent twice at once, without a version
    registration = submitted(world, world.p1_user, customer_region=world.shanghai.pk)
    first, second = as_api(world.channel_mgr), as_api(world.channel_mgr)
    url = f"{URL}/{registration.pk}/approve"
    both_read_first(monkeypatch)

    # When both arrive together
    responses = in_threads(
        lambda: first.post(url, {}, content_type="application/json"),
        lambda: second.post(url, {}, content_type="application/json"),
    )

    # Then one is recorded and the other is told it lost the race
    assert sorted(r.status_code for r in responses) == [200, 409], [r.content for r in responses]
    [lost] = [r for r in responses if r.status_code == 409]
    assert lost.json()["code"] == "conflict"
    approval = review(registration)
    steps = list(approval.steps.order_by("order").values_list("status", flat=True))
    assert steps == [ApprovalStep.Status.APPROVED, ApprovalStep.Status.PENDING]
    assert ApprovalEvent.objects.filter(request=approval, action="approved").count() == 1
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_two_service_decisions_without_version_one_wins_one_conflicts(world, monkeypatch):
    registration = submitted(world, world.p1_user, customer_region=world.shanghai.pk)
    both_read_first(monkeypatch)

    def decide(decision, comment=""):
        return lambda: registration_decide(
            actor=world.channel_mgr,
            registration=Registration.objects.get(pk=registration.pk),
            decision=decision,
            comment=comment,
        )

    results = in_threads(decide("approve"), decide("return", "补充决策人"))

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ConflictError), results
    decided = ApprovalEvent.objects.filter(request=review(registration)).exclude(action="submitted")
    assert decided.count() == 1


def test_a_decision_after_the_chain_moved_on_is_a_409_not_a_403(world, monkeypatch):
    # Given the channel manager's page read the review before their own first click landed
    registration = submitted(world, world.p1_user, customer_region=world.shanghai.pk)
    seen = review(registration)
    registration_decide(
        actor=world.channel_mgr, registration=registration, decision="approve", comment=""
    )

    # When the second click arrives, read before the first one moved the chain on
    monkeypatch.setattr(review_service, "approval_open", lambda registration, kind: seen)
    with pytest.raises(ConflictError):
        registration_decide(
            actor=world.channel_mgr, registration=registration, decision="approve", comment=""
        )

    # Then nothing changed: the east manager's step still waits
    assert review(registration).steps.get(order=1).status == ApprovalStep.Status.PENDING
