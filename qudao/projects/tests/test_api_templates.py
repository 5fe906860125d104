"""The process-templates API: admins create, edit, publish and version templates; others read."""

import json

import pytest

from qudao.projects.tests.factories import doc_type

pytestmark = pytest.mark.django_db
URL = "/api/v1/process-templates"


def send(client, method, url, data=None):
    return getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")


def test_an_admin_builds_publishes_and_versions_a_template(world, as_api):
    doc_type()
    admin = as_api(world.admin)
    created = send(
        admin,
        "post",
        URL,
        {
            "code": "pilot",
            "name": "试点流程",
            "project_class": "service",
            "stages": [
                {
                    "code": "plan",
                    "name": "计划",
                    "target_days": 5,
                    "document_types": ["proposal"],
                    "approval": "chain",
                    "approval_chain": [
                        {"name": "区域", "role": "regional_manager"},
                        {"name": "总监", "role": "director"},
                    ],
                }
            ],
        },
    )
    assert created.status_code == 201, created.content
    template = created.json()
    version = template["versions"][0]
    assert version["status"] == "draft"
    assert version["stages"][0]["document_types"] == ["proposal"]

    bad = send(
        admin,
        "put",
        f"{URL}/{template['id']}/versions/{version['id']}",
        {"stages": [{"code": "plan", "name": "计划", "target_days": 0}]},
    )
    assert bad.status_code == 422
    assert "stages.0.target_days" in bad.json()["errors"]

    published = send(admin, "post", f"{URL}/{template['id']}/versions/{version['id']}/publish")
    assert published.json()["versions"][0]["status"] == "published"
    frozen = send(
        admin,
        "put",
        f"{URL}/{template['id']}/versions/{version['id']}",
        {"stages": [{"code": "x", "name": "X", "target_days": 1}]},
    )
    assert frozen.status_code == 409

    newer = send(admin, "post", f"{URL}/{template['id']}/versions")
    assert newer.status_code == 201
    assert [v["number"] for v in newer.json()["versions"]] == [2, 1]


def test_others_read_but_cannot_edit(world, as_api):
    for user in (world.hq, world.p1_user):
        client = as_api(user)
        listed = client.get(URL)
        assert listed.status_code == 200
        assert len(listed.json()) >= 7
        refused = send(
            client, "post", URL, {"code": "x", "name": "X", "project_class": "bid", "stages": []}
        )
        assert refused.status_code == 403
    detail = as_api(world.pm).get(f"{URL}/{listed.json()[0]['id']}")
    assert detail.status_code == 200
    assert detail.json()["versions"][0]["stages"]
