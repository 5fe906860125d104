"""Browser journey of a project through its first gates, in Debian's Chromium through Playwright:
a project manager creates a project on the built-in 售前标准流程, works through its stages —
ticking checklists (completing a stage right after ticking, without saving a draft), uploading
each stage's required document, advancing — until the first gate
with an approval (需求评审, the regional manager's); the regional manager approves it on the
project's stages tab, and the project shows the next stage.

Everything is made before the browser starts; the test reads the database only after it ends."""

import pytest

from qudao.core.tests.factories import OfficeFactory, RegionFactory, UserFactory
from qudao.projects.models import Project, StageTransition
from qudao.projects.reference import templates_builtin_ensure

from .factories import PDF

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 15_000
PASSWORD_FIELD = "input[name=password]"
# 售前标准流程 up to its first gate with an approval: (stage code, the document it requires).
STAGES_BEFORE_APPROVAL = [
    ("opportunity", None),
    ("assessment", "机会评估表"),
    ("initiation", "立项申请表"),
    ("requirements", "需求调研报告"),
]


@pytest.fixture
def cast(transactional_db, settings, tmp_path):
    """The organisation and the built-in templates (a transactional test starts from an empty
    database, so the data migration's templates are made again with the same function)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    templates_builtin_ensure()
    south = RegionFactory(code="HN", name="华南")
    shenzhen = OfficeFactory(code="HN-SZ", name="深圳办事处", parent=south)
    UserFactory(username="south_b", roles=["regional_manager"], region=south)
    UserFactory(username="pm_b", roles=["project_manager"], region=shenzhen)
    return {"office": shenzhen}


def new_page(browser):
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def log_in(page, base_url: str, username: str) -> None:
    from qudao.core.tests.factories import PASSWORD

    page.goto(f"{base_url}/accounts/login/", wait_until="networkidle")
    page.fill("input[name=identifier]", username)
    page.fill(PASSWORD_FIELD, PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(f"{base_url}/")
    page.wait_for_load_state("networkidle")


def click_and_settle(page, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state("networkidle")


def upload(page, project_url: str, document_name: str) -> None:
    page.goto(f"{project_url}documents/", wait_until="networkidle")
    page.select_option("select[name=document_type]", label=document_name)
    page.set_input_files(
        "input[name=file]",
        files=[{"name": f"{document_name}.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    click_and_settle(page, "[data-testid=upload]")
    expect(
        page.locator("[data-testid=document-type]").filter(has_text=document_name)
    ).to_be_visible()


def pass_gate(page, project_url: str, code: str, *, save_draft: bool = False) -> None:
    """Tick the stage's whole checklist and complete the stage — as a user does, without
    saving a draft first (the ticks go with "complete"); with `save_draft`, save it first."""
    page.goto(f"{project_url}stages/", wait_until="networkidle")
    card = page.locator(f"[data-testid=stage][data-stage={code}]")
    boxes = card.locator("[data-testid=draft-form] input[type=checkbox]")
    for index in range(boxes.count()):
        boxes.nth(index).check()
    if save_draft:
        card.locator("[data-testid=save-draft]").click()
        page.wait_for_load_state("networkidle")
        card = page.locator(f"[data-testid=stage][data-stage={code}]")
    card.locator("[data-testid=advance]").click()
    page.wait_for_load_state("networkidle")


def test_a_project_passes_its_gates_and_the_approver_approves_in_the_browser(
    live_server, cast, browser
):
    base = live_server.url

    # Given a project manager on the new-project form
    manager = new_page(browser)
    log_in(manager, base, "pm_b")
    manager.goto(f"{base}/projects/", wait_until="networkidle")
    click_and_settle(manager, "[data-testid=new-project]")
    manager.select_option("select[name=template]", label="售前标准流程")
    manager.fill("input[name=name]", "智慧园区安防一期")
    manager.fill("input[name=customer_name]", "深圳智慧园区管理有限公司")
    manager.select_option("select[name=region]", str(cast["office"].pk))
    manager.fill("input[name=amount]", "3600000")

    # When they create it
    click_and_settle(manager, "[data-testid=save-project]")

    # Then the project opens in its first stage
    expect(manager.locator("[data-testid=project-name]")).to_have_text("智慧园区安防一期")
    expect(manager.locator("[data-testid=project-stage]")).to_contain_text("机会获取")
    project_url = manager.url
    assert project_url.startswith(f"{base}/projects/") and project_url.endswith("/")

    # When advancing the second stage without its document, the gate says what is missing
    pass_gate(manager, project_url, "opportunity", save_draft=True)
    expect(manager.locator("[data-testid=project-stage]")).to_contain_text("机会评估")
    pass_gate(manager, project_url, "assessment")
    expect(manager.locator(".alert-danger")).to_contain_text("机会评估表")
    expect(manager.locator("[data-testid=project-stage]")).to_contain_text("机会评估")
    # and keeps what was ticked (never saved as a draft)
    ticked = manager.locator(
        "[data-testid=stage][data-stage=assessment] [data-testid=draft-form] input[type=checkbox]"
    )
    assert ticked.count() > 0
    for index in range(ticked.count()):
        expect(ticked.nth(index)).to_be_checked()

    # When they upload each stage's required document and pass its gate
    for code, document in STAGES_BEFORE_APPROVAL[1:]:
        upload(manager, project_url, document)
        pass_gate(manager, project_url, code)
    # And submit the requirement review, whose gate needs the regional manager's approval
    pass_gate(manager, project_url, "requirement_review")

    # Then the stage waits for the approval and the manager cannot decide it
    review = manager.locator("[data-testid=stage][data-stage=requirement_review]")
    expect(review).to_have_attribute("data-status", "in_approval")
    expect(manager.locator("[data-testid=gate-approval]")).to_be_visible()
    expect(manager.locator("[data-testid=gate-decision-form]")).to_have_count(0)

    # When the regional manager opens the project and approves the gate
    approver = new_page(browser)
    log_in(approver, base, "south_b")
    approver.goto(f"{project_url}stages/", wait_until="networkidle")
    approver.fill("[data-testid=gate-decision-form] textarea[name=comment]", "需求清晰，同意")
    click_and_settle(approver, "[data-testid=gate-approve]")

    # Then the project shows the next stage
    expect(approver.locator("[data-testid=project-stage]")).to_contain_text("方案设计")
    expect(
        approver.locator("[data-testid=stage][data-stage=requirement_review]")
    ).to_have_attribute("data-status", "done")
    manager.goto(project_url, wait_until="networkidle")
    expect(manager.locator("[data-testid=project-stage]")).to_contain_text("方案设计")

    # And the history records every move
    project = Project.objects.get()
    assert project.stage_code == "solution"
    assert list(project.transitions.values_list("action", flat=True)) == [
        StageTransition.Action.START,
        *[StageTransition.Action.ADVANCE] * 4,
        StageTransition.Action.SUBMIT,
        StageTransition.Action.APPROVE,
    ]
    assert project.documents.count() == 3

    # And on a phone (390 px) no tab of the project is wider than the screen: the tab bar
    # scrolls within itself, wide tables within theirs, and lists turn into cards.
    manager.set_viewport_size({"width": 390, "height": 844})
    manager.goto(project_url, wait_until="networkidle")
    tabs = manager.eval_on_selector_all(
        "[data-testid=project-tabs] a", "links => links.map(link => link.href)"
    )
    assert len(tabs) >= 5
    for url in tabs:
        manager.goto(url, wait_until="networkidle")
        widths = manager.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], (url, widths)
