"""The process template pages: vendor staff read them, admins create a template, edit the draft
version's stages (add, edit, reorder, remove, approval chain), publish it and start a new
version; a published version is never edited (the page says so and nothing changes)."""

import pytest

from qudao.projects.models import ProcessTemplate, StageDefinition, TemplateVersion
from qudao.projects.tests.factories import doc_type, project, template

pytestmark = pytest.mark.django_db


def in_english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def gates(world):
    return template()


@pytest.fixture
def draft(world, as_user, gates):
    """Version 2 of the gates template, a draft copy of version 1."""
    as_user(world.admin).post(f"/projects/templates/{gates.pk}/versions/new/")
    return gates.versions.get(status=TemplateVersion.Status.DRAFT)


def codes(version) -> list[str]:
    return list(version.stages.order_by("order").values_list("code", flat=True))


def stage_post(**overrides) -> dict:
    values = {
        "code": "survey",
        "name": "现场勘察",
        "target_days": "7",
        "document_types": [],
        "checklist": "点位已勘察\n\n图纸已确认\n",
        "approval": "none",
        "approval_role": "",
        "chain-TOTAL_FORMS": "2",
        "chain-INITIAL_FORMS": "0",
        "chain-0-name": "",
        "chain-0-role": "",
        "chain-1-name": "",
        "chain-1-role": "",
    }
    return values | overrides


def test_vendor_staff_read_templates_and_partners_do_not(world, as_user, gates):
    listing = as_user(world.pm).get("/projects/templates/")
    detail = as_user(world.pm).get(f"/projects/templates/{gates.pk}/")

    assert listing.status_code == 200 and "模板 gates" in listing.content.decode()
    assert detail.content.decode().count('data-testid="stage-definition"') == 4
    assert 'data-testid="add-stage"' not in detail.content.decode()
    assert 'data-testid="new-version"' not in detail.content.decode()
    assert as_user(world.p1_user).get("/projects/templates/").status_code == 403
    assert as_user(world.p1_user).get(f"/projects/templates/{gates.pk}/").status_code == 403


def test_an_admin_creates_a_template(world, as_user):
    response = as_user(world.admin).post(
        "/projects/templates/new/",
        {"code": "smart-park", "name": "智慧园区", "project_class": "delivery", "description": ""},
    )

    created = ProcessTemplate.objects.get(code="smart-park")
    assert response.status_code == 302
    assert created.versions.get().status == TemplateVersion.Status.DRAFT


def test_a_bad_template_is_refused(world, as_user, gates):
    before = ProcessTemplate.objects.count()

    response = in_english(as_user(world.admin)).post(
        "/projects/templates/new/", {"code": "gates", "name": "重复", "project_class": "bid"}
    )

    assert "A template with this code exists." in response.content.decode()
    assert ProcessTemplate.objects.count() == before


def test_non_admins_cannot_change_templates(world, as_user, gates, draft):
    client = as_user(world.hq)
    base = f"/projects/templates/{gates.pk}/versions/{draft.pk}"

    assert client.get("/projects/templates/new/").status_code == 403
    assert client.post(f"{base}/stages/new/", stage_post()).status_code == 403
    assert client.post(f"/projects/templates/{gates.pk}/versions/new/").status_code == 403
    assert client.post(f"{base}/publish/").status_code == 403
    assert client.post(f"{base}/stages/review/remove/").status_code == 403
    assert client.post(f"{base}/stages/review/move/", {"direction": "up"}).status_code == 403
    assert client.post(f"/projects/templates/{gates.pk}/edit/", {"name": "改名"}).status_code == 403
    assert codes(draft) == ["solution", "review", "kickoff", "acceptance"]
    draft.refresh_from_db()
    assert draft.status == TemplateVersion.Status.DRAFT


def test_an_admin_adds_a_stage_to_the_draft(world, as_user, gates, draft):
    survey_doc = doc_type("site_survey", "现场勘察报告")

    response = as_user(world.admin).post(
        f"/projects/templates/{gates.pk}/versions/{draft.pk}/stages/new/",
        stage_post(document_types=[survey_doc.pk], skippable="on"),
    )

    assert response.status_code == 302
    assert codes(draft) == ["solution", "review", "kickoff", "acceptance", "survey"]
    added = draft.stages.get(code="survey")
    assert added.checklist == ["点位已勘察", "图纸已确认"]
    assert list(added.document_types.values_list("code", flat=True)) == ["site_survey"]
    assert (added.skippable, added.repeatable) == (True, False)


