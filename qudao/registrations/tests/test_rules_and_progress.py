"""Protection rules per tier / product line, cross-region rules, required progress updates
(stale registrations lose protection after a warning), the vendor's own records as a conflict
source, and the conflict preview while a partner types."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from qudao.core import hooks
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import AuditEntry, Notification
from qudao.core.services.approvals import approval_decide
from qudao.customers.matching import Deal, Level, match
from qudao.partners.models import Tier
from qudao.registrations import services
from qudao.registrations.models import CustomerKey, ProtectionRule, Registration
from qudao.registrations.selectors import conflicts_for_viewer
from qudao.registrations.services import (
    VendorConflict,
    registration_conflict_preview,
    registration_decide,
    registration_expire_stale,
    registration_update_progress,
)
from qudao.registrations.services.rules import (
    cross_region_rule_save,
    protection_rule_delete,
    protection_rule_save,
    protection_terms,
)
from qudao.registrations.tests.factories import product_line
from qudao.registrations.tests.test_services_registration import data, review, submitted

pytestmark = pytest.mark.django_db
S = Registration.Status
TODAY = timezone.localdate


def approve(world, registration) -> Registration:
    registration_decide(
        actor=world.channel_mgr, registration=registration, decision="approve", comment=""
    )
    registration.refresh_from_db()
    return registration


def tier_of(partner) -> Tier:
    return Tier.objects.get(code=partner.tier_id)


# --- protection rules ------------------------------------------------------------------------


def test_without_rules_the_settings_defaults_apply(world):
    registration = approve(world, submitted(world, world.p1_user))

    days = settings.REGISTRATION_PROTECTION_DAYS
    assert registration.protection_until == TODAY() + datetime.timedelta(days=days)
    assert registration.update_interval_days == settings.REGISTRATION_UPDATE_DAYS
    assert registration.last_progress_at is not None
    assert registration.progress_due_at == registration.last_progress_at + datetime.timedelta(
        days=settings.REGISTRATION_UPDATE_DAYS
    )


def test_the_most_specific_rule_wins(world):
    wlan = product_line("WLAN", "无线")
    tier = tier_of(world.p1)
    protection_rule_save(
        actor=world.admin, data={"protection_days": 60, "update_interval_days": 20}
    )
    protection_rule_save(
        actor=world.admin,
        data={"tier": tier.pk, "protection_days": 120, "update_interval_days": 30},
    )
    line_rule = protection_rule_save(
        actor=world.admin,
        data={"product_line": wlan.pk, "protection_days": 45, "update_interval_days": 15},
    )
    registration = submitted(world, world.p1_user)

    terms = protection_terms(registration)
    assert (terms.protection_days, terms.update_interval_days, terms.rule) == (45, 15, line_rule)

    protection_rule_delete(actor=world.admin, rule=line_rule)
    assert protection_terms(registration).protection_days == 120  # the tier's rule

    approved = approve(world, registration)
    assert approved.protection_until == TODAY() + datetime.timedelta(days=120)
    assert approved.update_interval_days == 30


def test_with_several_product_lines_the_longest_protection_wins(world):
    wlan, switch = product_line("WLAN", "无线"), product_line("SW", "交换机")
    for line, days in ((wlan, 40), (switch, 100)):
        protection_rule_save(
            actor=world.admin,
            data={"product_line": line.pk, "protection_days": days, "update_interval_days": 10},
        )
    inactive = protection_rule_save(
        actor=world.admin,
        data={
            "tier": tier_of(world.p1).pk,
            "product_line": wlan.pk,
            "protection_days": 300,
            "update_interval_days": 10,
            "is_active": False,
        },
    )
    products = [
        {"product_line_id": wlan.pk, "quantity": 4},
        {"product_line_id": switch.pk, "quantity": 2},
    ]
    registration = submitted(world, world.p1_user, products=products)

    assert protection_terms(registration).protection_days == 100
    assert inactive.is_active is False


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"protection_days": 0, "update_interval_days": 10}, "protection_days"),
        ({"protection_days": 800, "update_interval_days": 10}, "protection_days"),
        ({"protection_days": "abc", "update_interval_days": 10}, "protection_days"),
        ({"protection_days": 30, "update_interval_days": 0}, "update_interval_days"),
        ({"protection_days": 30, "update_interval_days": 60}, "update_interval_days"),
        ({"protection_days": 30, "update_interval_days": 10, "tier": 999999}, "tier"),
        ({"protection_days": 30, "update_interval_days": 10, "product_line": "x"}, "product_line"),
    ],
)
def test_bad_rules_are_refused_and_nothing_is_written(world, values, field):
    with pytest.raises(ValidationError) as error:
        protection_rule_save(actor=world.admin, data=values)
    assert field in error.value.message_dict
    assert not ProtectionRule.objects.exists()


def test_a_second_rule_for_the_same_tier_and_line_is_refused(world):
    protection_rule_save(
        actor=world.admin, data={"protection_days": 60, "update_interval_days": 20}
    )
    with pytest.raises(ValidationError) as error:
        protection_rule_save(
            actor=world.admin, data={"protection_days": 90, "update_interval_days": 20}
        )
    assert "tier" in error.value.message_dict
    assert ProtectionRule.objects.count() == 1


def test_only_the_director_or_an_admin_changes_rules(world):
    for user in (world.channel_mgr, world.south_manager, world.p1_admin):
        with pytest.raises(PermissionDenied):
            protection_rule_save(
                actor=user, data={"protection_days": 60, "update_interval_days": 20}
            )
    assert not ProtectionRule.objects.exists()
    rule = protection_rule_save(
        actor=world.admin, data={"protection_days": 60, "update_interval_days": 20}
    )
    assert AuditEntry.objects.filter(object_id=str(rule.pk), action="create").exists()


# --- cross-region rules ----------------------------------------------------------------------


def test_a_cross_region_rule_can_waive_the_extra_approval(world):
    cross_region_rule_save(
        actor=world.admin, data={"customer_region": world.east.pk, "requires_approval": False}
    )
    registration = submitted(world, world.p1_user, customer_region=world.shanghai.pk)
    assert [s.approver for s in review(registration).steps.all()] == [world.channel_mgr]


def test_a_cross_region_rule_can_name_the_approver(world):
    cross_region_rule_save(
        actor=world.admin,
        data={"customer_region": world.shanghai.pk, "approver": world.other_cm.pk},
    )
    registration = submitted(world, world.p1_user, customer_region=world.shanghai.pk)
    steps = list(review(registration).steps.order_by("order"))
    assert [s.approver for s in steps] == [world.channel_mgr, world.other_cm]


def test_a_partner_user_cannot_be_a_cross_region_approver(world):
    with pytest.raises(ValidationError) as error:
        cross_region_rule_save(
            actor=world.admin,
            data={"customer_region": world.east.pk, "approver": world.p2_user.pk},
        )
    assert "approver" in error.value.message_dict


# --- progress updates and staleness ----------------------------------------------------------


def test_silence_warns_once_then_expires_and_an_update_resets_the_clock(
    world, django_capture_on_commit_callbacks
):
    registration = approve(world, submitted(world, world.p1_user))
    due = registration.progress_due_at
    grace = datetime.timedelta(days=settings.REGISTRATION_STALE_GRACE_DAYS)

    before_due = registration_expire_stale(now=due - datetime.timedelta(minutes=1))
    assert before_due == {"stale_warned": 0, "stale_expired": 0}

    with django_capture_on_commit_callbacks(execute=True):
        first = registration_expire_stale(now=due + datetime.timedelta(hours=1))
    again = registration_expire_stale(now=due + datetime.timedelta(hours=2))
    assert (first["stale_warned"], again["stale_warned"]) == (1, 0)
    assert Notification.objects.filter(
        recipient=world.p1_user, title__contains=registration.number
    ).exists()

    # an update clears the warning and moves the next due date
    registration_update_progress(
        actor=world.p1_user, registration=registration, data={"notes": "已完成技术交流"}
    )
    registration.refresh_from_db()
    assert registration.stale_warned_at is None
    assert registration.progress_due_at > due
    late = registration.progress_due_at + grace + datetime.timedelta(days=1)
    assert registration_expire_stale(now=late)["stale_expired"] == 0  # warned first, not expired

    registration.refresh_from_db()
    assert registration.status == S.APPROVED and registration.stale_warned_at is not None
    result = registration_expire_stale(now=late + grace + datetime.timedelta(minutes=1))
    registration.refresh_from_db()
    assert result["stale_expired"] == 1
    assert registration.status == S.EXPIRED
    assert not CustomerKey.objects.filter(registration=registration).exists()


def test_submitted_registrations_are_not_stale(world):
    registration = submitted(world, world.p1_user)
    far = timezone.now() + datetime.timedelta(days=400)
    assert registration_expire_stale(now=far) == {"stale_warned": 0, "stale_expired": 0}
    registration.refresh_from_db()
    assert registration.status == S.SUBMITTED


# --- the vendor's own records ----------------------------------------------------------------


@pytest.fixture
def vendor_project(monkeypatch):
    """A stand-in for the projects module: the vendor's direct project with 腾讯."""
    own = Deal(customer_name="腾讯计算机系统（深圳）有限公司", project_name="总部园区无线网络")

    def source(registration, deal):
        result = match(deal, own)
        return [VendorConflict("project", "XM-2026-S-00001", own.customer_name, "", result)]

    monkeypatch.setattr(hooks, "_conflict_sources", [source])
    return own


