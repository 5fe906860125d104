"""Targets: set at HQ, decomposed region → office/partner → sales person by whoever manages the
unit; bad input and overlapping periods are refused with nothing written; attainment comes from
the facts; the children's sum is shown against the parent."""

import pytest
from django.utils import timezone

from qudao.core.errors import PermissionDenied, ValidationError
from qudao.performance.models import Target
from qudao.performance.periods import Period
from qudao.performance.selectors.targets import with_attainment
from qudao.performance.services import (
    facts_rebuild,
    target_children_set,
    target_create,
    target_delete,
    target_update,
)

from .factories import won_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarter():
    return Period.current("quarter")


@pytest.fixture
def company(world, quarter):
    return target_create(
        actor=world.hq,
        data={
            "unit_kind": "company",
            "metric": "won_amount",
            "period": quarter.label,
            "value": "1000000",
        },
    )


def test_hq_decomposes_to_a_region_which_decomposes_to_a_partner(world, company):
    region = target_children_set(
        actor=world.hq, parent=company, values={f"region:{world.south.pk}": "600000"}
    )[0]
    partner = target_children_set(
        actor=world.south_manager, parent=region, values={f"partner:{world.p1.pk}": "250000"}
    )[0]

    assert (region.unit_kind, region.region, region.parent) == ("region", world.south, company)
    assert (partner.partner, partner.parent, partner.scope_region) == (
        world.p1,
        region,
        world.shenzhen,
    )
    assert partner.period == company.period and partner.metric == "won_amount"


def test_the_partner_admin_decomposes_its_partner_target_to_its_sales_people(world, company):
    region = target_children_set(
        actor=world.hq, parent=company, values={f"region:{world.south.pk}": "600000"}
    )[0]
    partner = target_children_set(
        actor=world.hq, parent=region, values={f"partner:{world.p1.pk}": "250000"}
    )[0]

    with pytest.raises(PermissionDenied):
        target_children_set(
            actor=world.p1_user, parent=partner, values={f"person:{world.p1_user.pk}": "1"}
        )
    person = target_children_set(
        actor=world.p1_admin, parent=partner, values={f"person:{world.p1_user.pk}": "100000"}
    )[0]

    assert person.person == world.p1_user and person.partner == world.p1


def test_another_regions_manager_cannot_decompose_a_region_target(world, company):
    region = target_children_set(
        actor=world.hq, parent=company, values={f"region:{world.south.pk}": "600000"}
    )[0]

    with pytest.raises(PermissionDenied):
        target_children_set(
            actor=world.east_manager, parent=region, values={f"partner:{world.p1.pk}": "1"}
        )
    with pytest.raises(PermissionDenied):
        target_create(
            actor=world.south_manager,
            data={"unit_kind": "company", "metric": "won_amount", "period": "2026", "value": "1"},
        )
    assert Target.objects.count() == 2


@pytest.mark.parametrize(
    ("value", "field"),
    [("-1", "value"), ("abc", "value"), ("1.234", "value")],
)
def test_bad_values_are_refused_and_nothing_is_written(world, quarter, value, field):
    with pytest.raises(ValidationError) as error:
        target_create(
            actor=world.hq,
            data={
                "unit_kind": "company",
                "metric": "won_amount",
                "period": quarter.label,
                "value": value,
            },
        )
    assert field in error.value.message_dict
    assert not Target.objects.exists()


def test_a_rate_above_100_and_a_bad_period_are_refused(world):
    with pytest.raises(ValidationError) as error:
        target_create(
            actor=world.hq,
            data={
                "unit_kind": "company",
                "metric": "conversion_rate",
                "period": "2026Q5",
                "value": "120",
            },
        )
    assert {"period", "value"} <= set(error.value.message_dict)


def test_an_overlapping_period_of_the_same_unit_and_metric_is_refused(world, company, quarter):
    month = Period(quarter.start, "month")
    year = Period.of("year", quarter.start)
    for label in (quarter.label, month.label, year.label):
        with pytest.raises(ValidationError) as error:
            target_create(
                actor=world.hq,
                data={
                    "unit_kind": "company",
                    "metric": "won_amount",
                    "period": label,
                    "value": "5",
                },
            )
        assert (
            "overlaps" in error.value.message_dict["period"][0]
            or "重叠" in error.value.message_dict["period"][0]
        )
    assert Target.objects.count() == 1
    # Another metric, or the next quarter, is fine.
    target_create(
        actor=world.hq,
        data={
            "unit_kind": "company",
            "metric": "registrations",
            "period": quarter.label,
            "value": "5",
        },
    )
    target_create(
        actor=world.hq,
        data={
            "unit_kind": "company",
            "metric": "won_amount",
            "period": quarter.next().label,
            "value": "5",
        },
    )


def test_decomposing_with_one_bad_value_writes_nothing(world, company):
    with pytest.raises(ValidationError) as error:
        target_children_set(
            actor=world.hq,
            parent=company,
            values={f"region:{world.south.pk}": "100", f"region:{world.east.pk}": "-5"},
        )
    assert f"region:{world.east.pk}" in error.value.message_dict
    assert Target.objects.count() == 1


def test_a_child_outside_the_parents_unit_is_refused(world, company):
    region = target_children_set(
        actor=world.hq, parent=company, values={f"region:{world.south.pk}": "600000"}
    )[0]

    with pytest.raises(ValidationError):
        target_children_set(actor=world.hq, parent=region, values={f"partner:{world.p3.pk}": "1"})
    assert not Target.objects.filter(partner=world.p3).exists()


def test_attainment_comes_from_won_projects_and_the_children_sum_is_shown(world, company):
    won_project(world.p1, amount="150000")
    won_project(world.p3, amount="50000")
    facts_rebuild()
    region = target_children_set(
        actor=world.hq, parent=company, values={f"region:{world.south.pk}": "600000"}
    )[0]
    partner = target_children_set(
        actor=world.hq, parent=region, values={f"partner:{world.p1.pk}": "300000"}
    )[0]

    company, region, partner = with_attainment(
        list(Target.objects.filter(pk__in=[company.pk, region.pk, partner.pk]).order_by("pk"))
    )

    assert company.actual == 200000 and company.attainment == 20
    assert region.actual == 150000 and partner.attainment == 50
    assert (region.children_total, region.gap, region.adds_up) == (300000, 300000, False)
    assert company.children_total == 600000 and not company.adds_up


def test_change_and_delete_follow_the_planner_of_the_parent(world, company):
    region = target_children_set(
        actor=world.hq, parent=company, values={f"region:{world.south.pk}": "600000"}
    )[0]

    with pytest.raises(PermissionDenied):
        target_update(actor=world.south_manager, target=region, value="1")
    target_update(actor=world.hq, target=region, value="700000")
    with pytest.raises(ValidationError):
        target_delete(actor=world.hq, target=company)  # it has children
    target_delete(actor=world.hq, target=region)
    assert list(Target.objects.all()) == [company]


def test_today_is_inside_the_current_period(quarter):
    assert quarter.contains(timezone.localdate())
