"""Benchmarks: partners compared within their tier and region and regions among themselves; the
best unit marked, every unit's gap; practice notes written by managers only."""

from decimal import Decimal

import pytest

from qudao.core.errors import PermissionDenied, ValidationError
from qudao.performance.models import BenchmarkEntry, BenchmarkNote
from qudao.performance.periods import Period
from qudao.performance.services import benchmark_note_add, benchmarks_compute, facts_rebuild

from .factories import registration, won_project

pytestmark = pytest.mark.django_db


def test_the_best_partner_of_a_tier_is_the_benchmark_and_others_carry_their_gap(world):
    quarter = Period.current("quarter")
    world.p1.sales_staff_count = 2
    world.p1.save()
    won_project(world.p1, amount="600000")  # 600000 / 2 / 3 = 100000 per sales per month
    won_project(world.p2, amount="150000")  # 150000 / 1 / 3 = 50000
    registration(world.p2)
    facts_rebuild()

    benchmarks_compute(period=quarter)

    entries = BenchmarkEntry.objects.filter(
        group_kind="tier", group_key="silver", metric="won_per_sales"
    )
    best = entries.get(is_best=True)
    assert best.partner == world.p1 and best.value == Decimal("100000.00") and best.gap == 0
    p2 = entries.get(partner=world.p2)
    assert (p2.value, p2.gap, p2.gap_percent, p2.rank, p2.units) == (
        Decimal("50000.00"),
        Decimal("50000.00"),
        Decimal("50.00"),
        2,
        3,
    )
    regs = BenchmarkEntry.objects.get(
        group_kind="tier", metric="registrations_per_partner", is_best=True
    )
    assert regs.partner == world.p2
    regions = BenchmarkEntry.objects.filter(group_kind="regions", metric="won_per_sales")
    assert regions.get(is_best=True).region == world.south and regions.count() == 2


def test_practice_notes_are_written_by_managers_on_an_existing_benchmark(world):
    quarter = Period.current("quarter")
    won_project(world.p1, amount="600000")
    facts_rebuild()
    benchmarks_compute(period=quarter)

    with pytest.raises(PermissionDenied):
        benchmark_note_add(
            actor=world.p1_admin,
            group_kind="tier",
            group_key="silver",
            metric="won_per_sales",
            period=quarter,
            text="x",
        )
    with pytest.raises(ValidationError):
        benchmark_note_add(
            actor=world.channel_mgr,
            group_kind="tier",
            group_key="silver",
            metric="won_per_sales",
            period=quarter,
            text=" ",
        )
    with pytest.raises(ValidationError):
        benchmark_note_add(
            actor=world.channel_mgr,
            group_kind="tier",
            group_key="nope",
            metric="won_per_sales",
            period=quarter,
            text="x",
        )
    note = benchmark_note_add(
        actor=world.channel_mgr,
        group_kind="tier",
        group_key="silver",
        metric="won_per_sales",
        period=quarter,
        text="每周例会复盘商机",
    )
    assert note.partner == world.p1 and BenchmarkNote.objects.count() == 1
