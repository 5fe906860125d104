"""The UI shell: language, role-aware navigation, query counts that do not grow with rows."""

import pytest
from django.test import Client

from qudao.core.models import Notification
from qudao.core.tests.factories import UserFactory
from qudao.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_by_default_even_for_an_english_browser():
    response = Client(headers={"Accept-Language": "en-US,en;q=0.9"}).get("/accounts/login/")

    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html


def test_language_switch_to_english_and_back():
    client = Client()

    switched = client.post("/language/", {"language": "en", "next": "/accounts/login/"})
    english = client.get("/accounts/login/").content.decode()
    client.post("/language/", {"language": "zh-hans"})
    chinese = client.get("/accounts/login/").content.decode()

    assert switched.status_code == 302 and switched["Location"] == "/accounts/login/"
    assert '<html lang="en">' in english and "Log in" in english and "登录" not in english
    assert "登录" in chinese


def test_unknown_language_and_foreign_next_are_ignored():
    client = Client()

    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})

    assert response["Location"] == "/"
    assert "登录" in client.get("/accounts/login/").content.decode()


def test_language_choice_is_kept_on_the_user(world, as_user):
    client = as_user(world.pm)

    client.post("/language/", {"language": "en"})

    world.pm.refresh_from_db()
    assert world.pm.language == "en"


def test_api_errors_follow_accept_language():
    english = Client(headers={"Accept-Language": "en"}).get("/api/v1/me").json()
    chinese = Client().get("/api/v1/me").json()

    assert english["message"].startswith("Log in first")
    assert english["message"] != chinese["message"]


@pytest.mark.parametrize(
    ("persona", "present", "absent"),
    [
        ("admin", {"home", "partners", "approvals", "org", "audit"}, set()),
        ("south_manager", {"home", "partners", "approvals", "org"}, {"audit"}),
        ("channel_mgr", {"home", "partners", "approvals"}, {"org", "audit"}),
        ("p1_user", {"home", "partners", "approvals", "notifications"}, {"org", "audit"}),
    ],
)
def test_navigation_depends_on_role(world, as_user, persona, present, absent):
    response = as_user(getattr(world, persona)).get("/")

    keys = {item["key"] for item in response.context["nav_items"]}
    assert present <= keys
    assert not (absent & keys)


def _many_rows(world, count=45):
    for _ in range(count):
        partner = PartnerFactory(region=world.shenzhen, owner=world.channel_mgr)
        UserFactory(partner=partner, roles=["partner_sales"], region=world.shenzhen)
    Notification.objects.bulk_create(
        Notification(recipient=world.hq, title=f"通知{i}") for i in range(count)
    )


@pytest.mark.parametrize(
    ("url", "persona", "limit"),
    [
        ("/", "hq", 15),  # cards of partners, registrations, projects and performance
        ("/partners/", "hq", 10),
        ("/partners/", "south_manager", 11),
        ("/partners/?q=测试&status=active&sort=-name", "channel_mgr", 10),
        ("/notifications/", "hq", 10),
        ("/org/", "admin", 12),
        ("/api/v1/partners?page_size=50", "hq", 6),
        ("/api/v1/users?page_size=50", "admin", 6),
        ("/api/v1/notifications?page_size=50", "hq", 6),
    ],
)
def test_list_query_counts_do_not_grow_with_rows(
    world, as_user, as_api, django_assert_max_num_queries, url, persona, limit
):
    _many_rows(world)
    user = getattr(world, persona)
    client = as_api(user) if url.startswith("/api/") else as_user(user)

    with django_assert_max_num_queries(limit):
        response = client.get(url)

    assert response.status_code == 200


def test_partner_detail_query_count(world, as_user, django_assert_max_num_queries):
    for _ in range(20):
        UserFactory(partner=world.p1, roles=["partner_sales"])
    client = as_user(world.channel_mgr)

    for tab in ("overview", "approvals", "history"):
        with django_assert_max_num_queries(14):
            assert client.get(f"/partners/{world.p1.pk}/?tab={tab}").status_code == 200


def test_htmx_request_gets_only_the_table(world, as_user):
    response = as_user(world.hq).get("/partners/?q=一号", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html
    assert "深圳一号科技有限公司" in html and "深圳二号科技有限公司" not in html


def test_profile_sets_im_robot_and_rejects_a_bad_url(world, as_user):
    client = as_user(world.pm)

    bad = client.post(
        "/profile/", {"im_kind": "wecom", "im_webhook_url": "not a url", "email": world.pm.email}
    )
    good = client.post(
        "/profile/",
        {
            "im_kind": "feishu",
            "email": world.pm.email,
            "im_webhook_url": "https://open.feishu.cn/hook/x",
        },
    )

    assert bad.status_code == 200 and "im_webhook_url" in bad.context["form"].errors
    assert good.status_code == 302
    world.pm.refresh_from_db()
    assert world.pm.im_kind == "feishu"


def test_api_docs_are_served_without_a_cdn(world, as_user):
    docs = Client().get("/api/v1/docs").content.decode()
    schema = Client().get("/api/v1/openapi.json").json()

    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn." not in docs
    for path in (
        "/api/v1/auth/token",
        "/api/v1/partners",
        "/api/v1/approvals",
        "/api/v1/notifications",
        "/api/v1/audit",
    ):
        assert path in schema["paths"]