def test_an_admin_edits_a_stage_with_an_approval_chain(world, as_user, gates, draft):
    url = f"/projects/templates/{gates.pk}/versions/{draft.pk}/stages/review/edit/"
    page = as_user(world.admin).get(url).content.decode()
    assert 'value="方案评审"' in page

    response = as_user(world.admin).post(
        url,
        stage_post(
            code="review",
            name="方案评审",
            target_days="6",
            checklist="",
            approval="chain",
            **{
                "chain-0-name": "区域评审",
                "chain-0-role": "regional_manager",
                "chain-1-name": "总监审批",
                "chain-1-role": "director",
            },
        ),
    )

    assert response.status_code == 302
    review = draft.stages.get(code="review")
    assert (review.order, review.target_days, review.approval) == (2, 6, "chain")
    assert review.approval_chain == [
        {"name": "区域评审", "role": "regional_manager"},
        {"name": "总监审批", "role": "director"},
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "solution"}, "code"),  # used twice
        ({"approval": "role", "approval_role": ""}, "approval_role"),
        ({"approval": "chain"}, None),  # a chain without steps
        ({"target_days": "0"}, "target_days"),
    ],
)
def test_a_bad_stage_shows_the_error_and_changes_nothing(
    world, as_user, gates, draft, changes, field
):
    response = as_user(world.admin).post(
        f"/projects/templates/{gates.pk}/versions/{draft.pk}/stages/new/", stage_post(**changes)
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    if field:
        assert field in form.errors
    assert codes(draft) == ["solution", "review", "kickoff", "acceptance"]


def test_an_admin_reorders_and_removes_stages(world, as_user, gates, draft):
    client = as_user(world.admin)
    base = f"/projects/templates/{gates.pk}/versions/{draft.pk}/stages"

    client.post(f"{base}/kickoff/move/", {"direction": "up"})
    assert codes(draft) == ["solution", "kickoff", "review", "acceptance"]
    client.post(f"{base}/solution/move/", {"direction": "up"})  # already first: nothing
    assert codes(draft) == ["solution", "kickoff", "review", "acceptance"]
    client.post(f"{base}/acceptance/remove/")
    assert codes(draft) == ["solution", "kickoff", "review"]


def test_the_editor_refuses_edits_to_a_published_version(world, as_user, gates):
    published = gates.versions.get(status=TemplateVersion.Status.PUBLISHED)
    client = in_english(as_user(world.admin))
    base = f"/projects/templates/{gates.pk}/versions/{published.pk}/stages"
    before = list(
        StageDefinition.objects.filter(version=published).values_list("pk", "code", "order")
    )

    page = client.get(f"/projects/templates/{gates.pk}/?version={published.pk}")
    edit_form = client.get(f"{base}/review/edit/", follow=True)
    responses = [
        client.post(f"{base}/new/", stage_post(), follow=True),
        client.post(f"{base}/review/edit/", stage_post(code="review"), follow=True),
        client.post(f"{base}/kickoff/move/", {"direction": "up"}, follow=True),
        client.post(f"{base}/acceptance/remove/", follow=True),
    ]

    assert 'data-testid="edit-stage"' not in page.content.decode()
    assert "A published version cannot be changed" in page.content.decode()
    for response in [edit_form, *responses]:
        assert "Version 1 is Published and cannot be changed" in response.content.decode()
    after = list(
        StageDefinition.objects.filter(version=published).values_list("pk", "code", "order")
    )
    assert after == before


def test_publishing_the_draft_retires_the_old_version_and_keeps_running_projects(
    world, as_user, gates, draft
):
    running = project(actor=world.pm, region=world.shenzhen, partner=world.p1)
    old = running.template_version
    client = as_user(world.admin)
    client.post(f"/projects/templates/{gates.pk}/versions/{draft.pk}/stages/acceptance/remove/")

    response = client.post(f"/projects/templates/{gates.pk}/versions/{draft.pk}/publish/")

    assert response.status_code == 302
    draft.refresh_from_db()
    old.refresh_from_db()
    assert (draft.status, old.status) == ("published", "retired")
    running.refresh_from_db()
    assert running.template_version == old
    assert running.stages.count() == 4


def test_a_second_draft_is_refused(world, as_user, gates, draft):
    response = in_english(as_user(world.admin)).post(
        f"/projects/templates/{gates.pk}/versions/new/", follow=True
    )

    assert "This template already has a draft version" in response.content.decode()
    assert gates.versions.count() == 2


def test_publishing_an_empty_draft_is_refused(world, as_user):
    client = in_english(as_user(world.admin))
    client.post("/projects/templates/new/", {"code": "empty", "name": "空", "project_class": "bid"})
    created = ProcessTemplate.objects.get(code="empty")
    version = created.versions.get()

    response = client.post(
        f"/projects/templates/{created.pk}/versions/{version.pk}/publish/", follow=True
    )

    assert "A version needs at least one stage to publish." in response.content.decode()
    version.refresh_from_db()
    assert version.status == TemplateVersion.Status.DRAFT


def test_an_admin_renames_and_deactivates_a_template(world, as_user, gates):
    as_user(world.admin).post(
        f"/projects/templates/{gates.pk}/edit/", {"name": "闸门模板", "description": "测试"}
    )

    gates.refresh_from_db()
    assert (gates.name, gates.description, gates.is_active) == ("闸门模板", "测试", False)
    new_form = as_user(world.pm).get("/projects/new/").content.decode()
    assert "闸门模板" not in new_form  # inactive templates are not offered


def test_template_pages_have_bounded_query_counts(
    world, as_user, django_assert_max_num_queries, gates, draft
):
    client = as_user(world.admin)

    with django_assert_max_num_queries(10):
        assert client.get("/projects/templates/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/projects/templates/{gates.pk}/").status_code == 200
