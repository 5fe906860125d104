"""The UI shell: language, role-aware navigation, query counts that do not grow with rows."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from qudao.core import hooks, navigation
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
        # cards of partners, registrations, projects and performance, and the role home's
        # charts from the rollups (attainment, pipeline, registrations: test_home_pages.py)
        ("/", "hq", 18),
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


# --- the side bar -------------------------------------------------------------------------------


class _SideBar(HTMLParser):
    """The side bar of a page as [(group key or "", [entry keys])], an entry outside a group a
    section of its own; and the active entry, the open groups."""

    def __init__(self):
        super().__init__()
        self.sections: list[tuple[str, list[str]]] = []
        self.active: list[str] = []
        self.open_groups: list[str] = []
        self._in_nav = False
        self._group = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("data-testid") == "main-nav":
            self._in_nav = True
        if not self._in_nav:
            return
        if "data-nav-group" in a:
            self._group = a["data-nav-group"]
            self.sections.append((self._group, []))
        elif tag == "ul" and "show" in (a.get("class") or "").split() and self._group:
            self.open_groups.append(self._group)
        elif "data-nav" in a:
            if "qd-nav-top" in (a.get("class") or "").split():  # an entry outside the groups
                self._group = ""
                self.sections.append(("", [a["data-nav"]]))
            else:
                self.sections[-1][1].append(a["data-nav"])
            if "active" in (a.get("class") or "").split():
                self.active.append(a["data-nav"])

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False


def side_bar(html: str) -> _SideBar:
    parser = _SideBar()
    parser.feed(html)
    return parser


PARTNERS = ("partners", ["partners", "applications", "agreements", "credit", "tiers"])
PERFORMANCE_ALL = [
    "performance",
    "targets",
    "scorecards",
    "rebates",
    "benchmarks",
    "corrective-actions",
    "alerts",
    "reports",
    "kpi-schemes",
    "rebate-policies",
]
PROJECTS = ("projects", ["projects", "stocktake", "resource-requests"])
TOP = [("", ["approvals"]), ("", ["notifications"])]
MANAGER_BAR = [
    ("", ["home"]),
    PARTNERS,
    ("deals", ["registrations", "registration-review"]),
    PROJECTS,
    ("performance", PERFORMANCE_ALL),
    *TOP,
]
PARTNER_BAR = [
    ("", ["home"]),
    ("partners", ["partners", "agreements", "credit", "tiers"]),
    ("deals", ["registrations"]),
    ("projects", ["projects"]),
    ("performance", PERFORMANCE_ALL[:8]),  # no KPI schemes, no rebate policies
    *TOP,
]
# Project staff have no partner in their data scope: partners, registrations and the partner
# figures would always be empty for them, so the side bar leaves them out.
PROJECT_STAFF_BAR = [
    ("", ["home"]),
    PROJECTS,
    ("performance", ["corrective-actions"]),
    *TOP,
]
EXPECTED_BARS = {
    "admin": [
        ("", ["home"]),
        PARTNERS,
        ("deals", ["registrations", "registration-review", "registration-rules"]),
        ("projects", [*PROJECTS[1], "process-templates"]),
        ("performance", PERFORMANCE_ALL),
        *TOP,
        ("system", ["org", "audit"]),
    ],
    "hq": [
        ("", ["home"]),
        PARTNERS,
        ("deals", ["registrations", "registration-review", "registration-rules"]),
        PROJECTS,
        ("performance", PERFORMANCE_ALL),
        *TOP,
        ("system", ["org"]),
    ],
    "south_manager": [*MANAGER_BAR, ("system", ["org"])],
    "channel_mgr": MANAGER_BAR,
    "finance": [
        ("", ["home"]),
        ("partners", ["partners", "agreements", "credit", "tiers"]),
        ("deals", ["registrations"]),
        PROJECTS,
        ("performance", PERFORMANCE_ALL),
        *TOP,
    ],
    "pm": PROJECT_STAFF_BAR,
    "presales": PROJECT_STAFF_BAR,
    "p1_user": PARTNER_BAR,
    "p1_admin": PARTNER_BAR,
}


def _persona(world, name):
    if name in ("finance", "presales"):  # not in the shared cast
        return UserFactory(username=f"{name}_t", roles=[name], region=world.shenzhen)
    return getattr(world, name)


@pytest.mark.parametrize("persona", sorted(EXPECTED_BARS))
def test_each_role_sees_exactly_its_groups_and_entries(world, as_user, persona):
    html = as_user(_persona(world, persona)).get("/").content.decode()

    bar = side_bar(html)
    assert bar.sections == EXPECTED_BARS[persona]
    assert bar.active == ["home"] and bar.open_groups == []


@pytest.mark.parametrize("persona", ["hq", "pm", "p1_user"])
def test_every_entry_a_role_sees_opens(world, as_user, persona):
    client = as_user(_persona(world, persona))
    entries = navigation.items_for(_persona(world, persona))

    # (a partner user's "partners" entry leads to its own company's page through the list)
    answers = {item["key"]: client.get(item["url"], follow=True).status_code for item in entries}

    assert set(answers.values()) == {200}, answers


def test_entries_hidden_from_project_staff_would_be_empty_for_them(world, as_user):
    # Given partners with registrations in the project manager's own office
    from qudao.registrations.tests.factories import RegistrationFactory

    RegistrationFactory(partner=world.p1)
    client = as_user(world.pm)

    # Then the lists the side bar leaves out show them nothing
    assert not client.get("/partners/").context["page"].object_list
    assert not client.get("/registrations/").context["page"].object_list


@pytest.mark.parametrize(
    ("path", "active", "group"),
    [
        ("/performance/targets/", "targets", "performance"),
        ("/performance/rebates/policies/", "rebate-policies", "performance"),
        ("/performance/rebates/", "rebates", "performance"),
        ("/performance/reports/regions/", "reports", "performance"),  # a sibling of its URL
        ("/performance/", "performance", "performance"),
        ("/partners/applications/", "applications", "partners"),
        ("/registrations/review/", "registration-review", "deals"),
        ("/approvals/", "approvals", ""),
    ],
)
def test_the_active_entry_lights_and_its_group_is_open(world, as_user, path, active, group):
    response = as_user(world.channel_mgr).get(path)

    assert response.status_code == 200
    bar = side_bar(response.content.decode())
    assert bar.active == [active]
    assert bar.open_groups == ([group] if group else [])
    assert f'data-nav="{active}" aria-current="page"' in response.content.decode()


def test_performance_pages_have_no_tab_bar_of_their_own(world, as_user):
    html = as_user(world.channel_mgr).get("/performance/targets/").content.decode()

    assert 'data-testid="performance-nav"' not in html
    assert 'data-nav="scorecards"' in html and 'data-nav="kpi-schemes"' in html


@pytest.mark.parametrize("persona", ["hq", "p1_user"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_top_bar_has_the_user_menu_with_language_switch_and_log_out(
    world, as_user, persona, language
):
    client = as_user(getattr(world, persona))
    client.cookies["django_language"] = language

    html = client.get("/").content.decode()

    assert 'data-testid="user-menu"' in html and 'data-testid="menu-button"' in html
    assert 'data-language="zh-hans"' in html and 'data-language="en"' in html
    assert 'action="/logout/"' in html or 'data-testid="log-out"' in html
    assert 'href="/profile/"' in html
    assert ('href="/api/v1/docs"' in html) is (persona == "hq")  # not for partner users
    assert f'<html lang="{language}">' in html


def test_group_headings_are_translated(world, as_user):
    client = as_user(world.hq)
    chinese = client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()

    for zh, en in [("渠道伙伴", "Channel partners"), ("业绩看板", "Dashboard"), ("系统", "System")]:
        assert zh in chinese and en in english


def test_sections_put_lone_entries_between_groups_in_order_and_skip_empty_groups(monkeypatch):
    monkeypatch.setattr(
        hooks,
        "nav_groups",
        lambda: {
            "a": hooks.NavGroup("a", "A", "bi-a", 20),
            "b": hooks.NavGroup("b", "B", "bi-b", 60),
            "empty": hooks.NavGroup("empty", "E", "bi-e", 30),
        },
    )
    monkeypatch.setattr(
        hooks,
        "nav_items",
        lambda: [
            hooks.NavItem("top", "Top", "core:home", "bi-x", 10),
            hooks.NavItem("a1", "A1", "core:home", "bi-x", 21, group="a"),
            hooks.NavItem("mid", "Mid", "core:home", "bi-x", 40),
            hooks.NavItem("b1", "B1", "core:home", "bi-x", 61, group="b"),
            hooks.NavItem("lost", "Lost", "core:home", "bi-x", 70, group="undeclared"),
        ],
    )
    items = [
        {"key": key, "group": group, "active": key == "b1"}
        for key, group in [
            ("top", ""),
            ("a1", "a"),
            ("mid", ""),
            ("b1", "b"),
            ("lost", "undeclared"),
        ]
    ]

    sections = navigation.sections_for(items)

    assert [(s["key"], s["group"], s["open"]) for s in sections] == [
        ("top", False, False),
        ("a", True, False),
        ("mid", False, False),
        ("b", True, True),
        ("lost", False, False),
    ]


def test_the_side_bar_costs_no_query_per_entry(world, as_user):
    # The side bar is built from the registry and the user's roles (read once per request): a
    # user with 25 entries costs the same queries as one with 8.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for persona in ("admin", "pm"):
        client = as_user(getattr(world, persona))
        client.get("/notifications/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/notifications/").status_code == 200
        counts[persona] = len(queries)

    assert counts["admin"] == counts["pm"]
