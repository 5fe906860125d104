"""Data scopes on partners, through every page and API endpoint: another partner's object is
a 404, never the object."""

import io

import pytest
from openpyxl import load_workbook

PAGES = [
    "/partners/{pk}/",
    "/partners/{pk}/?tab=history",
    "/partners/{pk}/?tab=approvals",
    "/partners/{pk}/edit/",
]
API = ["/api/v1/partners/{pk}", "/api/v1/partners/{pk}/history"]


def visible_codes(client) -> set[str]:
    response = client.get("/api/v1/partners?page_size=200")
    assert response.status_code == 200
    return {row["code"] for row in response.json()["items"]}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("hq", {"P-ONE", "P-TWO", "P-EAST"}),
        ("admin", {"P-ONE", "P-TWO", "P-EAST"}),
        ("south_manager", {"P-ONE", "P-TWO"}),
        ("east_manager", {"P-EAST"}),
        ("channel_mgr", {"P-ONE", "P-TWO"}),
        ("other_cm", {"P-EAST"}),
        ("pm", set()),
        ("p1_user", {"P-ONE"}),
        ("p1_admin", {"P-ONE"}),
        ("p2_user", {"P-TWO"}),
    ],
)
def test_each_role_sees_its_scope_in_api_and_page(world, as_api, as_user, persona, expected):
    user = getattr(world, persona)

    assert visible_codes(as_api(user)) == expected

    page = as_user(user).get("/partners/", follow=True)
    assert page.status_code == 200
    if user.is_partner_user:  # sent from the list of one row to its own company's page
        shown = {page.context["partner"].code}
    else:
        shown = {partner.code for partner in page.context["page"]}
    assert shown == expected


@pytest.mark.parametrize("url", PAGES)
def test_partner_2_cannot_open_partner_1_pages(world, as_user, url):
    client = as_user(world.p2_user)

    response = client.get(url.format(pk=world.p1.pk))

    assert response.status_code == 404
    assert world.p1.name not in response.content.decode()


@pytest.mark.parametrize("url", API)
def test_partner_2_cannot_read_partner_1_through_the_api(world, as_api, url):
    response = as_api(world.p2_user).get(url.format(pk=world.p1.pk))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert world.p1.name not in response.content.decode()


def test_partner_2_cannot_change_partner_1(world, as_api, as_user):
    api = as_api(world.p2_user)

    patch = api.patch(
        f"/api/v1/partners/{world.p1.pk}", {"name": "被篡改"}, content_type="application/json"
    )
    activate = api.post(f"/api/v1/partners/{world.p1.pk}/activation")
    page = as_user(world.p2_user).post(f"/partners/{world.p1.pk}/activate/")

    assert (patch.status_code, activate.status_code, page.status_code) == (404, 404, 404)
    world.p1.refresh_from_db()
    assert world.p1.name == "深圳一号科技有限公司"


def test_partner_user_cannot_change_even_its_own_partner_record(world, as_api):
    response = as_api(world.p1_admin).patch(
        f"/api/v1/partners/{world.p1.pk}", {"name": "新名字"}, content_type="application/json"
    )

    assert response.status_code == 403


def test_regional_manager_of_another_region_gets_404(world, as_user, as_api):
    assert as_user(world.east_manager).get(f"/partners/{world.p1.pk}/").status_code == 404
    assert as_api(world.east_manager).get(f"/api/v1/partners/{world.p1.pk}").status_code == 404


def test_export_contains_only_the_scope(world, as_user):
    response = as_user(world.p1_user).get("/partners/export/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2  # header + partner 1
    assert rows[1][0] == "P-ONE"
    assert all("二号" not in str(cell) for row in rows for cell in row)


def test_users_api_is_scoped_too(world, as_api):
    p2_view = as_api(world.p2_user).get("/api/v1/users?page_size=200").json()
    usernames = {row["username"] for row in p2_view["items"]}

    assert usernames == {"p2_t"}
    assert as_api(world.p2_user).get(f"/api/v1/users/{world.p1_user.pk}").status_code == 404
    south = {
        row["username"]
        for row in as_api(world.south_manager).get("/api/v1/users?page_size=200").json()["items"]
    }
    assert {"p1_t", "p2_t", "cm_t", "south_t"} <= south
    assert "east_t" not in south and "cm2_t" not in south


def test_audit_api_refuses_objects_outside_scope(world, as_api):
    response = as_api(world.p2_user).get(
        f"/api/v1/audit?model=partners.partner&object_id={world.p1.pk}"
    )
    unknown = as_api(world.hq).get("/api/v1/audit?model=nope.nothing&object_id=1")
    global_log = as_api(world.p1_admin).get("/api/v1/audit")

    assert response.status_code == 404
    assert unknown.status_code == 404
    assert global_log.status_code == 403
