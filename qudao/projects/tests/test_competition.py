"""The competitor strategy of a project (回避/竞争/跟踪): set through its service by whoever may
change the project, validated, audited, version-checked, refused once the project is final, and
shown on the project's overview and closing tab."""

import pytest
from django.utils.translation import override

from qudao.core.errors import ConflictError, PermissionDenied, ValidationError
from qudao.core.models import AuditEntry
from qudao.projects.models import Project
from qudao.projects.services import closing
from qudao.projects.services.competition import project_competition_set
from qudao.projects.tests.helpers import fresh, running_project

pytestmark = pytest.mark.django_db

ANALYSIS = "友商甲在该客户有存量设备，价格激进；我方无线方案领先。"


@pytest.fixture
def running(world):
    return running_project(world)


def test_the_team_sets_and_changes_the_strategy_and_it_is_audited(world, running):
    made = project_competition_set(
        actor=world.pm,
        project=running,
        data={"competitor_strategy": "compete", "competitor_analysis": ANALYSIS},
        version=running.version,
    )

    row = fresh(made)
    assert (row.competitor_strategy, row.competitor_analysis) == ("compete", ANALYSIS)
    assert row.version == running.version + 1
    entry = AuditEntry.objects.filter(object_id=str(row.pk), action="update").latest("pk")
    assert entry.changes["competitor_strategy"] == ["", "compete"]

    # A partner on its own project may change it too; a field left out stays as it is
    again = project_competition_set(
        actor=world.p1_user, project=row, data={"competitor_strategy": "track"}
    )
    assert (fresh(again).competitor_strategy, fresh(again).competitor_analysis) == (
        "track",
        ANALYSIS,
    )
    # and "" means not decided yet
    project_competition_set(actor=world.pm, project=row, data={"competitor_strategy": ""})
    assert fresh(row).competitor_strategy == ""


def test_bad_input_names_the_fields_and_writes_nothing(world, running):
    with pytest.raises(ValidationError) as error:
        project_competition_set(
            actor=world.pm,
            project=running,
            data={"competitor_strategy": "attack", "competitor_analysis": "x" * 5001},
        )

    assert set(error.value.message_dict) == {"competitor_strategy", "competitor_analysis"}
    row = fresh(running)
    assert (row.competitor_strategy, row.competitor_analysis, row.version) == (
        "",
        "",
        running.version,
    )


def test_partner_2_and_outsiders_cannot_set_it(world, running):
    for outsider in (world.p2_user, world.east_manager):
        with pytest.raises(PermissionDenied):
            project_competition_set(
                actor=outsider, project=running, data={"competitor_strategy": "avoid"}
            )
    assert fresh(running).competitor_strategy == ""


def test_a_stale_version_and_a_final_project_are_refused(world, running):
    with pytest.raises(ConflictError):
        project_competition_set(
            actor=world.pm,
            project=running,
            data={"competitor_strategy": "avoid"},
            version=running.version - 1,
        )
    lost = closing.project_lose(actor=world.pm, project=running, reason="客户选择了友商")
    with pytest.raises(ConflictError):
        project_competition_set(actor=world.pm, project=lost, data={"competitor_strategy": "avoid"})
    assert fresh(running).competitor_strategy == ""


def test_the_strategy_is_shown_on_the_overview_and_the_closing_tab(world, running, as_user):
    project_competition_set(
        actor=world.pm,
        project=running,
        data={"competitor_strategy": "avoid", "competitor_analysis": ANALYSIS},
    )
    client = as_user(world.pm)
    client.cookies["django_language"] = "en"

    overview = client.get(f"/projects/{running.pk}/").content.decode()
    closing_tab = client.get(f"/projects/{running.pk}/closing/").content.decode()

    with override("en"):
        label = str(Project.CompetitorStrategy.AVOID.label)
    for page in (overview, closing_tab):
        assert "Competitor strategy" in page
        assert label in page and ANALYSIS in page
    # partner 2 cannot open the project at all
    assert as_user(world.p2_user).get(f"/projects/{running.pk}/").status_code == 404


def test_the_closing_tab_form_sets_the_strategy_and_shows_errors(world, running, as_user):
    client = as_user(world.pm)
    url = f"/projects/{running.pk}/closing/competition/"
    assert (
        'data-testid="competition-form"'
        in client.get(f"/projects/{running.pk}/closing/").content.decode()
    )

    done = client.post(
        url,
        {
            "competitor_strategy": "avoid",
            "competitor_analysis": ANALYSIS,
            "version": running.version,
        },
    )
    assert done.status_code == 302
    assert fresh(running).competitor_strategy == "avoid"

    # A stale version is a message on the tab and changes nothing
    with override("en"):
        stale = client.post(url, {"competitor_strategy": "track", "version": running.version})
    assert stale.status_code == 200
    assert fresh(running).competitor_strategy == "avoid"
    # Partner 2 cannot reach the form at all
    outsider = as_user(world.p2_user).post(url, {"competitor_strategy": "track"})
    assert outsider.status_code == 404
    assert fresh(running).competitor_strategy == "avoid"
