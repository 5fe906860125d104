"""Browser journey of the project tabs, in Debian's Chromium through Playwright: the project
manager opens the Work & Gantt tab, the ECharts Gantt draws the stages and the plan, they add a
milestone through the form and see it charted; then they record a meeting with an action item and
close the action, and record the loss on the Closing tab (refused without a reason first).

Everything is made before the browser starts; the test reads the database only afterwards."""

import datetime

import pytest
from django.utils import timezone

from qudao.core.tests.factories import PASSWORD
from qudao.projects.models import ActionItem, Project, WorkItem
from qudao.projects.services import plan as plan_services
from qudao.projects.tests.helpers import running_project

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 15_000


@pytest.fixture
def project_in_work(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    project = running_project(world)
    plan_services.work_item_create(
        actor=world.pm,
        project=project,
        data={
            "name": "设备到货",
            "owner": world.pm.pk,
            "start_date": timezone.localdate(),
            "due_date": timezone.localdate() + datetime.timedelta(days=6),
        },
    )
    return project


def test_gantt_plan_meeting_and_loss(live_server, project_in_work, world, browser):
    base, pk = live_server.url, project_in_work.pk
    context = browser.new_context(locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page = context.new_page()
    page.goto(f"{base}/accounts/login/", wait_until="networkidle")
    page.fill("input[name=identifier]", world.pm.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")

    # The Gantt draws (ECharts renders into a canvas) from the tab's JSON.
    page.goto(f"{base}/projects/{pk}/work/", wait_until="networkidle")
    expect(page.locator("#gantt[data-ready=true] canvas")).to_have_count(1)
    expect(page.locator("[data-testid=work-item]")).to_have_count(1)

    # Add a milestone through the form.
    form = page.locator("[data-testid=work-item-form]")
    form.locator("select[name=kind]").select_option("milestone")
    form.locator("input[name=name]").fill("初验")
    form.locator("input[name=due_date]").fill(
        (timezone.localdate() + datetime.timedelta(days=8)).isoformat()
    )
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=work-item]")).to_have_count(2)
    expect(page.locator("#gantt[data-ready=true] canvas")).to_have_count(1)

    # A meeting with one action item, then the action is closed.
    page.goto(f"{base}/projects/{pk}/meetings/", wait_until="networkidle")
    meeting = page.locator("[data-testid=meeting-form]")
    meeting.locator("input[name=title]").fill("项目分析会")
    meeting.locator("input[name=held_at]").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    meeting.locator("input[name=actions-0-description]").fill("提交实施计划")
    meeting.locator("select[name=actions-0-owner]").select_option(str(world.pm.pk))
    meeting.locator("input[name=actions-0-due_date]").fill(timezone.localdate().isoformat())
    meeting.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=action]")).to_have_count(1)
    page.locator("[data-testid=close-action] button").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=open-actions]")).to_have_text("0 open actions")

    # The loss needs its reason.
    page.goto(f"{base}/projects/{pk}/closing/", wait_until="networkidle")
    page.click("[data-testid=lose]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=outcome-form]")).to_contain_text("Give the reason")
    page.locator("[data-testid=outcome-form] textarea[name=reason]").fill("预算取消")
    page.locator("[data-testid=outcome-form] input[name=competitor]").fill("某友商")
    page.click("[data-testid=lose]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=outcome-status]")).to_have_text("Lost")
    context.close()

    assert WorkItem.objects.filter(kind="milestone", name="初验").exists()
    assert ActionItem.objects.get().status == "done"
    project = Project.objects.get(pk=pk)
    assert (project.status, project.outcome_reason, project.competitor) == (
        "lost",
        "预算取消",
        "某友商",
    )
