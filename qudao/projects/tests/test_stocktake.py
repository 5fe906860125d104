"""Project stock-take: a manager opens a round over a region (HQ: everywhere), each open project's
owner confirms or corrects status, amount and expected close date (through the real services),
the unconfirmed projects are listed for managers, and the round is closed."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import Notification
from qudao.core.tests.factories import UserFactory
from qudao.projects.models import StockTake, StockTakeEntry
from qudao.projects.selectors.stocktake import (
    stocktake_entries,
    stocktake_progress,
    stocktakes_visible_to,
)
from qudao.projects.services import closing
from qudao.projects.services.stocktake import stocktake_close, stocktake_confirm, stocktake_open
from qudao.projects.tests.factories import project
from qudao.projects.tests.helpers import fresh, running_project

pytestmark = pytest.mark.django_db
DUE = timezone.localdate() + datetime.timedelta(days=7)


@pytest.fixture
def projects(world):
    south = [running_project(world, name=f"华南项目{i}") for i in range(3)]
    east_pm = UserFactory(roles=["project_manager"], region=world.shanghai)
    east = project(
        actor=east_pm, region=world.shanghai, partner=world.p3, name="华东项目", template_obj=None
    )
    closing.project_lose(actor=world.pm, project=south[2], reason="丢单")  # not open: no entry
    return {"south": south, "east": east, "east_pm": east_pm}


def entry_of(stocktake, project_obj) -> StockTakeEntry:
    return stocktake.entries.get(project=project_obj)


def test_a_regional_round_asks_each_open_project_of_the_region(
    world, projects, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        stocktake = stocktake_open(
            actor=world.south_manager,
            data={"title": "2026年Q2华南盘点", "region": world.south.pk, "due_date": DUE},
        )
    south = projects["south"]
    assert set(stocktake.entries.values_list("project_id", flat=True)) == {south[0].pk, south[1].pk}
    entry = entry_of(stocktake, south[0])
    assert (entry.owner, entry.status, entry.amount_before) == (
        world.pm,
        "pending",
        Decimal("1200000"),
    )
    # One notification to the owner, however many projects they own.
    assert (
        Notification.objects.filter(recipient=world.pm, title__contains="2026年Q2华南盘点").count()
        == 1
    )


def test_hq_takes_stock_of_everything_and_managers_only_of_their_region(world, projects):
    with pytest.raises(ValidationError) as error:
        stocktake_open(
            actor=world.south_manager,
            data={"title": "越权", "region": world.east.pk, "due_date": DUE},
        )
    assert "region" in error.value.message_dict
    for nobody in (world.pm, world.channel_mgr, world.p1_user):
        with pytest.raises(PermissionDenied):
            stocktake_open(actor=nobody, data={"title": "x", "due_date": DUE})
    assert not StockTake.objects.exists()

    everywhere = stocktake_open(actor=world.hq, data={"title": "全国盘点", "due_date": DUE})
    assert everywhere.entries.count() == 3
    with pytest.raises(ConflictError):
        stocktake_open(actor=world.admin, data={"title": "又一个", "due_date": DUE})


def test_bad_round_input_writes_nothing(world, projects):
    with pytest.raises(ValidationError) as error:
        stocktake_open(
            actor=world.hq,
            data={"title": "", "due_date": timezone.localdate() - datetime.timedelta(days=1)},
        )
    assert {"title", "due_date"} <= set(error.value.message_dict)
    assert not StockTake.objects.exists() and not StockTakeEntry.objects.exists()


def test_owners_confirm_or_correct_and_managers_see_who_has_not(world, projects):
    south = projects["south"]
    stocktake = stocktake_open(
        actor=world.south_manager,
        data={"title": "华南盘点", "region": world.south.pk, "due_date": DUE},
    )
    confirmed = stocktake_confirm(actor=world.pm, entry=entry_of(stocktake, south[0]))
    assert confirmed.status == "confirmed" and confirmed.amount_after == Decimal("1200000")

    close = timezone.localdate() + datetime.timedelta(days=45)
    corrected = stocktake_confirm(
        actor=world.pm,
        entry=entry_of(stocktake, south[1]),
        data={
            "amount": "900000",
            "expected_close_date": close.isoformat(),
            "status": "suspended",
            "note": "客户预算削减",
        },
    )
    assert corrected.status == "corrected"
    row = fresh(south[1])
    assert (row.amount, row.expected_close_date, row.status) == (
        Decimal("900000"),
        close,
        "suspended",
    )
    assert (corrected.amount_before, corrected.amount_after) == (
        Decimal("1200000"),
        Decimal("900000"),
    )

    with pytest.raises(ConflictError):
        stocktake_confirm(actor=world.pm, entry=entry_of(stocktake, south[0]))

    pending = stocktake_entries(world.south_manager, stocktake, status="pending")
    assert list(pending) == []
    progress = stocktake_progress(stocktake_entries(world.south_manager, stocktake))
    assert (progress["confirmed"], progress["corrected"], progress["pending"]) == (1, 1, 0)


def test_a_correction_to_lost_needs_the_reason_and_bad_values_change_nothing(world, projects):
    south = projects["south"]
    stocktake = stocktake_open(actor=world.hq, data={"title": "盘点", "due_date": DUE})
    entry = entry_of(stocktake, south[0])
    for data, field in (
        ({"status": "lost"}, "note"),
        ({"status": "closed"}, "status"),
        ({"amount": "-5"}, "amount"),
        ({"expected_close_date": "tomorrow"}, "expected_close_date"),
    ):
        with pytest.raises(ValidationError) as error:
            stocktake_confirm(actor=world.pm, entry=entry, data=data)
        assert field in error.value.message_dict
    assert fresh(entry).status == "pending" and fresh(south[0]).status == "active"

    lost = stocktake_confirm(
        actor=world.pm, entry=entry, data={"status": "lost", "note": "客户选择了友商"}
    )
    assert lost.status_after == "lost"
    assert fresh(south[0]).outcome_reason == "客户选择了友商"


def test_only_the_owner_or_a_manager_confirms(world, projects):
    stocktake = stocktake_open(actor=world.hq, data={"title": "盘点", "due_date": DUE})
    entry = entry_of(stocktake, projects["east"])
    for someone in (world.pm, world.p1_user, world.south_manager):
        with pytest.raises(PermissionDenied):
            stocktake_confirm(actor=someone, entry=entry)
    stocktake_confirm(actor=projects["east_pm"], entry=entry)
    assert fresh(entry).status == "confirmed"


def test_closing_the_round_leaves_the_unconfirmed_listed(world, projects):
    south = projects["south"]
    stocktake = stocktake_open(
        actor=world.south_manager,
        data={"title": "华南盘点", "region": world.south.pk, "due_date": DUE},
    )
    stocktake_confirm(actor=world.pm, entry=entry_of(stocktake, south[0]))
    with pytest.raises(PermissionDenied):
        stocktake_close(actor=world.east_manager, stocktake=stocktake)
    with pytest.raises(PermissionDenied):
        stocktake_close(actor=world.pm, stocktake=stocktake)
    stocktake_close(actor=world.south_manager, stocktake=stocktake)
    stocktake = fresh(stocktake)
    assert stocktake.status == "closed" and stocktake.closed_by == world.south_manager
    unconfirmed = stocktake_entries(world.south_manager, stocktake, status="pending")
    assert [e.project_id for e in unconfirmed] == [south[1].pk]
    with pytest.raises(ConflictError):
        stocktake_confirm(actor=world.pm, entry=entry_of(stocktake, south[1]))
    with pytest.raises(ConflictError):
        stocktake_close(actor=world.south_manager, stocktake=stocktake)


def test_who_sees_which_rounds(world, projects):
    south_round = stocktake_open(
        actor=world.south_manager,
        data={"title": "华南盘点", "region": world.south.pk, "due_date": DUE},
    )
    assert list(stocktakes_visible_to(world.east_manager)) == []
    assert list(stocktakes_visible_to(world.p1_user)) == []
    assert list(stocktakes_visible_to(world.pm)) == [south_round]  # they own projects in it
    assert list(stocktakes_visible_to(world.hq)) == [south_round]
    # The owner sees only their own entries; the manager all of the region's.
    assert stocktake_entries(world.pm, south_round).count() == 2
    assert stocktake_entries(world.south_manager, south_round).count() == 2
