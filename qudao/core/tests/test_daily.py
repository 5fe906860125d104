from io import StringIO

import pytest
from django.core.management import call_command

from qudao.core import hooks


@pytest.mark.django_db
def test_daily_now_runs_each_task_in_process():
    out = StringIO()

    call_command("daily", "--now", stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == len(hooks.daily_jobs())
    assert any(line.startswith("agreements_expiry_check_task: {") for line in lines)
