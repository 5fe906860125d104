"""The project list pages over the ids first and then loads the page's rows (selectors.
projects_page): the query count does not change with the number of projects, every sort keeps
its order across pages (ties broken by id: no row twice, none missing), bad page numbers fall
back like Paginator.get_page, the count and the id query join nothing, and scopes still hold
(partner 2 never gets partner 1's projects, on any page)."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qudao.projects.models import Project
from qudao.projects.selectors import SORTS, projects_page, projects_search
from qudao.projects.tests.factories import project, template

pytestmark = pytest.mark.django_db
API = "/api/v1/projects"
ROW = re.compile(r'data-testid="project-row">\s*<td[^>]*><a href="/projects/(\d+)/">')


def make_projects(world, count: int, start: int = 0) -> list[Project]:
    made = []
    for index in range(start, start + count):
        made.append(
            project(
                actor=world.pm,
                region=world.shenzhen,
                partner=world.p1 if index % 3 else None,
                name=f"项目{index:02d}",
                customer_name=f"客户{index % 4}",
                # Only four amounts: many ties, so the id decides the order inside each.
                amount=str(Decimal(1000 * (index % 4 + 1))),
            )
        )
    return made


@pytest.fixture
def twelve(world):
    """Twelve projects of 深圳 with tied amounts, close dates (some empty), statuses and names."""
    template()
    made = make_projects(world, 12)
    for index, row in enumerate(made):
        Project.objects.filter(pk=row.pk).update(
            expected_close_date=None if index % 5 == 0 else date(2026, 1, 1) + timedelta(index % 3),
            status=Project.Status.WON if index % 4 == 0 else Project.Status.ACTIVE,
        )
    return made


def expected_ids(user, sort: str, **filters) -> list[int]:
    """The order a single, unpaged query gives (the reference the pages must follow)."""
    rows, _used = projects_search(user, sort=sort, **filters)
    return list(rows.values_list("pk", flat=True))


def api_pages(client, query: str, page_size: int) -> tuple[list[int], int]:
    found, number, count = [], 1, None
    while True:
        body = client.get(f"{API}?{query}&page_size={page_size}&page={number}").json()
        count = body["count"]
        found.extend(item["id"] for item in body["items"])
        if number * page_size >= count:
            return found, count
        number += 1


def page_ids(response) -> list[int]:
    assert response.status_code == 200
    return [int(pk) for pk in ROW.findall(response.content.decode())]


@pytest.mark.parametrize("sort", sorted([*SORTS, *(f"-{key}" for key in SORTS)]))
def test_every_sort_keeps_its_order_across_api_pages(world, as_api, twelve, sort):
    found, count = api_pages(as_api(world.hq), f"sort={sort}", page_size=5)

    assert count == 12
    assert found == expected_ids(world.hq, sort)
    assert len(set(found)) == 12


def test_amount_sort_across_page_view_pages(world, as_user, twelve, settings):
    settings.PAGE_SIZE = 5
    client = as_user(world.south_manager)

    pages = [page_ids(client.get(f"/projects/?sort=-amount&page={n}")) for n in (1, 2, 3)]

    assert [len(page) for page in pages] == [5, 5, 2]
    found = [pk for page in pages for pk in page]
    assert found == expected_ids(world.south_manager, "-amount")
    amounts = dict(Project.objects.values_list("pk", "amount"))
    assert [amounts[pk] for pk in found] == sorted(amounts.values(), reverse=True)


def test_filters_and_paging_together(world, as_api, twelve):
    query = "sort=amount&status=active&q=项目"

    found, count = api_pages(as_api(world.hq), query, page_size=4)

    expected = expected_ids(world.hq, "amount", status="active", q="项目")
    assert count == len(expected) == 9 and found == expected


@pytest.mark.parametrize(
    ("page", "first_of"),
    # As Paginator.get_page: not a number, the first page; out of range (below 1 too), the last.
    [("abc", 0), ("", 0), ("0", 10), ("-1", 10), ("3", 10), ("99", 10)],
)
def test_a_bad_page_number_gives_the_first_or_last_page(
    world, as_user, twelve, settings, page, first_of
):
    settings.PAGE_SIZE = 5

    found = page_ids(as_user(world.hq).get(f"/projects/?sort=code&page={page}"))

    assert found[0] == expected_ids(world.hq, "code")[first_of]


def test_api_page_past_the_end_gives_the_last_page(world, as_api, twelve):
    body = as_api(world.hq).get(f"{API}?sort=-amount&page_size=5&page=40").json()

    assert (body["page"], body["count"], len(body["items"])) == (3, 12, 2)


def test_partner_2_gets_none_of_partner_1s_projects_on_any_page(world, as_api, as_user, twelve):
    own = make_projects(world, 2, start=100)
    Project.objects.filter(pk__in=[p.pk for p in own]).update(partner=world.p2)

    found, count = api_pages(as_api(world.p2_user), "sort=-amount", page_size=1)
    page = page_ids(as_user(world.p2_user).get("/projects/?sort=-amount"))

    assert count == 2 and sorted(found) == sorted(p.pk for p in own) == sorted(page)
    assert not Project.objects.filter(pk__in=found, partner=world.p1).exists()
    # The manager of another region sees none of 深圳's projects.
    assert api_pages(as_api(world.east_manager), "sort=-amount", page_size=5) == ([], 0)


def test_the_count_and_the_id_query_join_nothing(world, twelve):
    rows, _sort = projects_search(world.south_manager, stage="solution", sort="-amount")

    with CaptureQueriesContext(connection) as queries:
        page = projects_page(rows, 2, 5)
        assert [p.current_stage.definition.name for p in page.object_list]  # loaded, no query

    # (PostgreSQL also sets and puts back a join-order hint around the page's rows: not data)
    data = [q["sql"] for q in queries.captured_queries if "join_collapse_limit" not in q["sql"]]
    assert len(data) == 3
    count_sql, ids_sql, page_sql = data
    assert "COUNT(" in count_sql and "LIMIT 5 OFFSET 5" in ids_sql
    # The tables of the select_related are joined to the page's rows only (the scope's team
    # subquery joins the members, once, not per row).
    for table in ("core_region", "partners_partner", "core_user", "projects_templateversion"):
        assert table not in count_sql and table not in ids_sql
        assert table in page_sql
    assert "LIMIT" not in page_sql and "ORDER BY" not in page_sql
    assert page.paginator.count == 12 and len(page.object_list) == 5


def test_the_tables_rows_join_only_what_the_table_shows(world, twelve):
    rows, _sort = projects_search(world.hq, sort="-amount")

    with CaptureQueriesContext(connection) as queries:
        page = projects_page(rows, 1, 5, table=True)
        shown = [
            (p.region.name, p.owner.display_name, p.current_stage.definition.name)
            for p in page.object_list
        ]

    sqls = [q["sql"] for q in queries.captured_queries]
    page_sql = [sql for sql in sqls if "join_collapse_limit" not in sql][-1]
    assert "projects_templateversion" not in page_sql and "projects_processtemplate" not in page_sql
    assert "core_region" in page_sql and "projects_stagedefinition" in page_sql
    assert len(shown) == 5 and all(all(cell for cell in row) for row in shown)


def queries_of(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_query_count_is_the_same_for_3_and_30_projects(world, as_user, as_api):
    template()
    make_projects(world, 3)
    users = (world.hq, world.south_manager, world.channel_mgr, world.p1_user)
    paths = (
        "/projects/?sort=-amount&status=active",
        f"/projects/?stage=solution&region={world.south.pk}&sort=-amount&page=2",
    )
    apis = (f"{API}?sort=-amount", f"{API}?stage=solution&region={world.south.pk}&sort=name")
    clients = {user.pk: (as_user(user), as_api(user)) for user in users}

    def counts() -> list[int]:
        found = []
        for web, api in clients.values():
            found += [queries_of(web, path) for path in paths]
            found += [queries_of(api, path) for path in apis]
        return found

    counts()  # first calls (session, token use) write what later ones do not
    with_three = counts()
    make_projects(world, 27, start=3)
    with_thirty = counts()

    assert with_three == with_thirty
    # the page view with a region filter, as a regional manager; +2 on PostgreSQL: the join-order
    # hint set and put back (core/planning.py)
    assert max(with_thirty) <= 17
