"""The bulk seeding of the projects bench writes consistent rows: the bench's figures mean
something only if its projects look like the ones the services create."""

from collections import Counter

import pytest

from qudao.demo.scale_projects import CODE_PREFIX, seed_projects
from qudao.projects.models import Project, ProjectMember, ProjectStage, StageDefinition
from qudao.projects.selectors import projects_search

pytestmark = pytest.mark.django_db

COUNT = 200


@pytest.fixture
def seeded(world):
    counts = seed_projects(COUNT, progress=lambda line: None)
    return counts


def test_seeding_adds_projects_with_unique_codes(seeded):
    assert seeded["projects"] == COUNT
    codes = list(Project.objects.values_list("code", flat=True))
    assert len(codes) == COUNT
    assert len(set(codes)) == COUNT
    assert all(code.startswith(CODE_PREFIX) for code in codes)
    # spread over templates, stages, statuses and regions
    assert Project.objects.values("template_version").distinct().count() >= 4
    assert Project.objects.values("stage_code").distinct().count() >= 10
    assert Project.objects.values("status").distinct().count() >= 4
    assert Project.objects.filter(amount__lt=200_000).exists()
    assert Project.objects.filter(amount__gt=2_000_000).exists()


def test_stage_rows_match_the_template_version(seeded):
    definitions: dict[int, list[int]] = {}
    for version_id, pk in StageDefinition.objects.order_by("order").values_list("version", "pk"):
        definitions.setdefault(version_id, []).append(pk)
    stages: dict[int, list[int]] = {}
    for project_id, definition_id in ProjectStage.objects.order_by("order").values_list(
        "project", "definition"
    ):
        stages.setdefault(project_id, []).append(definition_id)
    projects = list(Project.objects.select_related("current_stage__definition"))
    assert seeded["project_stages"] == sum(len(stages[p.pk]) for p in projects)
    for project in projects:
        assert stages[project.pk] == definitions[project.template_version_id], project.code


def test_current_stage_is_set_and_stage_code_denormalised(seeded):
    for project in Project.objects.select_related("current_stage__definition"):
        current = project.current_stage
        assert current is not None, project.code
        assert current.project_id == project.pk
        assert current.definition.code == project.stage_code
        statuses = Counter(
            (stage.order < current.order, stage.order == current.order, stage.status)
            for stage in project.stages.all()
        )
        before = {status for (earlier, _same, status) in statuses if earlier}
        after = {status for (earlier, same, status) in statuses if not earlier and not same}
        assert before <= {ProjectStage.Status.DONE}
        assert after <= {ProjectStage.Status.PENDING}
        if project.status in (Project.Status.WON, Project.Status.CLOSED):
            assert current.status == ProjectStage.Status.DONE
        else:
            assert current.status == ProjectStage.Status.ACTIVE


def test_owner_is_a_team_member_and_the_list_finds_the_projects(seeded, world):
    assert seeded["project_members"] == COUNT
    pairs = set(ProjectMember.objects.values_list("project_id", "user_id"))
    assert all((pk, owner) in pairs for pk, owner in Project.objects.values_list("pk", "owner"))
    stage = Project.objects.values_list("stage_code", flat=True).first()
    rows, _sort = projects_search(world.admin, stage=stage, sort="-amount")
    amounts = [row.amount for row in rows]
    assert amounts == sorted(amounts, reverse=True)
    assert len(amounts) == Project.objects.filter(stage_code=stage).count()


def test_seeding_nothing_writes_nothing(world):
    assert seed_projects(0, progress=lambda line: None) == {"projects": 0}
    assert not Project.objects.exists()
