"""The approvals page shows what a stage gate decides (issue 18, item 9): the stage's documents
with their download links, the checklist with its ticks and the submitter's comment, above a
decision that is not preselected, for whoever may see the project, in flat queries; a handover
shows its scope."""

import pytest

from qudao.core.models import ApprovalRequest
from qudao.projects import services
from qudao.projects.tests.factories import doc_type, pdf, project, template

pytestmark = pytest.mark.django_db
COMMENT = "方案已与客户确认，请审批"


def gate_with_everything():
    doc_type()
    doc_type("quote", "报价单")
    return [
        {
            "code": "solution",
            "name": "方案设计",
            "target_days": 10,
            "document_types": ["proposal", "quote"],
            "checklist": ["方案已与客户交流", "报价已复核"],
            "approval": "role",
            "approval_role": "regional_manager",
        },
        {"code": "acceptance", "name": "验收", "target_days": 20},
    ]


@pytest.fixture
def gate(world) -> ApprovalRequest:
    made = template(code="ctx", stages=gate_with_everything())
    running = project(actor=world.pm, template_obj=made, region=world.shenzhen, partner=world.p1)
    stage = running.stages.get(definition__code="solution")
    for kind, name in (
        ("proposal", "方案v1.pdf"),
        ("proposal", "方案v2.pdf"),
        ("quote", "报价.pdf"),
    ):
        services.project_document_upload(
            actor=world.pm, project=running, stage=stage, document_type=kind, upload=pdf(name)
        )
    services.stage_save_draft(actor=world.pm, project=running, stage=stage, checklist_done=[0, 1])
    services.stage_advance(actor=world.pm, project=running, comment=COMMENT)
    return ApprovalRequest.objects.get(kind=services.GATE, object_id=str(running.pk))


def test_the_approver_sees_the_gates_documents_checklist_and_comment(
    world, gate, as_user, django_assert_max_num_queries
):
    client = as_user(world.south_manager)

    with django_assert_max_num_queries(34):
        response = client.get(f"/approvals/{gate.pk}/")

    html = response.content.decode()
    assert 'data-testid="gate-panel"' in html
    assert html.index('data-testid="gate-panel"') < html.index('name="decision"')
    # the latest version of each type, with its download link
    assert html.count('data-testid="gate-document"') == 2
    project_id = gate.object_id
    assert f"/projects/{project_id}/documents/" in html and "/download/" in html
    assert "v2 方案v2.pdf" in html and "方案v1.pdf" not in html and "报价.pdf" in html
    assert html.count('data-done="1"') == 2 and 'data-done="0"' not in html
    assert COMMENT in html
    assert "checked" not in html.split('name="decision"')[0].rsplit("<input", 1)[-1]


def test_no_panel_for_whom_the_project_is_out_of_scope(world, gate, as_user):
    # The east manager sees neither the approval nor, a fortiori, its panel
    assert as_user(world.east_manager).get(f"/approvals/{gate.pk}/").status_code == 404


def test_the_panel_follows_the_viewers_scope(world, gate):
    from qudao.projects.selectors.approvals import gate_panel

    assert gate_panel(gate, world.south_manager) is not None
    assert gate_panel(gate, world.east_manager) is None
    assert gate_panel(gate, world.p2_user) is None


def test_the_approvals_list_shows_the_gate_with_its_project_amount(world, gate, as_user):
    html = as_user(world.south_manager).get("/approvals/").content.decode()
    assert "¥1,200,000.00" in html and "项目阶段审批" in html
