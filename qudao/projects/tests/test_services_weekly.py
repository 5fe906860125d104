"""Weekly reports: one per project, ISO week and author; bad input writes nothing."""

import datetime

import pytest
from django.utils import timezone

from qudao.core.errors import ValidationError
from qudao.projects.models import WeeklyReport
from qudao.projects.services import weekly as weekly_services
from qudao.projects.tests.helpers import add_member, fresh, running_project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def running(world):
    return running_project(world)


def test_one_weekly_report_per_project_week_and_author(world, running):
    add_member(world, running, world.p1_user, "partner_sales")
    report, created = weekly_services.weekly_report_save(
        actor=world.pm, project=running, data={"this_week": "完成方案初稿"}
    )
    again, created_again = weekly_services.weekly_report_save(
        actor=world.pm,
        project=running,
        data={"this_week": "完成方案初稿并评审", "problems": "需要售前支持"},
    )
    partner, _ = weekly_services.weekly_report_save(
        actor=world.p1_user, project=running, data={"this_week": "客户交流"}
    )
    last_week, _ = weekly_services.weekly_report_save(
        actor=world.pm, project=running, data={"this_week": "上周"}, week=TODAY - 7 * DAY
    )
    assert created and not created_again and again.pk == report.pk
    assert fresh(report).problems == "需要售前支持"
    assert report.week_start.weekday() == 0 and report.iso_week == TODAY.isocalendar()[1]
    assert WeeklyReport.objects.count() == 3
    assert last_week.week_start == report.week_start - 7 * DAY
    assert partner.author == world.p1_user


@pytest.mark.parametrize(
    "data, week, field",
    [
        ({"this_week": ""}, None, "this_week"),
        ({"this_week": "x"}, TODAY + 8 * DAY, "week"),
        ({"this_week": "x"}, "not a date", "week"),
    ],
)
def test_bad_weekly_reports_write_nothing(world, running, data, week, field):
    with pytest.raises(ValidationError) as error:
        weekly_services.weekly_report_save(actor=world.pm, project=running, data=data, week=week)
    assert field in error.value.message_dict
    assert not WeeklyReport.objects.exists()
