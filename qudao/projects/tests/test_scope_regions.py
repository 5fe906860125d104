"""A list filtered by region (core.scopes.visible_in_regions, used by projects_search): the rows
are exactly what the scope and the filter give together, for every kind of user; a regional
manager filtering inside their own subtree gets the region filter alone (no team subquery,
which made PostgreSQL read every matching row), and anywhere else the whole scope."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qudao.core.scopes import region_subtree_ids, visible, visible_in_regions
from qudao.projects.models import Project, ProjectMember
from qudao.projects.selectors import projects_search
from qudao.projects.tests.factories import project, template
from qudao.registrations.models import CustomerKey

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(world):
    """Projects in 深圳 (with and without partner 1) and in 上海 (partner 3), and the south
    manager on the team of one 上海 project."""
    template()
    made = {
        "sz": project(actor=world.pm, region=world.shenzhen),
        "sz_p1": project(actor=world.pm, region=world.shenzhen, partner=world.p1),
        "sh": project(actor=world.pm, region=world.shanghai),
        "sh_p3": project(actor=world.pm, region=world.shanghai, partner=world.p3),
    }
    ProjectMember.objects.create(
        project=made["sh"], user=world.south_manager, role=ProjectMember.Role.MONITOR
    )
    return made


def ids(rows) -> set[int]:
    return set(rows.values_list("pk", flat=True))


@pytest.mark.parametrize(
    "who",
    ["hq", "south_manager", "east_manager", "channel_mgr", "other_cm", "pm", "p1_user", "p2_user"],
)
@pytest.mark.parametrize("region", ["south", "shenzhen", "east", "shanghai"])
def test_the_rows_are_the_scope_and_the_filter_together(world, spread, who, region):
    user = getattr(world, who)
    regions = region_subtree_ids(getattr(world, region).pk)

    found = ids(visible_in_regions(Project.objects.all(), user, regions))

    assert found == ids(visible(Project.objects.all(), user).filter(region_id__in=regions))


def test_the_south_manager_filtering_the_south_needs_no_team_subquery(world, spread):
    regions = region_subtree_ids(world.south.pk)
    rows = visible_in_regions(Project.objects.all(), world.south_manager, regions)

    with CaptureQueriesContext(connection) as queries:
        found = ids(rows)

    assert found == {spread["sz"].pk, spread["sz_p1"].pk}
    assert "projects_projectmember" not in queries.captured_queries[0]["sql"]


def test_outside_their_subtree_a_manager_keeps_only_their_teams_projects(world, spread):
    regions = region_subtree_ids(world.east.pk)
    rows = visible_in_regions(Project.objects.all(), world.south_manager, regions)

    with CaptureQueriesContext(connection) as queries:
        found = ids(rows)

    assert found == {spread["sh"].pk}
    assert "projects_projectmember" in queries.captured_queries[0]["sql"]


def test_a_partner_user_filtering_a_region_sees_only_their_partner(world, spread):
    regions = region_subtree_ids(world.south.pk)

    found = ids(visible_in_regions(Project.objects.all(), world.p1_user, regions))
    found_by_partner_2 = ids(visible_in_regions(Project.objects.all(), world.p2_user, regions))

    assert found == {spread["sz_p1"].pk}
    assert found_by_partner_2 == set()  # partner 1's project in partner 2's region: not theirs


def test_an_inactive_manager_sees_nothing(world, spread):
    world.south_manager.is_active = False
    regions = region_subtree_ids(world.south.pk)

    assert ids(visible_in_regions(Project.objects.all(), world.south_manager, regions)) == set()


def test_the_project_search_region_filter_uses_it(world, spread):
    rows, _sort = projects_search(world.south_manager, region=world.south.pk)

    assert ids(rows) == {spread["sz"].pk, spread["sz_p1"].pk}
    assert "projects_projectmember" not in str(rows.query)


def test_a_model_without_a_scope_rule_is_refused(world):
    with pytest.raises(LookupError):
        visible_in_regions(CustomerKey.objects.all(), world.hq, [world.south.pk])