def test_the_vendors_own_projects_count_as_conflicts(world, vendor_project):
    registration = submitted(world, world.p1_user)

    assert review(registration).payload["vendor_conflicts"][0]["reference"] == "XM-2026-S-00001"
    staff = conflicts_for_viewer(world.channel_mgr, registration)
    assert staff["vendor"][0]["reference"] == "XM-2026-S-00001"
    assert staff["vendor"][0]["reasons"]
    partner = conflicts_for_viewer(world.p1_user, registration)
    assert partner["level"] in ("likely", "certain")
    assert partner["vendor"] == [] and partner["candidates"] == []


# --- the preview while typing ----------------------------------------------------------------


def test_the_preview_finds_a_conflict_without_writing_anything(world):
    submitted(world, world.p1_user)
    registrations = Registration.objects.count()
    keys = CustomerKey.objects.count()

    hits = registration_conflict_preview(
        actor=world.p2_user,
        data={
            "customer_name": "腾讯计算机系统（深圳）有限公司",
            "customer_region": world.shenzhen.pk,
        },
    )

    assert max(hit.level for hit in hits) >= Level.LIKELY
    assert (Registration.objects.count(), CustomerKey.objects.count()) == (registrations, keys)
    assert registration_conflict_preview(actor=world.p2_user, data={"customer_name": ""}) == []


