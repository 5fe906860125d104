from io import StringIO

import pytest
from django.core.management import call_command

from qudao.core.daily import daily_tasks


def test_every_app_registers_its_daily_work():
    names = {task.name for task in daily_tasks()}

    assert {"agreements_expiry_check_task", "registrations_expire_due_task"} <= names


@pytest.mark.django_db
def test_daily_now_runs_each_task_in_process():
    out = StringIO()

    call_command("daily", "--now", stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == len(daily_tasks())
    assert any(line.startswith("agreements_expiry_check_task: {") for line in lines)
