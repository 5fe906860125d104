"""The registration use cases: draft, submit, review (first valid registration wins), extension,
progress, expiry, outcome."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from qudao.core import hooks
from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import ApprovalRequest, AuditEntry, Notification
from qudao.core.services.approvals import approval_decide
from qudao.core.tests.factories import UserFactory
from qudao.customers.matching import Level
from qudao.partners.models import Agreement
from qudao.partners.tests.factories import PartnerFactory
from qudao.registrations import services
from qudao.registrations.models import CustomerKey, Registration
from qudao.registrations.services import (
    EXTENSION_DAYS,
    registration_close,
    registration_decide,
    registration_expire_due,
    registration_extend_request,
    registration_save_draft,
    registration_submit,
    registration_update_progress,
)
from qudao.registrations.tests.factories import RegistrationFactory, product_line

pytestmark = pytest.mark.django_db
S = Registration.Status
TODAY = timezone.localdate


def data(world, **overrides):
    values = {
        "customer_name": "深圳市腾讯计算机系统有限公司",
        "customer_region": world.shenzhen.pk,
        "customer_city": "深圳",
        "project_name": "总部园区无线网络",
        "industry": "互联网",
        "products": [{"product_line_id": product_line("WLAN", "无线").pk, "quantity": 40}],
        "estimated_amount": "3200000",
        "expected_close_date": TODAY() + datetime.timedelta(days=60),
        "stage": Registration.Stage.QUALIFIED,
    }
    return values | overrides


def submitted(world, user, **overrides) -> Registration:
    draft = registration_save_draft(actor=user, data=data(world, **overrides)).registration
    return registration_submit(actor=user, registration=draft).registration


def review(registration) -> ApprovalRequest:
    return ApprovalRequest.objects.get(kind=services.REVIEW, object_id=str(registration.pk))


# --- draft -----------------------------------------------------------------------------------


def test_a_partner_user_saves_a_draft_with_a_number_and_an_audit_row(world):
    result = registration_save_draft(actor=world.p1_user, data=data(world))

    registration = result.registration
    assert registration.status == S.DRAFT
    assert registration.partner == world.p1
    assert registration.number.startswith("BB-")
    assert registration.products.get().quantity == 40
    assert result.conflict_level == Level.NONE
    assert not registration.customer_keys.exists()  # a draft blocks nobody
    assert AuditEntry.objects.filter(object_id=str(registration.pk), action="create").exists()


def test_the_draft_hint_shows_a_conflict_with_another_partner(world):
    submitted(world, world.p1_user)

    result = registration_save_draft(
        actor=world.p2_user, data=data(world, customer_name="腾讯计算机系统（深圳）有限公司")
    )

    assert result.conflict_level >= Level.LIKELY


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"customer_name": "  "}, "customer_name"),
        ({"project_name": ""}, "project_name"),
        ({"customer_region": None}, "customer_region"),
        ({"customer_region": 10**9}, "customer_region"),
        ({"estimated_amount": "0"}, "estimated_amount"),
        ({"estimated_amount": "-5"}, "estimated_amount"),
        ({"estimated_amount": "10000000000.01"}, "estimated_amount"),
        ({"estimated_amount": "abc"}, "estimated_amount"),
        ({"expected_close_date": TODAY() - datetime.timedelta(days=1)}, "expected_close_date"),
        ({"expected_close_date": "not-a-date"}, "expected_close_date"),
        ({"customer_credit_code": "91440300708461136X"}, "customer_credit_code"),
        ({"customer_credit_code": "123"}, "customer_credit_code"),
        ({"stage": "dreaming"}, "stage"),
        ({"products": [{"product_line_id": 1, "quantity": 0}]}, "products.0.quantity"),
        ({"products": [{"product_line_id": 10**9, "quantity": 1}]}, "products.0.product_line_id"),
    ],
)
def test_bad_input_is_refused_with_a_field_error_and_writes_nothing(world, overrides, field):
    with pytest.raises(ValidationError) as caught:
        registration_save_draft(actor=world.p1_user, data=data(world, **overrides))

    assert field in caught.value.message_dict
    assert not Registration.objects.exists()


def test_a_valid_credit_code_is_accepted(world):
    result = registration_save_draft(
        actor=world.p1_user, data=data(world, customer_credit_code="91440300708461136t")
    )
    assert result.registration.customer_credit_code == "91440300708461136T"


def test_vendor_staff_and_other_partners_cannot_write_a_partners_registration(world):
    with pytest.raises(PermissionDenied):
        registration_save_draft(actor=world.channel_mgr, partner=world.p1, data=data(world))
    with pytest.raises(PermissionDenied):
        registration_save_draft(actor=world.p2_user, partner=world.p1, data=data(world))
    draft = registration_save_draft(actor=world.p1_user, data=data(world)).registration
    with pytest.raises(PermissionDenied):
        registration_save_draft(actor=world.p2_user, registration=draft, data=data(world))
    with pytest.raises(PermissionDenied):
        registration_submit(actor=world.p2_user, registration=draft)
    assert Registration.objects.get().status == S.DRAFT


# --- submit and review -----------------------------------------------------------------------


def test_submit_indexes_the_registration_and_asks_the_channel_manager(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = submitted(world, world.p1_user)

    assert registration.status == S.SUBMITTED
    assert registration.submitted_at is not None
    assert registration.customer_keys.exists()
    approval = review(registration)
    step = approval.steps.get()
    assert step.approver == world.channel_mgr
    assert Notification.objects.filter(recipient=world.channel_mgr).exists()


def test_a_draft_whose_close_date_passed_cannot_be_submitted(world):
    draft = registration_save_draft(actor=world.p1_user, data=data(world)).registration
    Registration.objects.filter(pk=draft.pk).update(
        expected_close_date=TODAY() - datetime.timedelta(days=1)
    )

    with pytest.raises(ValidationError) as caught:
        registration_submit(actor=world.p1_user, registration=draft)

    assert "expected_close_date" in caught.value.message_dict
    assert Registration.objects.get().status == S.DRAFT


def test_first_valid_registration_wins_unless_the_manager_overrides(
    world, django_capture_on_commit_callbacks
):
    first = submitted(world, world.p1_user)
    second = submitted(world, world.p2_user, customer_name="腾讯计算机系统(深圳)有限公司")
    assert review(second).payload["conflicts"][0]["registration_id"] == first.pk

    with django_capture_on_commit_callbacks(execute=True):
        registration_decide(
            actor=world.channel_mgr, registration=first, decision="approve", comment=""
        )
    first.refresh_from_db()
    assert first.status == S.APPROVED
    assert first.protection_until == TODAY() + datetime.timedelta(
        days=settings.REGISTRATION_PROTECTION_DAYS
    )
    assert Notification.objects.filter(recipient=world.p1_user, title__contains=first.number)

    with pytest.raises(ValidationError) as refused:
        registration_decide(
            actor=world.channel_mgr, registration=second, decision="approve", comment=""
        )
    assert "override_reason" in refused.value.message_dict
    second.refresh_from_db()
    assert second.status == S.SUBMITTED
    assert review(second).status == ApprovalRequest.Status.PENDING

    registration_decide(
        actor=world.channel_mgr,
        registration=second,
        decision="approve",
        comment="",
        override_reason="Customer asked for partner 2 in writing",
    )
    second.refresh_from_db()
    assert second.status == S.APPROVED
    assert AuditEntry.objects.filter(
        object_id=str(second.pk), note__contains="Customer asked"
    ).exists()


def test_reject_and_request_information(world):
    registration = submitted(world, world.p1_user)

    registration_decide(
        actor=world.channel_mgr,
        registration=registration,
        decision="return",
        comment="Add the decision makers",
    )
    registration.refresh_from_db()
    assert registration.status == S.INFO_REQUESTED

    registration_save_draft(
        actor=world.p1_user,
        registration=registration,
        data=data(world, decision_makers="CIO 张三"),
    )
    registration = registration_submit(actor=world.p1_user, registration=registration).registration
    assert registration.status == S.SUBMITTED

    with pytest.raises(ValidationError):
        registration_decide(
            actor=world.channel_mgr, registration=registration, decision="reject", comment=""
        )
    registration_decide(
        actor=world.channel_mgr, registration=registration, decision="reject", comment="Duplicate"
    )
    registration.refresh_from_db()
    assert registration.status == S.REJECTED
    assert not registration.customer_keys.exists()


def test_partner_users_and_other_managers_cannot_decide(world):
    registration = submitted(world, world.p1_user)

    for user in (world.p1_user, world.p2_user, world.other_cm, world.south_manager):
        with pytest.raises(PermissionDenied):
            registration_decide(
                actor=user, registration=registration, decision="approve", comment=""
            )
    registration.refresh_from_db()
    assert registration.status == S.SUBMITTED


def test_a_stale_decision_is_refused(world):
    registration = submitted(world, world.p1_user)
    seen = review(registration).version
    registration_decide(
        actor=world.channel_mgr,
        registration=registration,
        decision="return",
        comment="More detail",
        version=seen,
    )
    registration = registration_submit(actor=world.p1_user, registration=registration).registration

    # The second manager acts on the version seen before the first decision.
    with pytest.raises(ConflictError):
        registration_decide(
            actor=world.channel_mgr,
            registration=registration,
            decision="approve",
            comment="",
            version=seen,
        )
    registration.refresh_from_db()
    assert registration.status == S.SUBMITTED


def test_cross_region_customer_adds_the_customer_regions_manager(world):
    registration = submitted(world, world.p1_user, customer_region=world.shanghai.pk)

    steps = list(review(registration).steps.order_by("order"))
    assert [s.approver for s in steps] == [world.channel_mgr, world.east_manager]

    registration_decide(
        actor=world.channel_mgr, registration=registration, decision="approve", comment=""
    )
    registration.refresh_from_db()
    assert registration.status == S.SUBMITTED  # waits for the east manager
    with pytest.raises(PermissionDenied):
        registration_decide(
            actor=world.south_manager, registration=registration, decision="approve", comment=""
        )
    registration_decide(
        actor=world.east_manager, registration=registration, decision="approve", comment=""
    )
    registration.refresh_from_db()
    assert registration.status == S.APPROVED


def test_a_home_region_customer_needs_only_the_channel_manager(world):
    registration = submitted(world, world.p1_user, customer_region=world.south.pk)
    assert review(registration).steps.count() == 1


def test_an_active_agreement_territory_replaces_the_home_region(world):
    # Given partner 1's active agreement covers East China (华东) only
    agreement = Agreement.objects.create(
        number="HT-T-1",
        partner=world.p1,
        start_date=TODAY() - datetime.timedelta(days=10),
        end_date=TODAY() + datetime.timedelta(days=300),
        status=Agreement.Status.ACTIVE,
        created_by=world.channel_mgr,
    )
    agreement.territory.set([world.east])

    # Then a Shanghai customer (an office of 华东) needs no extra step, a Shenzhen one does
    east = submitted(world, world.p1_user, customer_region=world.shanghai.pk)
    south = submitted(world, world.p1_user, customer_name="比亚迪股份有限公司")
    assert review(east).steps.count() == 1
    assert [s.approver for s in review(south).steps.order_by("order")] == [
        world.channel_mgr,
        world.south_manager,
    ]


# --- protection --------------------------------------------------------------------------------


def approved(world, user=None, **overrides) -> Registration:
    registration = submitted(world, user or world.p1_user, **overrides)
    registration_decide(
        actor=world.channel_mgr, registration=registration, decision="approve", comment=""
    )
    registration.refresh_from_db()
    return registration


def test_extension_adds_days_after_approval(world):
    registration = approved(world)
    until = registration.protection_until

    approval = registration_extend_request(
        actor=world.p1_user, registration=registration, reason="Tender postponed"
    )
    approval_decide(actor=world.channel_mgr, approval=approval, decision="approve")

    registration.refresh_from_db()
    assert registration.protection_until == until + datetime.timedelta(days=EXTENSION_DAYS)


def test_progress_update_is_audited(world):
    registration = approved(world)

    registration_update_progress(
        actor=world.p1_user,
        registration=registration,
        data={"stage": "bidding", "estimated_amount": "3500000"},
    )

    registration.refresh_from_db()
    assert registration.stage == "bidding"
    assert registration.estimated_amount == Decimal("3500000")
    with pytest.raises(ValidationError):
        registration_update_progress(
            actor=world.p1_user, registration=registration, data={"estimated_amount": "0"}
        )
    with pytest.raises(PermissionDenied):
        registration_update_progress(
            actor=world.p2_user, registration=registration, data={"stage": "lead"}
        )


def test_expiry_warns_once_then_expires_and_stops_blocking(
    world, django_capture_on_commit_callbacks
):
    registration = approved(world)
    until = registration.protection_until
    world.p1_user.language = "en"  # notifications come in the recipient's language
    world.p1_user.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True):
        first = registration_expire_due(until - datetime.timedelta(days=3))
        again = registration_expire_due(until - datetime.timedelta(days=2))
    assert (first, again) == ({"expired": 0, "reminded": 1}, {"expired": 0, "reminded": 0})
    assert (
        Notification.objects.filter(recipient=world.p1_user, title__contains="ends soon").count()
        == 1
    )

    assert registration_expire_due(until + datetime.timedelta(days=1))["expired"] == 1
    registration.refresh_from_db()
    assert registration.status == S.EXPIRED
    assert not CustomerKey.objects.filter(registration=registration).exists()
    # Partner 2 can now register the customer without a conflict.
    other = registration_save_draft(actor=world.p2_user, data=data(world))
    assert other.conflict_level == Level.NONE


def test_acting_on_an_expired_registration_is_refused(world):
    registration = approved(world)
    Registration.objects.filter(pk=registration.pk).update(status=S.EXPIRED)

    with pytest.raises(ConflictError):
        registration_extend_request(actor=world.p1_user, registration=registration, reason="x")
    with pytest.raises(ConflictError):
        registration_submit(actor=world.p1_user, registration=registration)
    with pytest.raises(ConflictError):
        registration_update_progress(
            actor=world.p1_user, registration=registration, data={"stage": "lead"}
        )
    with pytest.raises(ConflictError):
        registration_close(actor=world.p1_user, registration=registration, outcome="won", reason="")
    assert not ApprovalRequest.objects.filter(kind=services.EXTENSION).exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_expiry_task(world):
    from qudao.registrations.tasks import registrations_expire_due_task

    registration = approved(world)
    Registration.objects.filter(pk=registration.pk).update(
        protection_until=TODAY() - datetime.timedelta(days=1)
    )

    registrations_expire_due_task.enqueue()
    call_command("db_worker", batch=True, no_startup_delay=True)

    registration.refresh_from_db()
    assert registration.status == S.EXPIRED


# --- outcome -----------------------------------------------------------------------------------


def test_won_calls_the_projects_hook_and_lost_needs_a_reason(world, monkeypatch):
    calls = []
    monkeypatch.setattr(hooks, "_registration_won", [lambda r, a: calls.append((r.pk, a))])
    won = approved(world)
    lost = approved(world, user=world.p2_user, customer_name="比亚迪股份有限公司")

    registration_close(actor=world.p1_user, registration=won, outcome="won")
    with pytest.raises(ValidationError):
        registration_close(actor=world.p2_user, registration=lost, outcome="lost")
    registration_close(actor=world.channel_mgr, registration=lost, outcome="lost", reason="Price")

    won.refresh_from_db()
    lost.refresh_from_db()
    assert (won.status, lost.status) == (S.WON, S.LOST)
    assert calls == [(won.pk, world.p1_user)]
    with pytest.raises(PermissionDenied):
        registration_close(actor=world.p2_user, registration=won, outcome="cancelled", reason="x")


def test_withdrawing_a_submitted_registration_cancels_its_review(world):
    registration = submitted(world, world.p1_user)

    registration_close(
        actor=world.p1_user, registration=registration, outcome="cancelled", reason="No budget"
    )

    registration.refresh_from_db()
    assert registration.status == S.CANCELLED
    assert review(registration).status == ApprovalRequest.Status.CANCELLED
    assert not registration.customer_keys.exists()


def test_an_inactive_partner_cannot_register(world):
    partner = PartnerFactory(status="suspended", owner=world.channel_mgr)
    user = UserFactory(roles=["partner_sales"], partner=partner)
    with pytest.raises(ValidationError):
        registration_save_draft(actor=user, data=data(world))


def test_factory_registrations_still_index(world):
    # The factories import the services package; keep that path working.
    registration = RegistrationFactory(partner=world.p1)
    assert registration.customer_keys.exists()
