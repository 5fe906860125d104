"""The candidate index and the conflict check: found through the keys only, in a bounded number
of queries, other partners' live registrations only."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from qudao.core import scopes
from qudao.customers.matching import Deal, Level, match, normalise_name
from qudao.partners.tests.factories import PartnerFactory
from qudao.registrations.models import CustomerKey, CustomerName, Registration
from qudao.registrations.services import (
    MAX_CANDIDATES,
    registration_conflicts,
    registration_keys_refresh,
)
from qudao.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def test_a_live_registration_is_indexed_and_a_draft_is_not(world):
    live = RegistrationFactory(partner=world.p1, customer_name="深圳市大疆创新科技有限公司")
    draft = RegistrationFactory(
        partner=world.p1, customer_name="大疆创新科技", status=Registration.Status.DRAFT
    )

    keys = set(live.customer_keys.values_list("kind", "key"))
    assert ("name", "大疆创新科技") in keys
    assert all(
        partner == world.p1.pk
        for partner in live.customer_keys.values_list("partner_id", flat=True)
    )
    assert not draft.customer_keys.exists()


def test_refresh_rewrites_the_keys_after_a_change_and_drops_them_when_closed(world):
    registration = RegistrationFactory(partner=world.p1, customer_name="格力电器")

    registration.customer_name = "美的集团"
    registration.save()
    registration_keys_refresh(registration)
    names = set(registration.customer_keys.filter(kind="name").values_list("key", flat=True))
    assert names == {"美的"}

    registration.status = Registration.Status.LOST
    registration.save()
    registration_keys_refresh(registration)
    assert not CustomerKey.objects.filter(registration=registration).exists()


def test_a_live_registration_stores_its_name_taken_apart_and_loses_it_when_closed(world):
    registration = RegistrationFactory(
        partner=world.p1, customer_name="（深圳）腾讯计算机系统有限公司"
    )
    draft = RegistrationFactory(
        partner=world.p1, customer_name="腾讯科技", status=Registration.Status.DRAFT
    )

    stored = CustomerName.objects.get(registration=registration)
    assert stored.parts(registration.customer_name) == normalise_name(registration.customer_name)
    assert (stored.core, stored.brand) == ("腾讯计算机系统", "腾讯")
    assert (stored.pinyin, stored.brand_pinyin) == ("teng xun ji suan ji xi tong", "teng xun")
    assert not CustomerName.objects.filter(registration=draft).exists()

    registration.customer_name = "美的集团"
    registration.save()
    registration_keys_refresh(registration)
    assert CustomerName.objects.get(registration=registration).core == "美的"

    registration.status = Registration.Status.CANCELLED
    registration.save()
    registration_keys_refresh(registration)
    assert not CustomerName.objects.filter(registration=registration).exists()


def test_stored_name_parts_score_as_the_names_themselves_on_the_labelled_pairs(world):
    from qudao.customers.tests.test_matching import labelled_pairs

    registration = RegistrationFactory(partner=world.p1)
    for a, b, _same in labelled_pairs():
        # through the database's column types (JSON lists, text), as a check reads them
        CustomerName.of(registration.pk, normalise_name(b)).save()
        stored = CustomerName.objects.get(registration=registration)
        own = Deal(customer_name=a)
        assert match(own, Deal(customer_name=b, name=stored.parts(b))) == match(
            own, Deal(customer_name=b)
        ), (a, b)


def test_a_live_registration_without_stored_parts_is_still_found(world):
    # e.g. went live before its parts were stored, and not saved since
    theirs = RegistrationFactory(partner=world.p1, customer_name="深圳市大疆创新科技有限公司")
    CustomerName.objects.filter(registration=theirs).delete()
    mine = RegistrationFactory.build(
        partner=world.p2,
        customer_name="大疆创新科技（深圳）",
        customer_region=theirs.customer_region,
    )

    conflicts = registration_conflicts(registration=mine, product_lines=frozenset())

    assert [c.registration.pk for c in conflicts] == [theirs.pk]
    assert conflicts[0].level >= Level.LIKELY


def test_partner_2_registering_the_same_customer_spelled_differently_is_a_conflict(world):
    # Given partner 1's submitted registration
    first = RegistrationFactory(
        partner=world.p1,
        customer_name="深圳市腾讯计算机系统有限公司",
        customer_region=world.shenzhen,
        project_name="总部园区无线网络",
        products=[("WLAN", 40)],
    )
    # When partner 2 registers the same customer, written differently
    second = RegistrationFactory(
        partner=world.p2,
        customer_name="腾讯计算机系统（深圳）有限公司",
        customer_region=world.shenzhen,
        project_name="总部园区无线网络项目",
        products=[("WLAN", 35)],
        status=Registration.Status.DRAFT,
    )

    conflicts = registration_conflicts(registration=second)

    # Then partner 1's registration is found, certain, with the reasons
    assert [c.registration.pk for c in conflicts] == [first.pk]
    assert conflicts[0].level == Level.CERTAIN
    texts = [str(r) for r in conflicts[0].match.reasons]
    assert any("深圳市" in text and "有限公司" in text for text in texts)
    assert {"region", "project", "products"} <= {r.code for r in conflicts[0].match.reasons}
    # and partner 1's check sees partner 2 once it is live
    second.status = Registration.Status.SUBMITTED
    second.save()
    registration_keys_refresh(second)
    assert [c.registration.pk for c in registration_conflicts(registration=first)] == [second.pk]


def test_a_homophone_typo_in_another_region_is_likely(world):
    RegistrationFactory(partner=world.p1, customer_name="科大讯飞股份有限公司")
    typo = RegistrationFactory(partner=world.p2, customer_name="科大迅飞", status="draft")

    conflicts = registration_conflicts(registration=typo)

    assert len(conflicts) == 1
    assert conflicts[0].level == Level.LIKELY


def test_same_credit_code_is_found_whatever_the_name(world):
    RegistrationFactory(
        partner=world.p1, customer_name="甲乙丙科技", customer_credit_code="91440300708461136T"
    )
    other = RegistrationFactory(
        partner=world.p2,
        customer_name="完全不同的写法",
        customer_credit_code="91440300708461136T",
        status="draft",
    )

    assert [c.level for c in registration_conflicts(registration=other)] == [Level.CERTAIN]


@pytest.mark.parametrize(
    "status",
    [
        Registration.Status.DRAFT,
        Registration.Status.REJECTED,
        Registration.Status.EXPIRED,
        Registration.Status.WON,
        Registration.Status.LOST,
        Registration.Status.CANCELLED,
    ],
)
def test_registrations_that_are_not_live_are_never_candidates(world, status):
    RegistrationFactory(partner=world.p1, customer_name="大疆创新科技", status=status)
    mine = RegistrationFactory(partner=world.p2, customer_name="大疆创新科技", status="draft")

    assert registration_conflicts(registration=mine) == []


def test_the_partners_own_registrations_are_not_conflicts(world):
    RegistrationFactory(partner=world.p1, customer_name="大疆创新科技")
    again = RegistrationFactory(partner=world.p1, customer_name="深圳大疆创新科技", status="draft")

    assert registration_conflicts(registration=again) == []


def test_different_organisations_with_similar_names_are_not_likely(world):
    for name in ("深圳市和讯计算机系统有限公司", "广州地铁集团", "华伟电子", "腾讯音乐"):
        RegistrationFactory(partner=world.p1, customer_name=name)
    mine = RegistrationFactory(
        partner=world.p2, customer_name="深圳市腾讯计算机系统有限公司", status="draft"
    )

    assert all(c.level < Level.LIKELY for c in registration_conflicts(registration=mine))


def test_each_candidate_is_scored_once_with_all_its_product_lines(world):
    # Given three of partner 1's registrations of one customer: with two product lines, one of
    # them twice; with none; with another line
    name = "深圳市腾讯计算机系统有限公司"
    both = RegistrationFactory(
        partner=world.p1,
        customer_name=name,
        products=[("SW", 1), ("WLAN", 2), ("WLAN", 3)],
    )
    bare = RegistrationFactory(partner=world.p1, customer_name=name)
    other_line = RegistrationFactory(partner=world.p1, customer_name=name, products=[("SW", 4)])
    draft = RegistrationFactory(
        partner=world.p2, customer_name=name, status="draft", products=[("WLAN", 5)]
    )

    conflicts = {c.registration.pk: c for c in registration_conflicts(registration=draft)}

    # Then each is one conflict (a row per product line is read, not a conflict per row)
    assert set(conflicts) == {both.pk, bare.pk, other_line.pk}
    # and only the one sharing the draft's line has that reason, naming the line once
    shared = [r for r in conflicts[both.pk].match.reasons if r.code == "products"]
    assert [r.params["products"] for r in shared] == [draft.products.get().product_line.name]
    for pk in (bare.pk, other_line.pk):
        assert "products" not in {r.code for r in conflicts[pk].match.reasons}


def test_a_candidate_that_stopped_being_live_since_its_keys_were_written_is_left_out(world):
    # Given two of partner 1's registrations of one customer, one of them since lost, its keys
    # not yet removed (a write that did not go through the services)
    name = "深圳市腾讯计算机系统有限公司"
    live = RegistrationFactory(partner=world.p1, customer_name=name)
    lost = RegistrationFactory(partner=world.p1, customer_name=name)
    Registration.objects.filter(pk=lost.pk).update(status=Registration.Status.LOST)
    assert CustomerKey.objects.filter(registration=lost).exists()
    draft = RegistrationFactory(partner=world.p2, customer_name=name, status="draft")

    # Then only the live one is a conflict
    conflicts = registration_conflicts(registration=draft)
    assert [c.registration.pk for c in conflicts] == [live.pk]


def test_candidate_lookup_queries_do_not_grow_with_the_number_of_registrations(
    world, django_assert_max_num_queries
):
    # Given 300+ live registrations of other partners, many sharing words with the customer
    others = [PartnerFactory(region=world.shenzhen) for _ in range(3)]
    for i in range(320):
        RegistrationFactory(
            partner=others[i % 3],
            customer_name=f"深圳市{'腾华中海'[i % 4]}{'讯兴信为'[i // 4 % 4]}{i}科技有限公司",
            customer_region=world.shenzhen,
            products=[("SW", 1)] if i % 10 == 0 else None,
        )
    target = RegistrationFactory(partner=others[0], customer_name="腾讯科技(深圳)有限公司")
    mine = RegistrationFactory(
        partner=world.p1,
        customer_name="深圳市腾讯科技有限公司",
        status="draft",
        products=[("SW", 2), ("WLAN", 3)],
    )

    # When partner 1's draft is checked: the key lookup, then the candidates with their product
    # lines and the draft's own
    with django_assert_max_num_queries(2) as context:
        conflicts = registration_conflicts(registration=mine)

    # Then the one real conflict comes first
    assert conflicts[0].registration.pk == target.pk
    assert conflicts[0].level == Level.LIKELY
    assert len(conflicts) <= MAX_CANDIDATES
    queries = [q["sql"] for q in context.captured_queries]
    print(f"\ncandidate lookup and scoring: {len(queries)} queries for 322 registrations")
    # and the registrations table is only ever read by primary key (no scan)
    for sql in queries:
        if 'FROM "registrations_registration"' in sql:
            assert '"registrations_registration"."id" IN' in sql, sql


def test_the_database_refuses_non_positive_amounts_and_quantities(world):
    registration = RegistrationFactory(partner=world.p1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(estimated_amount=Decimal("0"))
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(partner=world.p1, products=[("SW", 0)])


def test_number_is_generated_in_the_bb_series(world):
    registration = RegistrationFactory(partner=world.p1)

    assert registration.number.startswith("BB-")
    assert len(registration.number) == len("BB-2026-000123")


def test_registrations_follow_the_partners_scope(world):
    mine = RegistrationFactory(partner=world.p1)
    theirs = RegistrationFactory(partner=world.p3)

    def seen(user):
        return set(scopes.visible(Registration.objects.all(), user))

    assert seen(world.p1_user) == {mine}
    assert seen(world.p2_user) == set()  # partner 2 cannot see partner 1's registration
    assert seen(world.channel_mgr) == {mine}
    assert seen(world.south_manager) == {mine}
    assert seen(world.east_manager) == {theirs}
    assert seen(world.hq) == {mine, theirs}


def test_the_reindex_migration_rewrites_old_keys_to_what_the_services_write(world):
    from importlib import import_module

    from django.apps import apps

    from qudao.customers.keys import customer_keys

    migration = import_module("qudao.registrations.migrations.0004_reindex_customer_keys")
    registration = RegistrationFactory(partner=world.p1, customer_name="深圳市云帆信息技术有限公司")
    draft = RegistrationFactory(
        partner=world.p1, customer_name="云帆信息技术", status=Registration.Status.DRAFT
    )
    CustomerKey.objects.create(
        registration=registration, partner=registration.partner, kind="gram", key="息技"
    )

    migration.reindex_keys(apps, None)

    keys = set(registration.customer_keys.values_list("kind", "key"))
    assert keys == set(customer_keys(registration.customer_name, registration.customer_credit_code))
    assert ("gram", "息技") not in keys
    assert not draft.customer_keys.exists()


def test_keys_hold_the_customer_region_and_follow_a_change(world):
    registration = RegistrationFactory(
        partner=world.p1, customer_name="深圳市人民医院", customer_region=world.shenzhen
    )
    assert set(registration.customer_keys.values_list("region_id", flat=True)) == {
        world.shenzhen.pk
    }

    registration.customer_region = world.shanghai
    registration.save()
    registration_keys_refresh(registration)

    assert set(registration.customer_keys.values_list("region_id", flat=True)) == {
        world.shanghai.pk
    }


def test_among_more_namesakes_than_are_scored_the_same_region_comes_first(world):
    # Given more registrations of 人民政府办公厅 (the city is not part of the normalised name)
    # in 上海 than a check scores, all older than the one in 深圳 (ties went to the lowest ids:
    # the 深圳 one was never scored)
    others = [PartnerFactory(region=world.shanghai) for _ in range(3)]
    for i in range(MAX_CANDIDATES + 3):
        RegistrationFactory(
            partner=others[i % 3],
            customer_name="上海市人民政府办公厅",
            customer_region=world.shanghai,
        )
    same_region = RegistrationFactory(
        partner=others[0], customer_name="深圳市人民政府办公厅", customer_region=world.shenzhen
    )
    mine = RegistrationFactory(
        partner=world.p1,
        customer_name="深圳市人民政府办公厅",
        customer_region=world.shenzhen,
        status=Registration.Status.DRAFT,
    )

    conflicts = registration_conflicts(registration=mine)

    # Then the 深圳 office is scored, and is the one certain conflict, first
    assert len(conflicts) == MAX_CANDIDATES
    assert conflicts[0].registration.pk == same_region.pk
    assert conflicts[0].level == Level.CERTAIN
    assert all(c.level == Level.LIKELY for c in conflicts[1:])


def test_the_region_migration_copies_each_keys_customer_region(world):
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = import_module("qudao.registrations.migrations.0008_customer_key_region")
    south = RegistrationFactory(partner=world.p1, customer_region=world.shenzhen)
    east = RegistrationFactory(partner=world.p2, customer_region=world.shanghai)
    CustomerKey.objects.update(region=None)

    migration.copy_regions(apps, SimpleNamespace(connection=connection))

    assert set(south.customer_keys.values_list("region_id", flat=True)) == {world.shenzhen.pk}
    assert set(east.customer_keys.values_list("region_id", flat=True)) == {world.shanghai.pk}
