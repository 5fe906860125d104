"""The facts (rollups) are computed from the real registrations and projects, kept current
incrementally (touched months, the on_won hook) and by a full rebuild, and the two agree."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from qudao.performance.models import (
    PartnerMonthFact,
    PartnerPeriodFact,
    PipelineFact,
    RollupState,
    ScopeMonthFact,
)
from qudao.performance.periods import Period, month_start
from qudao.performance.services import facts_rebuild, facts_refresh
from qudao.projects.models import Project
from qudao.registrations.models import Registration
from qudao.registrations.services import registration_close

from .factories import registration, won_project

pytestmark = pytest.mark.django_db


def _facts():
    return {
        (f.partner_id, f.month): (
            f.won_amount,
            f.won_count,
            f.lost_count,
            f.new_customers,
            f.registrations,
            f.registrations_approved,
            f.registrations_won,
            f.registrations_lost,
        )
        for f in PartnerMonthFact.objects.all()
    }


def test_rebuild_sums_won_projects_registrations_and_new_customers_by_month(world):
    this_month = month_start(timezone.localdate())
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    won_project(world.p1, amount="300000", won_on=last_month, customer="甲公司")
    won_project(world.p1, amount="200000", won_on=this_month, customer="甲公司")  # not new
    won_project(world.p1, amount="100000", won_on=this_month, customer="乙公司")
    won_project(world.p1, amount="50000", won_on=this_month, status=Project.Status.LOST)
    won_project(world.p2, amount="70000", status=Project.Status.ACTIVE)
    registration(world.p1, status=Registration.Status.WON, submitted_on=this_month)
    registration(world.p1, status=Registration.Status.APPROVED, submitted_on=this_month)
    registration(world.p1, status=Registration.Status.REJECTED, submitted_on=this_month)

    result = facts_rebuild()

    now = PartnerMonthFact.objects.get(partner=world.p1, month=this_month)
    assert now.won_amount == Decimal("300000")
    assert (now.won_count, now.lost_count, now.new_customers) == (2, 1, 1)
    assert (now.registrations, now.registrations_approved, now.registrations_won) == (3, 2, 1)
    before = PartnerMonthFact.objects.get(partner=world.p1, month=last_month)
    assert (before.won_amount, before.new_customers) == (Decimal("300000"), 1)
    assert now.region_id == world.shenzhen.pk and now.top_region_id == world.south.pk
    assert now.owner_id == world.channel_mgr.pk and now.tier == "silver"
    # The open pipeline: p2's active project, in its current stage.
    pipeline = PipelineFact.objects.get(partner=world.p2)
    assert (pipeline.project_count, pipeline.amount) == (1, Decimal("70000"))
    assert result["facts"] == 2 and RollupState.objects.get(key="facts").last_full_at
    # The quarter and year rows and the cube are the sums of the months.
    year = PartnerPeriodFact.objects.get(
        partner=world.p1, period_kind="year", period_start=Period.of("year", this_month).start
    )
    if last_month.year == this_month.year:
        assert year.won_amount == Decimal("600000") and year.won_count == 3
    cube = ScopeMonthFact.objects.get(month=this_month, region=world.shenzhen)
    assert (cube.won_amount, cube.partners) == (Decimal("300000"), 1)


def test_refresh_recomputes_only_what_changed_and_agrees_with_a_rebuild(world):
    won_project(world.p1, amount="100000")
    facts_rebuild()
    RollupState.objects.update(last_run_at=timezone.now() - datetime.timedelta(hours=1))
    # A change after the last run: a new win for p2, and a registration of p1 won.
    won_project(world.p2, amount="40000")
    registration(world.p1, status=Registration.Status.WON)

    result = facts_refresh()

    assert result["partners"] == 2
    incremental = _facts()
    facts_rebuild()
    assert incremental == _facts()


def test_refresh_after_a_tier_change_moves_the_partners_rows(world):
    won_project(world.p1, amount="100000")
    facts_rebuild()
    RollupState.objects.update(last_run_at=timezone.now() - datetime.timedelta(hours=1))
    world.p1.tier_id = "gold"
    from qudao.partners.tests.factories import tier

    tier("gold")
    world.p1.save()

    facts_refresh()

    assert set(
        PartnerMonthFact.objects.filter(partner=world.p1).values_list("tier", flat=True)
    ) == {"gold"}


def test_a_won_registration_updates_its_month_at_once(world, django_capture_on_commit_callbacks):
    submitted = registration(world.p1, status=Registration.Status.APPROVED)
    facts_rebuild()
    assert PartnerMonthFact.objects.get(partner=world.p1).registrations_won == 0

    with django_capture_on_commit_callbacks(execute=True):
        registration_close(actor=world.p1_user, registration=submitted, outcome="won")

    assert PartnerMonthFact.objects.get(partner=world.p1).registrations_won == 1


def test_the_first_refresh_is_a_full_rebuild(world):
    won_project(world.p1, amount="100000")

    facts_refresh()

    assert PartnerMonthFact.objects.filter(partner=world.p1).exists()
    assert RollupState.objects.get(key="facts").last_full_at is not None
