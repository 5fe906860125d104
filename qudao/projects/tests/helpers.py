"""Helpers for the plan, risks, meetings, closing, stock-take and health tests: a running
project on the small test template (factories.gate_stages), made through the services, and
JSON requests to the API."""

import json

from qudao.projects import services
from qudao.projects.models import Project
from qudao.projects.tests.factories import project, template


def running_project(world, **data) -> Project:
    """A project of partner 1 in 深圳, owned by the project manager, on the `gates` template."""
    from qudao.projects.models import ProcessTemplate

    if not ProcessTemplate.objects.filter(code="gates").exists():
        template()
    return project(actor=world.pm, region=world.shenzhen, partner=world.p1, **data)


def add_member(world, project_obj: Project, user, role: str = "member"):
    return services.project_member_add(actor=world.pm, project=project_obj, user=user, role=role)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def put(client, url, data):
    return client.put(url, json.dumps(data), content_type="application/json")
