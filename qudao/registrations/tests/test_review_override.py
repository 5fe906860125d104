"""One claim per customer: approving a later registration of a customer with an override reason
ends the earlier approved claim in the same transaction (expired, the reason in its history,
both partners told what they may know), one after the other or racing."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from qudao.core.errors import ConflictError, ValidationError
from qudao.core.models import AuditEntry, Notification
from qudao.registrations.models import Registration
from qudao.registrations.services import registration_decide
from qudao.registrations.services import review as review_service
from qudao.registrations.tests.factories import RegistrationFactory
from qudao.registrations.tests.test_services_registration import submitted

from .test_views_registrations import in_english, review_of

S = Registration.Status
URL = "/api/v1/registrations"
REASON = "客户书面指定二号伙伴实施"
P2_SPELLING = "腾讯计算机系统(深圳)有限公司"


def pair(world) -> tuple[Registration, Registration]:
    """Partner 1 registers the customer first, partner 2 the same one spelled differently."""
    return submitted(world, world.p1_user), submitted(
        world, world.p2_user, customer_name=P2_SPELLING
    )


def approve(world, registration, **extra) -> None:
    registration_decide(
        actor=world.channel_mgr,
        registration=registration,
        decision="approve",
        comment="",
        **extra,
    )


def protected(*registrations) -> list[Registration]:
    today = timezone.localdate()
    return [
        r
        for r in Registration.objects.filter(pk__in=[r.pk for r in registrations])
        if r.status == S.APPROVED and r.protection_until and r.protection_until >= today
    ]


def text_of(user) -> str:
    return " ".join(f"{n.title} {n.body}" for n in Notification.objects.filter(recipient=user))


@pytest.mark.django_db
def test_an_override_ends_the_earlier_approved_claim(world, django_capture_on_commit_callbacks):
    first, second = pair(world)
    approve(world, first)

    with django_capture_on_commit_callbacks(execute=True):
        approve(world, second, override_reason=REASON)

    # Exactly one live claim: partner 2's; partner 1's protection ended with the reason
    first.refresh_from_db()
    assert first.status == S.EXPIRED
    assert protected(first, second) == [Registration.objects.get(pk=second.pk)]
    assert not first.customer_keys.exists()  # it blocks nobody any more
    ended = AuditEntry.objects.get(object_id=str(first.pk), changes__status=["approved", "expired"])
    assert REASON in ended.note and ended.actor == world.channel_mgr
    # Partner 1 and its channel manager are told, never partner 2's number or name
    told = text_of(world.p1_user)
    assert first.number in told and REASON in told
    assert second.number not in told and world.p2.name not in told
    assert first.number in text_of(world.channel_mgr)
    # Partner 2 learns its registration is approved and that an earlier claim ended, not whose
    won = text_of(world.p2_user)
    assert second.number in won and first.number not in won and world.p1.name not in won


@pytest.mark.django_db
def test_without_a_reason_the_later_claim_is_refused_and_nothing_ends(world):
    first, second = pair(world)
    approve(world, first)

    # (every approving step asks for the reason: a 422 on the override reason, issue 18)
    with pytest.raises(ValidationError):
        approve(world, second)

    assert [r.status for r in Registration.objects.order_by("pk")] == [S.APPROVED, S.SUBMITTED]
    assert not Notification.objects.filter(recipient=world.p1_user, title__contains="ended")


@pytest.mark.django_db
def test_the_override_through_the_page_and_the_api(world, as_user, as_api):
    first, second = pair(world)
    approve(world, first)
    third = submitted(world, world.p1_user, customer_name="深圳市腾讯计算机系统有限公司 ")

    # The page: the override reason ends partner 1's approved claim
    client = in_english(as_user(world.channel_mgr))
    page = client.post(
        f"/registrations/{second.pk}/decide/",
        {"decision": "approve", "version": review_of(second).version, "override_reason": REASON},
    )
    assert page.status_code == 302
    assert Registration.objects.get(pk=first.pk).status == S.EXPIRED
    # The API: a third claim without a reason is a 422 and changes nothing; with one, it ends
    # partner 2's claim in turn
    api = as_api(world.channel_mgr)
    refused = api.post(f"{URL}/{third.pk}/approve", {}, content_type="application/json")
    assert refused.status_code == 422 and "override_reason" in refused.json()["errors"]
    assert Registration.objects.get(pk=second.pk).status == S.APPROVED
    ok = api.post(
        f"{URL}/{third.pk}/approve",
        {"override_reason": "重新指定"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == S.APPROVED
    assert protected(first, second, third) == [Registration.objects.get(pk=third.pk)]


@pytest.mark.django_db
def test_a_won_claim_and_its_project_are_left_alone(world):
    # A won registration is no claim any more (it left the conflict check; its project stands)
    won = RegistrationFactory(
        partner=world.p1, customer_name="深圳市腾讯计算机系统有限公司", status=S.WON
    )
    second = submitted(world, world.p2_user, customer_name=P2_SPELLING)

    approve(world, second)

    assert Registration.objects.get(pk=won.pk).status == S.WON
    assert Registration.objects.get(pk=second.pk).status == S.APPROVED


@pytest.mark.django_db(transaction=True)
def test_racing_approvals_leave_exactly_one_live_claim(world, monkeypatch):
    # Given both reviews are read before either decision lands
    first, second = pair(world)
    barrier = threading.Barrier(2)
    real = review_service.approval_open

    def read_then_wait(registration, kind):
        approval = real(registration, kind)
        barrier.wait(timeout=20)
        return approval

    monkeypatch.setattr(review_service, "approval_open", read_then_wait)
    outcomes: dict[str, object] = {}

    def decide(name, registration, **extra):
        try:
            approve(world, registration, **extra)
            outcomes[name] = "approved"
        except Exception as error:  # noqa: BLE001 - the outcome is what the test compares
            outcomes[name] = error
        finally:
            close_old_connections()
            connection.close()

    # When the first claim is approved and the later one overridden at the same moment
    threads = [
        threading.Thread(target=decide, args=("first", first)),
        threading.Thread(
            target=decide, args=("second", second), kwargs={"override_reason": REASON}
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then exactly one claim is protected, whichever landed first
    assert len(protected(first, second)) == 1, outcomes
    first.refresh_from_db()
    second.refresh_from_db()
    if outcomes["first"] == "approved":  # partner 1's landed first: the override ended it
        assert outcomes["second"] == "approved"
        assert (first.status, second.status) == (S.EXPIRED, S.APPROVED)
        assert Notification.objects.filter(recipient=world.p1_user, body__contains=REASON)
    else:  # partner 2's landed first: partner 1's approval now needs an override
        # (refused by the step's reason check, or by the approval hook under the locks)
        assert isinstance(outcomes["first"], ConflictError | ValidationError), outcomes
        assert (first.status, second.status) == (S.SUBMITTED, S.APPROVED)
