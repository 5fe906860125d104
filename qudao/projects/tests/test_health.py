"""Project health: overdue milestones, a stage over its target, missing documents after the grace
period, and stale projects; warning vs critical; alerts (notifications to the owner and the
monitors) at most once per condition; bounded queries for any number of projects; the daily task
run by the real worker."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from qudao.core import hooks
from qudao.core.models import Notification
from qudao.core.tests.factories import UserFactory
from qudao.core.tests.worker import run_worker
from qudao.projects import services as project_services
from qudao.projects.models import Project, ProjectAlert, WorkItem
from qudao.projects.services import plan as plan_services
from qudao.projects.services import weekly as weekly_services
from qudao.projects.services.health import projects_health_check
from qudao.projects.tasks import projects_health_check_task
from qudao.projects.tests.factories import pdf, template
from qudao.projects.tests.helpers import add_member, fresh, running_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # uploaded test documents stay out of the repo


DAY = datetime.timedelta(days=1)


def later(days: int) -> datetime.datetime:
    return timezone.now() + days * DAY


def milestone(world, project_obj, due: datetime.date, name="初验") -> WorkItem:
    return plan_services.work_item_create(
        actor=world.pm,
        project=project_obj,
        data={"kind": "milestone", "name": name, "due_date": due},
    )


def upload_proposal(world, project_obj):
    project_services.project_document_upload(
        actor=world.pm,
        project=project_obj,
        stage=project_obj.current_stage_id,
        document_type="proposal",
        upload=pdf(),
    )


def codes(project_obj) -> list[str]:
    return sorted(reason["code"] for reason in fresh(project_obj).health_reasons)


@pytest.fixture
def running(world):
    return running_project(world)


@pytest.fixture
def long_running(world):
    """A project whose one stage takes 100 days and needs no document: only staleness shows."""
    template(code="long", stages=[{"code": "run", "name": "实施", "target_days": 100}])
    from qudao.projects.models import ProcessTemplate
    from qudao.projects.tests.factories import project

    return project(
        actor=world.pm,
        region=world.shenzhen,
        partner=world.p1,
        template_obj=ProcessTemplate.objects.get(code="long"),
    )


def test_a_fresh_project_is_on_track(world, running):
    counts = projects_health_check()
    row = fresh(running)
    assert (row.health, row.health_reasons) == ("good", [])
    assert row.health_checked_at is not None
    assert counts["good"] == 1 and counts["alerts"] == 0


def test_an_overdue_milestone_puts_the_project_at_risk(world, running):
    today = timezone.localdate()
    late = milestone(world, running, today + DAY)
    milestone(world, running, today + 30 * DAY, name="终验")  # not due yet
    done = milestone(world, running, today, name="已完成")
    plan_services.work_item_update(actor=world.pm, item=done, data={"status": "done"})
    plan_services.work_item_create(  # tasks are not milestones
        actor=world.pm, project=running, data={"name": "安装", "due_date": today}
    )
    version = fresh(running).version

    projects_health_check(now=later(3))

    row = fresh(running)
    assert row.health == "warning"
    (reason,) = row.health_reasons
    assert (reason["code"], reason["subject"], reason["days"]) == (
        "milestone_overdue",
        str(late.pk),
        2,
    )
    assert row.version == version  # derived data: no optimistic-lock bump


def test_missing_documents_count_after_the_grace_period(world, running):
    projects_health_check(now=later(6))
    assert codes(running) == []
    projects_health_check(now=later(8))
    assert codes(running) == ["documents_missing"]
    assert "方案建议书" in fresh(running).health_reasons[0]["names"]
    upload_proposal(world, running)
    projects_health_check(now=later(8))
    assert codes(running) == []


def test_a_stage_over_its_target_is_at_risk_then_critical(world, running):
    upload_proposal(world, running)
    projects_health_check(now=later(11))  # target 10 days
    assert codes(running) == ["stage_overdue"] and fresh(running).health == "warning"
    # Twice its target (and silent for 21 days): critical.
    projects_health_check(now=later(21))
    row = fresh(running)
    assert row.health == "critical" and codes(running) == ["stage_overdue", "stale"]


def test_a_project_without_updates_goes_stale(world, long_running):
    projects_health_check(now=later(13))
    assert codes(long_running) == []
    projects_health_check(now=later(15))
    row = fresh(long_running)
    assert (row.health, codes(long_running)) == ("warning", ["stale"])
    projects_health_check(now=later(30))
    assert fresh(long_running).health == "critical"


def test_a_weekly_report_counts_as_an_update(world, long_running, settings):
    settings.PROJECT_STALE_DAYS = 0
    projects_health_check(now=later(2))
    assert codes(long_running) == ["stale"]
    weekly_services.weekly_report_save(
        actor=world.pm, project=long_running, data={"this_week": "实施进展顺利"}
    )
    projects_health_check(now=timezone.now())
    assert codes(long_running) == []


def test_two_kinds_of_problem_are_critical(world, running):
    milestone(world, running, timezone.localdate())
    projects_health_check(now=later(8))  # milestone late + documents missing
    assert fresh(running).health == "critical"


def test_each_condition_is_alerted_once_to_the_owner_and_monitors(
    world, running, django_capture_on_commit_callbacks
):
    monitor = UserFactory(roles=["project_manager"])
    add_member(world, running, monitor, "monitor")
    late = milestone(world, running, timezone.localdate())

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            projects_health_check(now=later(2))
    sent = Notification.objects.filter(title__contains=running.code)
    assert sorted(n.recipient_id for n in sent) == sorted([world.pm.pk, monitor.pk])
    assert "初验" in sent.first().body
    alert = ProjectAlert.objects.get()
    assert (alert.code, alert.subject, alert.cleared_at) == (
        "milestone_overdue",
        str(late.pk),
        None,
    )

    # It clears, and the same milestone late again is still the same condition: no new alert.
    plan_services.work_item_update(actor=world.pm, item=late, data={"status": "done"})
    with django_capture_on_commit_callbacks(execute=True):
        projects_health_check(now=later(2))
    assert fresh(alert).cleared_at is not None
    plan_services.work_item_update(actor=world.pm, item=late, data={"status": "doing"})
    with django_capture_on_commit_callbacks(execute=True):
        projects_health_check(now=later(3))
    assert Notification.objects.filter(title__contains=running.code).count() == 2

    # Another milestone late is a new condition.
    milestone(world, running, timezone.localdate(), name="到货")
    with django_capture_on_commit_callbacks(execute=True):
        counts = projects_health_check(now=later(3))
    assert counts["alerts"] == 1 and ProjectAlert.objects.count() == 2
    assert Notification.objects.filter(title__contains=running.code).count() == 4


def test_closed_and_lost_projects_are_not_checked(world, running):
    from qudao.projects.services import closing

    closing.project_lose(actor=world.pm, project=running, reason="丢单")
    counts = projects_health_check(now=later(40))
    assert fresh(running).health_checked_at is None and counts["critical"] == 0


@pytest.mark.parametrize("size", [3, 30])
def test_the_check_costs_the_same_for_any_number_of_projects(
    world, django_assert_max_num_queries, size
):
    for index in range(size):
        project_obj = running_project(world, name=f"项目{index}")
        milestone(world, project_obj, timezone.localdate())
    projects_health_check(now=later(20))  # first run: every condition is new
    with django_assert_max_num_queries(13):
        projects_health_check(now=later(21))
    assert Project.objects.filter(health="critical").count() == size
    assert ProjectAlert.objects.count() == 4 * size


def test_the_check_is_a_registered_daily_task():
    assert projects_health_check_task in hooks.daily_jobs()


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_daily_check(world):
    running = running_project(world)
    Project.objects.filter(pk=running.pk).update(health="critical")
    call_command("daily", stdout=StringIO())
    run_worker()
    row = fresh(running)
    assert row.health == "good" and row.health_checked_at is not None
