"""The shared paginator: a page's ids come from a subquery, the page is still one query, the
order and the rows are those of plain slicing, and scopes across a foreign key are subqueries."""

import time

import pytest
from django.db.models import Prefetch

from qudao.core.models import Region, User
from qudao.core.paging import IdsFirstPaginator, rows_in_order
from qudao.core.scopes import scope_q, visible
from qudao.core.tests.factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    regions = [RegionFactory() for _ in range(3)]
    # Equal first names, so that the order needs its tie-breaker.
    return [
        UserFactory(first_name=f"名{index % 4}", region=regions[index % 3]) for index in range(23)
    ]


def test_every_page_holds_the_rows_plain_slicing_gives_in_the_same_order(users):
    rows = User.objects.select_related("region").order_by("-first_name", "pk")
    expected = list(rows)

    paginator = IdsFirstPaginator(rows, 5)
    pages = [list(paginator.page(number).object_list) for number in paginator.page_range]

    assert [user.pk for page in pages for user in page] == [user.pk for user in expected]
    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]


def test_a_page_is_one_query_with_its_related_rows(users, django_assert_num_queries):
    rows = User.objects.select_related("region").order_by("username", "pk")
    paginator = IdsFirstPaginator(rows, 10)
    paginator.count  # noqa: B018 - the count is its own query

    with django_assert_num_queries(1):
        page = list(paginator.page(2).object_list)
        regions = {user.region.name for user in page}

    assert len(page) == 10 and regions


def test_prefetches_run_for_the_page_only(users, django_assert_num_queries):
    rows = Region.objects.prefetch_related(Prefetch("users")).order_by("code")

    with django_assert_num_queries(2):
        page = rows_in_order(rows, 0, 2)
        sizes = [len(region.users.all()) for region in page]

    assert sizes and all(size > 0 for size in sizes)


def test_lists_values_and_unordered_querysets_are_sliced_as_they_are(users):
    assert rows_in_order([1, 2, 3, 4], 1, 3) == [2, 3]
    values = User.objects.order_by("pk").values("pk")
    assert list(rows_in_order(values, 0, 2)) == list(values[:2])
    assert len(list(rows_in_order(User.objects.all(), 0, 4))) == 4


def test_a_scope_across_a_foreign_key_is_exists_not_a_join(world):
    """The channel manager's rule on users is `partner__owner`: the scoped query must not join
    the partners (a join lets the database sort every matching row before paging)."""
    rows = visible(User.objects.order_by("pk"), world.channel_mgr)
    sql = str(rows.query).upper()

    assert " JOIN " not in sql
    assert "EXISTS(SELECT" in sql.replace(" ", "")
    assert set(rows) == set(User.objects.filter(partner__owner=world.channel_mgr))
    assert scope_q(world.p1_user, User) is not None


def test_with_a_loader_the_ids_come_first_and_the_order_is_kept(users, django_assert_num_queries):
    rows = User.objects.order_by("-first_name", "pk")
    expected = [user.pk for user in rows]
    related = User.objects.select_related("region")
    paginator = IdsFirstPaginator(rows, 5, load=related.in_bulk)
    paginator.count  # noqa: B018 - the count is its own query

    with django_assert_num_queries(2):  # the page's ids, then its rows
        page = list(paginator.page(2).object_list)
        regions = {user.region.name for user in page}

    assert [user.pk for user in page] == expected[5:10]
    assert regions
    pages = [paginator.page(n).object_list for n in paginator.page_range]
    assert [user.pk for rows_ in pages for user in rows_] == expected


def test_a_capped_count_stops_at_the_cap_and_says_so(users, django_assert_num_queries):
    rows = User.objects.order_by("username", "pk")

    capped = IdsFirstPaginator(rows, 5, count_cap=10)
    with django_assert_num_queries(1):
        assert capped.count == 11  # counted as far as cap + 1: enough to know there is more
    assert capped.count_is_capped
    assert (capped.count_display, capped.num_pages_display) == ("10+", "3+")
    assert [u.pk for u in capped.page(3).object_list] == [u.pk for u in rows[10:15]]

    exact = IdsFirstPaginator(rows, 5, count_cap=100)
    assert exact.count == len(users)
    assert not exact.count_is_capped
    assert (exact.count_display, exact.num_pages_display) == ("23", "5")


def test_a_count_that_reached_the_cap_is_remembered_for_the_same_query(
    users, django_assert_num_queries, monkeypatch
):
    from qudao.core import paging

    monkeypatch.setattr(paging, "CAPPED_COUNT_SECONDS", 0.5)
    rows = User.objects.order_by("username", "pk")
    assert IdsFirstPaginator(rows, 5, count_cap=10).count == 11

    # The same query again: no count, still "10+", and the pages still come from the rows
    again = IdsFirstPaginator(User.objects.order_by("username", "pk"), 5, count_cap=10)
    with django_assert_num_queries(0):
        assert again.count == 11 and again.count_is_capped
    assert [u.pk for u in again.page(2).object_list] == [u.pk for u in rows[5:10]]

    # Rows falling under the cap are seen once the memory has expired, not before
    User.objects.filter(pk__in=[u.pk for u in rows[3:]]).delete()
    assert IdsFirstPaginator(rows.all(), 5, count_cap=10).count == 11
    time.sleep(0.6)
    assert IdsFirstPaginator(rows.all(), 5, count_cap=10).count == 3


def test_a_count_under_the_cap_is_counted_every_time(users, django_assert_num_queries):
    rows = User.objects.order_by("username", "pk")
    assert IdsFirstPaginator(rows, 5, count_cap=100).count == len(users)

    UserFactory(username="one-more")

    with django_assert_num_queries(1):
        assert IdsFirstPaginator(rows.all(), 5, count_cap=100).count == len(users) + 1


def test_rows_that_can_be_none_are_counted_without_a_query(users, django_assert_num_queries):
    nothing = User.objects.filter(pk__in=[]).order_by("username", "pk")

    with django_assert_num_queries(0):
        assert IdsFirstPaginator(nothing, 5, count_cap=10).count == 0


def test_another_filter_is_counted_on_its_own(users):
    everyone = User.objects.order_by("username", "pk")
    assert IdsFirstPaginator(everyone, 5, count_cap=10).count_is_capped

    few = everyone.filter(username__in=[u.username for u in users[:3]])

    assert IdsFirstPaginator(few, 5, count_cap=10).count == 3


def test_a_list_page_shows_a_capped_count_with_a_plus(world, as_user, settings, monkeypatch):
    from qudao.core import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    settings.PAGE_SIZE = 2
    for index in range(6):
        UserFactory(username=f"capped{index}")

    html = as_user(world.admin).get("/org/").content.decode()

    assert "共 3+ 条 · 第 1/2+ 页" in html  # the default language is Chinese
