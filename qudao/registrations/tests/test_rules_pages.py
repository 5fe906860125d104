"""The registration rules page: read by vendor staff, changed by the director or an admin."""

import pytest
from django.urls import reverse

from qudao.registrations.models import CrossRegionRule, ProtectionRule
from qudao.registrations.tests.factories import product_line

pytestmark = pytest.mark.django_db


def test_the_director_adds_edits_and_deletes_a_protection_rule(world, as_user):
    client = as_user(world.admin)
    wlan = product_line("WLAN", "无线")
    response = client.post(
        reverse("registrations:protection-rule-create"),
        {
            "product_line": wlan.pk,
            "protection_days": 45,
            "update_interval_days": 15,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule = ProtectionRule.objects.get()
    assert (rule.product_line, rule.protection_days, rule.tier) == (wlan, 45, None)

    page = client.get(reverse("registrations:rules"))
    assert "无线" in page.content.decode() and "45" in page.content.decode()

    edit = reverse("registrations:protection-rule-edit", args=[rule.pk])
    assert 'value="45"' in client.get(edit).content.decode()
    client.post(edit, {"product_line": wlan.pk, "protection_days": 50, "update_interval_days": 15})
    rule.refresh_from_db()
    assert (rule.protection_days, rule.is_active) == (50, False)

    client.post(reverse("registrations:rule-delete", args=["protection", rule.pk]))
    assert not ProtectionRule.objects.exists()


def test_bad_input_shows_the_error_and_writes_nothing(world, as_user):
    client = as_user(world.admin)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("registrations:protection-rule-create"),
        {"protection_days": 30, "update_interval_days": 60},
    )
    assert response.status_code == 200
    assert "at least once within the protection period" in response.content.decode()
    response = client.post(
        reverse("registrations:protection-rule-create"),
        {"protection_days": 0, "update_interval_days": 10},
    )
    assert response.status_code == 200
    assert not ProtectionRule.objects.exists()


def test_a_cross_region_rule_through_the_page(world, as_user):
    client = as_user(world.admin)
    response = client.post(
        reverse("registrations:cross-region-rule-create"),
        {"customer_region": world.east.pk, "approver": world.other_cm.pk, "note": "华东直签"},
    )
    assert response.status_code == 302
    rule = CrossRegionRule.objects.get()
    assert (rule.customer_region, rule.approver, rule.requires_approval) == (
        world.east,
        world.other_cm,
        False,  # an unticked checkbox
    )


def test_others_cannot_change_the_rules_and_partners_cannot_see_them(world, as_user):
    rule = ProtectionRule.objects.create(protection_days=60, update_interval_days=20)
    manager = as_user(world.channel_mgr)
    assert manager.get(reverse("registrations:rules")).status_code == 200
    assert manager.get(reverse("registrations:protection-rule-create")).status_code == 403
    response = manager.post(reverse("registrations:rule-delete", args=["protection", rule.pk]))
    assert response.status_code == 403
    partner = as_user(world.p1_admin)
    assert partner.get(reverse("registrations:rules")).status_code == 404
    assert ProtectionRule.objects.filter(pk=rule.pk).exists()