def test_the_preview_ignores_invalid_fields_and_is_for_partner_users_only(world):
    submitted(world, world.p1_user)
    hits = registration_conflict_preview(
        actor=world.p2_user,
        data=data(
            world,
            customer_credit_code="91440300MA5XXXXXX0",
            estimated_amount="-5",
            customer_region="nope",
        ),
    )
    assert hits and hits[0].level >= Level.LIKELY
    with pytest.raises(PermissionDenied):
        registration_conflict_preview(actor=world.channel_mgr, data=data(world))
    with pytest.raises(PermissionDenied):
        registration_conflict_preview(actor=world.p2_user, data=data(world), partner=world.p1)


# --- the earlier registration's review learns of the later clash ---------------------------


def test_a_later_conflict_is_recorded_on_the_earlier_review_too(world):
    first = submitted(world, world.p1_user)
    assert review(first).payload["conflicts"] == []

    second = submitted(world, world.p2_user, customer_name="腾讯计算机系统（深圳）有限公司")

    recorded = review(first).payload["conflicts"]
    assert [row["registration_id"] for row in recorded] == [second.pk]
    assert recorded[0]["level"] in ("likely", "certain")


# --- extension days --------------------------------------------------------------------------


def test_the_partner_chooses_the_extension_days_within_limits(world):
    registration = approve(world, submitted(world, world.p1_user))
    for days in (0, 181, "x"):
        with pytest.raises(ValidationError) as error:
            services.registration_extend_request(
                actor=world.p1_user, registration=registration, reason="招标推迟", days=days
            )
        assert "days" in error.value.message_dict
    approval = services.registration_extend_request(
        actor=world.p1_user, registration=registration, reason="招标推迟", days=60
    )
    until = registration.protection_until
    approval_decide(actor=world.channel_mgr, approval=approval, decision="approve", comment="")
    registration.refresh_from_db()
    assert registration.protection_until == until + datetime.timedelta(days=60)
