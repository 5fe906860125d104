"""The home-panel hook: a panel registered through core.hooks shows on the home page of the users
it applies to only, its chart's JSON is escaped (json_script), and the apps' own panels are
declared in their navigation.py (HOME_PANELS)."""

import json
import re

import pytest

from qudao.core import hooks

pytestmark = pytest.mark.django_db

HOSTILE = '</script><script>alert("x")</script>'


def _hostile_panel(user):
    if not user.has_role("director"):
        return None
    return hooks.panel(
        "hostile",
        "Hostile",
        chart=hooks.chart("bar", [{"label": HOSTILE, "value": 1, "url": "/projects/"}]),
    )


@pytest.fixture
def hostile(monkeypatch):
    monkeypatch.setattr(hooks, "_home_panels", [*hooks._home_panels])
    hooks.home_panel(_hostile_panel, 1)
    hooks.home_panel(_hostile_panel, 1)  # registering twice is harmless
    assert hooks.home_panels().count(_hostile_panel) == 1


def test_a_panel_shows_only_to_the_users_it_applies_to_with_its_json_escaped(
    world, as_user, hostile
):
    html = as_user(world.hq).get("/").content.decode()

    assert 'data-panel="hostile"' in html
    assert HOSTILE not in html  # "<" and ">" escaped inside the JSON payload
    payload = re.search(
        r'<script id="home-chart-hostile" type="application/json">(.*?)</script>', html, re.S
    )[1]
    assert json.loads(payload)["items"][0]["label"] == HOSTILE
    assert 'data-panel="hostile"' not in as_user(world.p1_user).get("/").content.decode()


def test_every_app_declares_its_panels_in_its_navigation():
    from qudao.partners import navigation as partners
    from qudao.performance import navigation as performance
    from qudao.projects import navigation as projects
    from qudao.registrations import navigation as registrations

    declared = [
        panel
        for module in (partners, registrations, projects, performance)
        for _order, panel in module.HOME_PANELS
    ]
    assert declared and all(panel in hooks.home_panels() for panel in declared)
